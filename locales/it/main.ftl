# downtally, italiano.

## Site chrome (base.html)
site-tagline = Solo io? Segnalazioni di disservizi di banche e pagamenti
demo-banner-title = Dati dimostrativi.
demo-banner-text = Tutto ciò che vedi su questo sito è simulato, non sono segnalazioni reali.
footer-privacy = Le segnalazioni vengono contate senza memorizzare gli indirizzi.
footer-data = Dati:
footer-api = API JSON
footer-language = Lingua:

## Statuses
status-outage = disservizio
status-elevated = segnalazioni elevate
status-normal = normale
status-unknown = sconosciuto

## Problem kinds
problem-login = Accesso
problem-balance = Saldo
problem-sms_verification = Codice SMS
problem-payments = Bonifici e pagamenti
problem-card = Pagamenti con carta
problem-mobile_app = App
problem-website = Sito web
problem-other = Altro

## Countries (the main country of each service)
country-DE = Germania
country-FR = Francia
country-GB = Regno Unito
country-IT = Italia
country-NL = Paesi Bassi
country-NO = Norvegia
country-SE = Svezia
country-US = Stati Uniti

## Home page
index-title = downtally · segnalazioni di disservizi di banche e servizi di pagamento
index-heading = Problemi con la tua banca o il tuo servizio di pagamento?
index-lead = Apri un servizio per vedere cosa segnalano gli altri e dicci cosa non funziona per te.
search-label = Cerca
search-placeholder = es. Intesa Sanpaolo
country-label = Paese
all-countries = Tutti i paesi
show-button = Mostra
services-shown = { $shown } servizi su { $total }
recent-outages = Disservizi recenti
problems-now = Problemi in corso
sparkline-title = { $n ->
    [one] { $count } segnalazione nelle ultime 24 ore
   *[other] { $count } segnalazioni nelle ultime 24 ore
}

## Service page
service-title = { $service } non funziona? Problemi attuali e disservizi
headline-outage = Le segnalazioni degli utenti indicano problemi con { $service } dalle { $time }
headline-elevated = Le segnalazioni su { $service } sono sopra la norma dalle { $time }
headline-normal = Nessun problema in corso con { $service }
headline-unknown = Lo stato di { $service } al momento non è noto
updated-waiting = In attesa del primo controllo
updated-at = Aggiornato alle { $time }
affected-regions = La maggior parte delle segnalazioni da: { $regions }
reports-last-hour = { $n ->
    [one] { $count } segnalazione nell'ultima ora
   *[other] { $count } segnalazioni nell'ultima ora
}
link-website = Sito web
link-status-page = Pagina di stato ufficiale
link-data = Dati (JSON)
chart-heading = Segnalazioni nelle ultime 24 ore
chart-title-day = Segnalazioni su { $service } nelle ultime 24 ore
chart-desc-day = Segnalazioni di problemi ogni 15 minuti ({ $tz }), con l'intervallo normale per quel momento della settimana come fascia ombreggiata e i periodi di disservizio in rosso. La tabella qui sotto riporta gli stessi numeri.
chart-title-hour = Segnalazioni su { $service } nell’ultima ora
embed-chart-desc-day = Segnalazioni di problemi ogni 15 minuti ({ $tz }), con l'intervallo normale per quel momento della settimana come fascia ombreggiata e i periodi di disservizio in rosso.
embed-chart-desc-hour = Segnalazioni di problemi al minuto ({ $tz }), con l'intervallo normale per quel momento della settimana come fascia ombreggiata e i periodi di disservizio in rosso.
table-summary = I numeri del grafico
table-caption-quarter = Segnalazioni ogni 15 minuti ({ $tz }) e intervallo normale
table-caption-bucket = Segnalazioni per intervallo ({ $tz }) e intervallo normale
tz-label = Fuso orario
tz-button = Applica
col-from = Dalle
col-reports = Segnalazioni
col-normal = Intervallo normale
breakdown-heading = Problemi più segnalati (24 ore)
breakdown-empty = Nessuna segnalazione nelle ultime 24 ore.
report-heading = Che cosa non funziona per te?
report-thanks = Grazie: la tua segnalazione ({ $problem }) è stata ricevuta.
report-thanks-not-counted = Grazie: la tua segnalazione ({ $problem }) è stata ricevuta; hai già segnalato negli ultimi 15 minuti, quindi non è stata contata di nuovo.
report-more = Aggiungi una regione o un commento (facoltativo)
region-label = Regione
region-none = Non indicata
locate-button = Usa la mia posizione
locate-note = La posizione è arrotondata a circa 1 km e usata solo per trovare la tua regione.
locate-done = Posizione aggiunta.
comment-label = Commento (visibile a tutti)

# Comments
comments-heading = Commenti
comment-name-label = Nome (facoltativo)
comment-body-label = Il tuo commento
comment-rules = I commenti sono pubblici. Non inserire numeri di conto, password o codici.
comment-submit = Pubblica commento
comment-thanks = Grazie, il tuo commento è stato pubblicato.
comments-empty = Ancora nessun commento.
comment-anonymous = Anonimo
comment-with-report = con una segnalazione su { $problem }
comments-pages = Altri commenti
comments-newer = Commenti più recenti
comments-older = Commenti meno recenti
error-title-429 = Troppe richieste
error-too-many = Hai pubblicato diversi commenti negli ultimi minuti. Attendi un po’.
error-comment-empty = Il commento è vuoto.
error-comment-too-long = Il commento supera i 500 caratteri.
error-comment-name-too-long = Il nome supera i 40 caratteri.
error-comment-unavailable = Non è stato possibile salvare il commento; riprova.

history-heading = Storico dei disservizi
no-outages = Nessun disservizio registrato.
ongoing = in corso
all-outages-of = Tutti i disservizi di { $service }

## Outages
outage-heading = Disservizio di { $service }
outages-link = Disservizi
fact-started = Inizio
fact-duration = Durata
fact-peak = Picco
fact-top-problems = Problemi principali
fact-regions = Regioni
fact-permalink = Link permanente
peak-text = { $n ->
    [one] { $count } segnalazione al minuto alle { $time } (di norma { $typical })
   *[other] { $count } segnalazioni al minuto alle { $time } (di norma { $typical })
}
chart-title-outage = Segnalazioni su { $service } intorno al disservizio
chart-desc-outage = Segnalazioni di problemi per intervallo ({ $tz }), l'intervallo normale come fascia ombreggiata, il disservizio in rosso.
filter-service = Servizio
filter-service-placeholder = es. intesa-sanpaolo
filter-country-placeholder = es. IT
filter-button = Filtra
col-service = Servizio

## Durations
duration-min = { $m } min
duration-h-min = { $h } h { $m } min
duration-d-h = { $d } g { $h } h

## Errors
error-title-400 = Richiesta non valida
error-title-404 = Pagina non trovata
error-title-405 = Metodo non consentito
error-title-413 = Richiesta troppo grande
error-title-422 = Non accettato
error-title-500 = Errore interno
error-title-503 = Temporaneamente non disponibile
error-back = Torna indietro
error-no-page = Non c'è nessuna pagina a questo indirizzo.
error-wrong-method = Questo indirizzo non risponde a questo tipo di richiesta.
error-no-service = Questo servizio non esiste.
error-no-outage = Questo disservizio non esiste.
error-form-unreadable = Non è stato possibile leggere il modulo.
error-not-number = { $field } deve essere un numero.
field-latitude = Latitudine
field-longitude = Longitudine
error-invalid-report = La segnalazione non è stata accettata: { $detail }
error-unavailable = Non è stato possibile salvare la segnalazione; riprova.
error-rate-limited = Dalla tua rete sono arrivate troppe segnalazioni negli ultimi minuti. Riprova tra { $seconds } secondi.
error-bad-request = Non è stato possibile leggere la richiesta.
error-too-large = La richiesta è troppo grande.
error-internal = Qualcosa è andato storto da parte nostra. Riprova più tardi.
error-title-403 = Non consentito
error-title-408 = Richiesta troppo lenta
error-title-415 = Tipo di contenuto non supportato
error-cross-site = Questo modulo è stato inviato da un altro sito web, quindi non è stato accettato. Se volevi inviarlo, apri la pagina su downtally e invia il modulo da lì.
error-body-timeout = Il modulo ha impiegato troppo tempo ad arrivare. Riprova.
error-media-type = Questo tipo di contenuto non è accettato qui.

## Heatmap
heatmap-legend-title = Rispetto al solito
heatmap-level-none = Nessuna segnalazione
heatmap-level-normal = Nella norma
heatmap-level-above = Sopra la norma
heatmap-level-well-above = Ben sopra la norma
heatmap-level-far-above = Molto sopra la norma
heatmap-region-title = { $region }: { $n ->
    [one] { $count } segnalazione
   *[other] { $count } segnalazioni
}
heatmap-col-region = Regione
heatmap-col-reports = Segnalazioni
heatmap-col-typical = Di solito
heatmap-col-level = Rispetto al solito
heatmap-heading = Dove vengono segnalati i problemi
heatmap-title-day = Segnalazioni su { $service } per regione, ultime 24 ore
heatmap-title-hour = Segnalazioni su { $service } per regione, ultima ora
heatmap-desc = Ogni regione è colorata in base alle segnalazioni rispetto al numero abituale per quest’ora del giorno; passa sopra o seleziona una regione per vederne il numero. La tabella riporta gli stessi numeri.
heatmap-table-summary = Segnalazioni per regione (tabella)
embed-heading = Incorpora
embed-intro = Mostra questa mappa con lo stato attuale sul tuo sito (si aggiorna da sola, non usa cookie e non richiede JavaScript), oppure usa direttamente le immagini. Opzioni: theme=light o dark, lang=en, it, de, fr o nb, window=24h o 1h.
embed-iframe-label = Mappa e stato per un iframe
embed-svg-label = Immagini (SVG)
embed-more = Dettagli e segnalazioni su downtally
