# downtally, italiano.

## Site chrome (base.html)
site-tagline = Solo io? Segnalazioni di disservizi di banche e pagamenti
demo-banner-title = Dati dimostrativi.
demo-banner-text = Tutto ciò che vedi su questo sito è simulato, non sono segnalazioni reali.
demo-preparing = La demo è in preparazione: due settimane di segnalazioni simulate per ogni servizio. Questa pagina si ricarica da sola tra pochi secondi.
footer-privacy = Le segnalazioni vengono contate senza memorizzare gli indirizzi.
footer-data = Dati:
footer-api-link = API e dati aperti
footer-language = Lingua:

## Statuses
status-outage = disservizio
status-elevated = segnalazioni elevate
status-improving = in miglioramento
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
headline-improving = Le segnalazioni su { $service } sono tornate vicine alla norma; i problemi iniziati alle { $time } non sono ancora confermati come risolti
headline-normal = Nessun problema in corso con { $service }
headline-unknown = Lo stato di { $service } al momento non è noto
updated-waiting = In attesa del primo controllo
updated-at = Aggiornato alle { $time }
affected-regions = La maggior parte delle segnalazioni da: { $regions }
reports-last-hour = { $n ->
    [one] { $count } segnalazione nell’ultima ora
   *[other] { $count } segnalazioni nell’ultima ora
}
link-website = Sito web
link-status-page = Pagina di stato ufficiale
link-data = Dati (JSON)
chart-heading = Segnalazioni nelle ultime 24 ore
chart-title-day = Segnalazioni su { $service } nelle ultime 24 ore
chart-desc-day = Segnalazioni di problemi ogni 15 minuti ({ $tz }), con l’intervallo normale per quel momento della settimana come fascia ombreggiata e i periodi di disservizio in rosso. La tabella qui sotto riporta gli stessi numeri.
chart-title-hour = Segnalazioni su { $service } nell’ultima ora
embed-chart-desc-day = Segnalazioni di problemi ogni 15 minuti ({ $tz }), con l’intervallo normale per quel momento della settimana come fascia ombreggiata e i periodi di disservizio in rosso.
embed-chart-desc-hour = Segnalazioni di problemi al minuto ({ $tz }), con l’intervallo normale per quel momento della settimana come fascia ombreggiata e i periodi di disservizio in rosso.
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
comment-rules = I commenti sono pubblici. Non inserire numeri di conto, password o codici. I link sono mostrati come testo semplice, non come link.
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
chart-desc-outage = Segnalazioni di problemi per intervallo ({ $tz }), l’intervallo normale come fascia ombreggiata, il disservizio in rosso.
filter-service = Servizio
filter-service-placeholder = es. Intesa
filter-country-placeholder = es. Italia o IT
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
error-no-page = Non c’è nessuna pagina a questo indirizzo.
error-wrong-method = Questo indirizzo non risponde a questo tipo di richiesta.
error-no-service = Questo servizio non esiste.
badge-removed = servizio rimosso
error-service-removed = Questo servizio è stato rimosso dall’elenco di questo sito. I suoi disservizi passati restano consultabili.
error-no-outage = Questo disservizio non esiste.
error-form-unreadable = Non è stato possibile leggere il modulo.
error-not-number = { $field } deve essere un numero.
field-latitude = Latitudine
field-longitude = Longitudine
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
embed-intro = Mostra questa mappa con lo stato attuale sul tuo sito (si aggiorna da sola, non usa cookie e non richiede JavaScript), oppure usa direttamente le immagini. Opzioni: theme=light, dark o auto (segue il sistema del lettore), lang=en, it, de, fr o nb, window=24h o 1h.
embed-iframe-label = Mappa e stato per un iframe
embed-svg-label = Immagini (SVG)
embed-more = Dettagli e segnalazioni su downtally

## Moderation, official statements, privacy, admin area (issue 9 §4)
footer-privacy-link = Privacy
comment-flag = Segnala abuso
comment-flagged = Segnalato come abuso dai lettori (mostra)
comment-flag-thanks = Grazie: l’abuso è stato segnalato. Quando lo segnalano lettori da più reti, il commento viene nascosto dietro un clic finché un amministratore non decide.
comment-same = { $n ->
    [one] +{ $count } ha scritto lo stesso
   *[other] +{ $count } hanno scritto lo stesso
}
error-comment-link-only = Un commento non può essere solo un link. Scrivi a parole che cosa non funziona.
error-comment-network-busy = Dalla tua rete sono arrivati molti commenti negli ultimi minuti. Attendi un po’.
error-no-comment = Questo commento non esiste.
error-title-401 = Accesso richiesto
statements-heading = Comunicazione ufficiale
statement-when = Dal servizio, { $time }
statement-link = Leggila alla fonte

# Privacy page
privacy-title = Privacy
privacy-intro = downtally conta le segnalazioni di problemi con banche e servizi di pagamento. Conserva solo il minimo necessario e niente che riconduca a te.
privacy-stored-heading = Che cosa conserviamo
privacy-stored-keys = Il tuo indirizzo IP non viene mai conservato. Da esso e dall’intestazione User-Agent del tuo browser si calcolano due chiavi: una chiave di segnalazione (un hash con chiave, HMAC-SHA256, della tua rete, del tuo browser e del servizio) e una chiave di rete (lo stesso tipo di hash della tua rete IPv4 /24 o IPv6 /48). Entrambe usano un sale casuale che cambia ogni giorno e viene cancellato dopo due giorni: da quel momento nessuno, nemmeno noi, può ricondurre una chiave a una rete o alle chiavi di altri giorni.
privacy-stored-reports = Per ogni segnalazione conserviamo il servizio, il problema, la regione che hai scelto, la tua posizione se l’hai condivisa (arrotondata a due decimali, circa 1 km), il tuo commento se ne hai lasciato uno, le due chiavi e l’ora.
privacy-stored-comments = I commenti sono pubblici. Conserviamo il testo, il nome che hai scelto (se c’è), le due chiavi (per limitare quanto spesso un visitatore o una rete può scrivere) e l’ora; le chiavi non vengono mai mostrate. Quando un commento viene segnalato come abuso conserviamo solo la chiave di rete di chi lo segnala.
privacy-retention-heading = Per quanto tempo
privacy-retention = Le segnalazioni vengono cancellate con le loro due chiavi dopo { $days } giorni (entro l’ora successiva); ciò che serve a grafici e statistiche viene prima conservato come conteggi orari per servizio, problema e regione, che non contengono alcuna chiave. Il commento di una segnalazione che le pagine mostrano è conservato per lo storico dei disservizi: quando la sua segnalazione viene cancellata, si unisce agli altri commenti senza alcuna chiave, con il suo problema, le sue segnalazioni di abuso e l’indicazione se è nascosto. Anche le due chiavi dei commenti e le chiavi di rete delle segnalazioni di abuso vengono cancellate dopo { $days } giorni; i commenti e le segnalazioni di abuso restano. Il sale giornaliero delle chiavi viene cancellato già dopo due giorni, e da allora nessuna chiave può più essere collegata a una rete. I conteggi al minuto sono conservati per { $hours } ore, quelli orari per { $weeks } settimane nei contatori.
privacy-cookies-heading = Cookie
privacy-cookie-lang = la lingua che hai scelto con i link delle lingue (un anno).
privacy-cookie-tz = il fuso orario che hai scelto (un anno).
privacy-cookie-admin = solo per gli amministratori che accedono all’area di amministrazione (12 ore): una sessione firmata, mai il token stesso.
privacy-cookies-none = Nessun altro cookie, nessun tracciamento, niente caricato da altri siti. Gli embed non impostano cookie.
privacy-network-heading = Che cosa una rete può e non può fare ai numeri
privacy-network-bound = In ogni intervallo di { $minutes } minuti una rete (una IPv4 /24 o IPv6 /48) aggiunge a un servizio al massimo max({ $base }, { $share } delle persone che segnalano da tutte le altre reti) segnalazioni contate, qualunque cosa dicano i suoi browser. Le altre sono conservate ma non contate.
privacy-network-breadth = Un disservizio richiede segnalazioni da almeno { $networks } reti distinte oltre al traffico normale: poche reti non possono dichiararne uno, per quanto inviino.
privacy-network-rate = Una rete può inviare al massimo { $rate } segnalazioni e commenti al minuto; oltre, le viene chiesto di attendere.
privacy-network-comments = Un visitatore può scrivere { $visitor } commenti su un servizio in { $minutes } minuti, una rete { $network }. Il commento inviato con una segnalazione non contata non viene pubblicato di nuovo, e i commenti identici sono mostrati una volta sola, con quanti hanno scritto lo stesso.
privacy-network-flags = Un commento segnalato come abuso da lettori di { $flags } o più reti viene nascosto dietro un clic, mai cancellato: decide un amministratore.
privacy-network-cannot = Che cosa non può impedire: molte reti che agiscono insieme sembrano una folla. Ciascuna resta allora entro la sua quota, e ogni segnalazione resta nel database con la sua chiave di rete quanto ogni altra.

# Admin area
admin-title = Amministrazione
admin-token = Token di amministrazione
admin-login = Accedi
admin-logout = Esci
admin-signed-in = Accesso come { $label }.
admin-login-first = Accedi con un token di amministrazione.
admin-wrong-token = Questo non è un token di amministrazione.
admin-too-many-failures = Troppi accessi falliti dalla tua rete. Riprova tra { $seconds } secondi.
admin-flagged-heading = Commenti segnalati come abuso
admin-hidden-heading = Commenti nascosti
admin-none = Nessuno.
admin-comment-id = Commento (per es. c12)
admin-hide = Nascondi
admin-restore = Ripristina
admin-statement-heading = Comunicazione ufficiale su un disservizio
admin-statement-outage = Disservizio
admin-statement-text = Che cosa ha detto il servizio
admin-statement-link = Link alla fonte (facoltativo)
admin-statement-time = Quando l’ha detto (UTC; vuoto per adesso)
admin-statement-submit = Pubblica la comunicazione
admin-actions-heading = Ultime azioni di amministrazione
admin-col-time = Ora (UTC)
admin-col-label = Token
admin-col-action = Azione
admin-col-target = Oggetto
admin-col-detail = Dettaglio
admin-col-comment = Commento
admin-col-text = Testo
admin-col-flags = Reti che hanno segnalato l’abuso
admin-done-hidden = Il commento è nascosto, insieme a quelli che dicono lo stesso.
admin-done-restored = Il commento è di nuovo visibile, insieme a quelli che dicono lo stesso.
admin-done-statement = La comunicazione è pubblicata.
admin-done-login = Accesso eseguito.
admin-bad-action = Scegli nascondi o ripristina.
admin-bad-comment = Un commento si indica come c12 o r7.
admin-no-comment = Questo commento non esiste.
admin-bad-statement = La comunicazione deve avere da 1 a 1.000 caratteri.
admin-bad-link = Il link deve essere un indirizzo http:// o https:// senza spazi né virgolette.
admin-bad-time = L’ora deve essere nella forma 2026-12-01T10:42 (UTC).

## Charts and the normal range (issue 11, helper "normal")
chart-per-minutes = { $n ->
    [one] Segnalazioni al minuto
   *[other] Segnalazioni ogni { $n } minuti
}
chart-per-hours = { $n ->
    [one] Segnalazioni all’ora
   *[other] Segnalazioni ogni { $n } ore
}
chart-legend-normal = Intervallo normale
chart-legend-outage = Disservizio
table-so-far = { $time } (finora)
chart-legend-so-far = Finora
chart-now = ora
chart-times-in = Orari in { $zone }
chart-bar = { $n ->
    [one] { $time }: { $count } segnalazione
   *[other] { $time }: { $count } segnalazioni
}
chart-bar-normal = normale { $low }–{ $high }
chart-source = Fonte: { $url }
reports-last-hour-usual = { $n ->
    [one] { $count } segnalazione nell’ultima ora
   *[other] { $count } segnalazioni nell’ultima ora
} ({ $high_n ->
    [0] di solito nessuna
   *[other] di solito { $low }–{ $high }
})

## Phone first, maps and languages (issue 11 §2, §5, §6: phone)
report-not-alone = { $n ->
    [one] Non sei solo: { $count } persona ha segnalato «{ $problem }» negli ultimi 15 minuti.
   *[other] Non sei solo: { $count } persone hanno segnalato «{ $problem }» negli ultimi 15 minuti.
}
report-first = Sei il primo a segnalare «{ $problem }» negli ultimi 15 minuti.
report-help-from = Assistenza di { $service }:
link-support = Assistenza e contatti
error-invalid-problem = La segnalazione non è stata accettata: questo tipo di problema non esiste. Usa uno dei pulsanti.
error-invalid-region = La segnalazione non è stata accettata: questa regione non esiste. Scegline una dall’elenco.
error-invalid-location = La segnalazione non è stata accettata: la posizione non è utilizzabile. Latitudine e longitudine vanno indicate insieme, come numeri.
error-invalid-comment = La segnalazione non è stata accettata: il commento supera i 500 caratteri.
country-AT = Austria
country-DK = Danimarca
country-ES = Spagna
country-FI = Finlandia
country-IE = Irlanda
country-LT = Lituania
zone-europe-rome = Roma
zone-europe-london = Londra
zone-europe-berlin = Berlino
zone-europe-paris = Parigi
zone-europe-oslo = Oslo
zone-america-new-york = New York
zone-utc = UTC
heatmap-by-country = Segnalazioni per paese
heatmap-off-map = * fuori da questa mappa
heatmap-no-region = Regione non indicata
heatmap-focus-hint = Tocca o seleziona una regione per vederne il numero.

## Journalists (issue 11 §3–4): incident summary, other services, citation, chart files, outage list
summary-ratio = Dalle { $time }: { $ratio } le segnalazioni abituali
summary-count = { $n ->
    [one] Dalle { $time }: { $count } segnalazione
   *[other] Dalle { $time }: { $count } segnalazioni
}
summary-problems = , soprattutto { $problems }
list-and = { $first } e { $last }
others-heading = Altri servizi con problemi ora
fact-ended = Fine
outage-closed-unlisted = Chiuso quando downtally ha smesso di seguire questo servizio (rimosso dal catalogo); nessuno lo ha visto tornare a funzionare.
peak-ratio = { $ratio } il normale
period-since = dal { $start }
citation = downtally, { $subject }, { $period }, { $url }, consultato il { $retrieved }
cite-heading = Citare questo disservizio
cite-url-label = Link permanente
cite-text-label = Citazione
cite-hint = Seleziona il testo per copiarlo.
fig-covers = { $from } – { $to } { $zone } ({ $tz }), { $per }
fig-per-slot = { $n ->
    [one] segnalazioni al minuto
    [60] segnalazioni all'ora
   *[other] segnalazioni ogni { $count } minuti
}
fig-download = Scarica il grafico:
error-no-file = Questo file non esiste.
outages-zone = Tutti gli orari in { $tz }
outages-no-service = Nessun servizio corrisponde a «{ $text }».
outages-no-country = Nessun paese corrisponde a «{ $text }».

## "Works again for me" (issue 12 §1)
report-works-again = Per me funziona di nuovo
works-again-count = { $n ->
    [one] { $count } persona ha detto che per lei funziona di nuovo nell’ultima ora.
   *[other] { $count } persone hanno detto che per loro funziona di nuovo nell’ultima ora.
}
works-again-thanks = Grazie: siamo contenti che { $service } funzioni di nuovo per te.
works-again-thanks-not-counted = Grazie: hai già detto negli ultimi 15 minuti che { $service } funziona di nuovo, quindi non è stato contato di nuovo.
works-again-others = { $n ->
    [one] { $count } persona ha detto negli ultimi 15 minuti che { $service } per lei funziona di nuovo.
   *[other] { $count } persone hanno detto negli ultimi 15 minuti che { $service } per loro funziona di nuovo.
}

# --- Incident groups (issue 12, part 4: shared causes are named) ---
group-rising = Le segnalazioni aumentano contemporaneamente per { $count } servizi { $code ->
    [GB] nel Regno Unito
    [US] negli Stati Uniti
    [NL] nei Paesi Bassi
   *[other] in { $country }
}, soprattutto per { $problem }: probabilmente un fornitore comune.
group-rose = Le segnalazioni sono aumentate contemporaneamente per { $count } servizi { $code ->
    [GB] nel Regno Unito
    [US] negli Stati Uniti
    [NL] nei Paesi Bassi
   *[other] in { $country }
}, soprattutto per { $problem }: probabilmente un fornitore comune.
group-members = Servizi:
group-problem-login = l'accesso
group-problem-balance = il saldo
group-problem-sms_verification = i codici SMS
group-problem-payments = bonifici e pagamenti
group-problem-card = i pagamenti con carta
group-problem-mobile_app = l'app
group-problem-website = il sito
group-problem-other = altri problemi

## evidence (issue 12 §6): perché downtally lo considera un disservizio, nel permalink
why-heading = Perché downtally lo considera un disservizio
why-observed = { $minutes ->
        [1] Nel minuto
        [60] Nell’ora
       *[other] Nei { $minutes_text } minuti
    } fino alle { $time }, { $n ->
        [one] una persona ha segnalato
       *[other] { $count } persone hanno segnalato
    } problemi, dove di solito sono { $expected } (intervallo normale { $low }–{ $high }).
why-observed-no-normal = { $minutes ->
        [1] Nel minuto
        [60] Nell’ora
       *[other] Nei { $minutes_text } minuti
    } fino alle { $time }, { $n ->
        [one] una persona ha segnalato
       *[other] { $count } persone hanno segnalato
    } problemi; downtally non conosce ancora abbastanza il passato di questo servizio per dire quante siano di solito.
why-ratio = Cioè { $ratio } il normale.
why-networks = Nei { $minutes_text } minuti fino alle { $time }, le segnalazioni venivano da { $networks } reti, dove di solito sono circa { $usual }.
why-networks-region = Nei { $minutes_text } minuti fino alle { $time }, le segnalazioni da questa regione venivano da { $networks } reti, dove lì di solito sono circa { $usual }.
why-networks-service-wide = Nei { $minutes_text } minuti fino alle { $time }, le segnalazioni dell’intero servizio venivano da { $networks } reti. Quando questo disservizio è stato dichiarato, downtally valutava l’ampiezza dell’intero servizio, non ancora quella della sola regione.
why-rule-spike = downtally dichiara un disservizio quando le segnalazioni superano il normale di tanto: uno scarto di { $deviation } contro una soglia di { $bar }.
why-rule-sustained = downtally dichiara un disservizio quando le segnalazioni restano sopra il normale abbastanza a lungo da sommarsi in un aumento persistente: uno scarto di { $deviation } contro una soglia di { $bar }.
why-rule-networks = Servono inoltre segnalazioni da almeno { $n ->
        [one] una rete
       *[other] { $needed } reti
    } oltre a quelle che porta il traffico normale.
why-settings = Impostazioni del rilevatore { $version }.
why-missing = Quando questo disservizio è stato dichiarato, downtally non conservava ancora le prove dei suoi verdetti.

## The API page, /api (issue 13 §2)
api-title = Dati aperti e API
api-intro = Tutto ciò che downtally conta è aperto: le segnalazioni di ogni servizio al minuto, al quarto d’ora o all’ora con ciò che per esso è normale, ogni disservizio con gli elementi che lo hanno stabilito, in JSON o in CSV. Nessuna chiave, nessuna registrazione; ogni indirizzo qui sotto risponde a un browser, a un foglio di calcolo o a uno script.
api-toc = In questa pagina
api-licence-heading = Licenza e citazione
api-licence = I dati sono pubblicati con la licenza Creative Commons Attribuzione 4.0: potete copiarli, pubblicarli e riutilizzarli, anche a fini commerciali, purché citiate downtally.
api-citation = Citate la pagina o il permalink da cui vengono i numeri, per esempio:
api-citation-example = Fonte: downtally (segnalazioni degli utenti),
api-citation-caveat = Sono segnalazioni degli utenti del servizio, contate e confrontate con il normale; il servizio non le ha confermate. Ditelo quando le pubblicate, e collegate il permalink del disservizio: mostra gli elementi che lo hanno stabilito e le dichiarazioni del servizio stesso.
api-journalists-heading = Scaricare i numeri di un grafico
api-journalists = Sotto il grafico di ogni pagina di servizio c’è un link CSV. Per qualsiasi altro periodo chiedete il CSV all’API; un foglio di calcolo apre il file così com’è. Gli ultimi 7 giorni, ora per ora:
api-journalists-columns = Ogni riga è un intervallo: il suo inizio (UTC, ISO 8601), le segnalazioni contate, quelle attese in quel momento e l’intervallo normale (dal 10° al 90° percentile), e se era dichiarato un disservizio. Suddiviso per problema, una riga per intervallo e problema:
api-journalists-outages = L’elenco dei disservizi, dal più recente, con inizio, fine, picco e permalink:
api-endpoints-heading = Endpoint
api-endpoints-intro = Ogni endpoint, i suoi parametri e le sue risposte sono descritti nel documento OpenAPI 3.1, che leggono i generatori di client e gli strumenti per le API:
api-ep-services = Ogni servizio con il suo stato attuale (normale, in aumento, in miglioramento, disservizio), da quando, e il suo disservizio in corso. Filtri: country, category, status e q per un nome.
api-ep-service = Un servizio: i suoi link, lo stato attuale, il disservizio in corso e quali problemi sono stati segnalati nell’incidente in corso e nelle ultime 24 ore.
api-ep-series = Segnalazioni per intervallo (step 1m, 15m o 1h) con il normale di ciascun intervallo e se era in corso un disservizio; from e to, oppure window (come 24h o 8w); by=problem o by=region suddivide; format=csv per un foglio di calcolo.
api-ep-outages = I disservizi, dal più recente, filtrati per servizio, paese, regione, periodo e stato (open o resolved). Pagine di 200 al massimo: seguite il link next per proseguire.
api-ep-outage = Un disservizio: inizio, fine, picco, il rapporto con il normale, problemi, regioni, le dichiarazioni del servizio, gli elementi che lo hanno stabilito e il suo gruppo di incidenti.
api-ep-report = Segnalare un problema, come fanno i pulsanti di una pagina di servizio. Conta una segnalazione per persona e servizio ogni 15 minuti.
api-feeds-heading = Feed, badge, incorporamenti e pagine di stato
api-ep-atom = Feed Atom dei disservizi, ovunque o in un paese, e di un servizio: una voce quando un disservizio viene dichiarato, aggiornata quando finisce.
api-ep-badge = Una piccola immagine con il nome e lo stato del servizio, per una pagina web o un README; segue lo stato entro un minuto.
api-ep-oembed = oEmbed: gli strumenti di pubblicazione che lo leggono trasformano un link incollato a una pagina di servizio, a un disservizio o a un incorporamento nell’incorporamento dal vivo.
api-ep-statuspage = La visione degli utenti su un servizio nel formato dell’API pubblica di Atlassian Statuspage, così i cruscotti che leggono le pagine di stato leggono downtally senza codice nuovo. Come si corrispondono gli stati:
api-statuspage-caption = Stati di downtally come indicatori Statuspage
api-statuspage-ours = downtally
api-statuspage-critical = downtally non dichiara mai critical: spetta al servizio dirlo di sé. I disservizi in corso compaiono come incidents, con le dichiarazioni del servizio tra i loro aggiornamenti.
api-webhooks-heading = Webhook
api-webhooks-intro = Abbonate un URL ai disservizi di un servizio o di un paese (outage.started, outage.updated, outage.resolved). La risposta contiene, una sola volta, l’identificativo dell’abbonamento e il suo segreto: conservate il segreto.
api-webhooks-confirm = Nulla viene consegnato prima che l’abbonamento sia confermato: downtally invia prima al vostro URL una sfida (un corpo JSON con un campo challenge), che lo conferma rispondendo 2xx con quel valore, come testo o come {"{"}"challenge": …{"}"}. Sono accettati solo indirizzi https dell’internet pubblico; i reindirizzamenti non vengono seguiti.
api-webhooks-slack = Per Slack e le chat compatibili scegliete il formato slack: il primo messaggio contiene un codice, da confermare con il segreto dell’abbonamento:
api-webhooks-verify = Ogni consegna è firmata: l’intestazione Downtally-Signature porta t (l’ora, in secondi Unix) e v1, un HMAC-SHA256 calcolato con il vostro segreto sull’ora, un punto e il corpo. Verificatela prima di fidarvi di una consegna, e ignorate quelle già ricevute (l’intestazione Downtally-Delivery identifica ciascuna):
api-webhooks-retries = Una consegna che non riesce (nessuna risposta in tempo, o uno stato diverso da 2xx) viene ritentata, sempre più di rado, per 24 ore al massimo; dopo, l’abbonamento viene disattivato e il motivo conservato.
api-webhooks-unsubscribe = Per annullare l’abbonamento, eliminatelo con il suo segreto:
api-limits-heading = Limiti e cache
api-limits-cache = Le risposte possono essere messe in cache: portano ETag e Cache-Control, e una richiesta con If-None-Match riceve un 304 vuoto se nulla è cambiato. Qualsiasi sito può chiamare l’API da un browser (Access-Control-Allow-Origin: *).
api-limits-retention = I conteggi al minuto sono conservati per { $hours } ore, quelli orari per { $weeks } settimane; i disservizi per sempre.
api-errors-heading = Errori
api-errors-intro = Gli errori sono documenti di problema (RFC 9457, application/problem+json) in inglese: type indica il tipo di errore e non cambia, detail dice che cosa non andava nella richiesta.
api-versions-heading = Versioni e dismissione
api-versions = Questa è la versione 1. Mantiene i suoi campi e il loro significato: possono aggiungersi nuovi campi ed endpoint, quindi ignorate ciò che non conoscete. Una modifica che romperebbe i client arriva come nuova versione (/api/v2), annunciata qui; la versione 1 continua poi a rispondere per almeno 12 mesi, e le sue risposte portano le intestazioni Deprecation e Sunset con la data in cui smette.

# Atom feeds, badges and oEmbed (web/pages/feeds.rs, web/badge.rs, web/oembed.rs)
feed-title-all = downtally: disservizi
feed-title-country = downtally: disservizi in { $country }
feed-title-service = downtally: disservizi di { $service }
feed-entry-resolved = Disservizio di { $service } (risolto)
feed-entry-closed = Disservizio { $service } (chiuso: non più seguito)
feed-link = I disservizi come feed Atom
feed-statements = Dichiarazioni ufficiali
oembed-title = { $service } su downtally
api-limits-budget = Le risposte dalla cache del server e i 304 non sono mai limitati. Le altre richieste costano una unità del budget della loro rete: { $per_minute } al minuto, { $burst } in una volta, per /24 IPv4 o /48 IPv6; oltre, la risposta è 429 con Retry-After. Feed, badge e pagine di stato non hanno budget.
api-limits-points = Una risposta di serie contiene al massimo { $points } punti (intervalli per serie); una richiesta più grande viene rifiutata con 422: restringete il periodo o usate uno step più lungo.
api-errors-caption = Tipi di errore
api-errors-meaning = Significato
api-problem-bad-request = La richiesta non è leggibile: stringa di query, percorso o corpo JSON malformati.
api-problem-unauthorized = Alla richiesta mancano le credenziali necessarie (il segreto di un abbonamento).
api-problem-forbidden = La richiesta è stata rifiutata, per esempio un modulo inviato da un altro sito.
api-problem-not-found = Endpoint, servizio, disservizio o segnalazione inesistente.
api-problem-method-not-allowed = Il percorso esiste ma non risponde a questo metodo; l’intestazione Allow elenca quelli a cui risponde.
api-problem-request-timeout = Il corpo della richiesta non è arrivato in tempo.
api-problem-payload-too-large = Il corpo della richiesta supera 8 KiB.
api-problem-unsupported-media-type = Il corpo della richiesta non è JSON (Content-Type: application/json).
api-problem-unprocessable = Un parametro o un campo è ben formato ma non valido; detail lo indica.
api-problem-too-many-requests = Questa rete ha esaurito per ora il suo budget; riprovate dopo Retry-After secondi.
api-problem-unavailable = Un archivio è momentaneamente non disponibile; riprovate.
api-problem-gone = Il servizio non è più seguito (rimosso dal catalogo); i suoi disservizi restano consultabili.
api-problem-internal = Un errore nostro, registrato; la richiesta si può ritentare più tardi.
