# downtally, norsk bokmål.

## Site chrome (base.html)
site-tagline = Er det bare meg? Feilmeldinger om banker og betalingstjenester
demo-banner-title = Demodata.
demo-banner-text = Alt på dette nettstedet er simulert, ikke ekte meldinger.
footer-privacy = Meldinger telles uten at adresser lagres.
footer-data = Data:
footer-api = JSON-API
footer-language = Språk:

## Statuses
status-outage = driftsavbrudd
status-elevated = forhøyet
status-normal = normal
status-unknown = ukjent

## Problem kinds
problem-login = Innlogging
problem-balance = Saldo
problem-sms_verification = SMS-kode
problem-payments = Overføringer og betalinger
problem-card = Kortbetaling
problem-mobile_app = Mobilapp
problem-website = Nettside
problem-other = Noe annet

## Countries (the main country of each service)
country-DE = Tyskland
country-FR = Frankrike
country-GB = Storbritannia
country-IT = Italia
country-NL = Nederland
country-NO = Norge
country-SE = Sverige
country-US = USA

## Home page
index-title = downtally · feilmeldinger om banker og betalingstjenester
index-heading = Problemer med banken eller betalingstjenesten din?
index-lead = Åpne en tjeneste for å se hva andre melder, og fortell oss hva som ikke virker for deg.
search-label = Søk
search-placeholder = f.eks. DNB
country-label = Land
all-countries = Alle land
show-button = Vis
services-shown = { $shown } av { $total } tjenester
recent-outages = Siste driftsavbrudd
problems-now = Problemer akkurat nå
sparkline-title = { $n ->
    [one] { $count } melding siste 24 timer
   *[other] { $count } meldinger siste 24 timer
}

## Service page
service-title = Er { $service } nede? Aktuelle problemer og driftsavbrudd
headline-outage = Brukermeldinger tyder på problemer hos { $service } siden { $time }
headline-elevated = Meldinger om { $service } har vært over det normale siden { $time }
headline-normal = Ingen kjente problemer hos { $service } nå
headline-unknown = Statusen til { $service } er ikke kjent akkurat nå
updated-waiting = Venter på første kontroll
updated-at = Oppdatert { $time }
affected-regions = Flest meldinger fra: { $regions }
reports-last-hour = { $n ->
    [one] { $count } melding siste time
   *[other] { $count } meldinger siste time
}
link-website = Nettside
link-status-page = Offisiell statusside
link-data = Data (JSON)
chart-heading = Meldinger siste 24 timer
chart-title-day = Meldinger om { $service } siste 24 timer
chart-desc-day = Problemmeldinger per 15 minutter ({ $tz }), med normalområdet for denne tiden av uken som et skyggelagt bånd og perioder med driftsavbrudd i rødt. Tabellen under har de samme tallene.
chart-title-hour = Meldinger om { $service } siste time
embed-chart-desc-day = Problemmeldinger per 15 minutter ({ $tz }), med normalområdet for denne tiden av uken som et skyggelagt bånd og perioder med driftsavbrudd i rødt.
embed-chart-desc-hour = Problemmeldinger per minutt ({ $tz }), med normalområdet for denne tiden av uken som et skyggelagt bånd og perioder med driftsavbrudd i rødt.
table-summary = Tallene bak diagrammet
table-caption-quarter = Meldinger per 15 minutter ({ $tz }) og normalområdet
table-caption-bucket = Meldinger per intervall ({ $tz }) og normalområdet
tz-label = Tidssone
tz-button = Bruk
col-from = Fra
col-reports = Meldinger
col-normal = Normalområde
breakdown-heading = Mest meldte problemer (24 timer)
breakdown-empty = Ingen meldinger siste 24 timer.
report-heading = Hva virker ikke for deg?
report-thanks = Takk: meldingen din ({ $problem }) er mottatt.
report-thanks-not-counted = Takk: meldingen din ({ $problem }) er mottatt; du har allerede meldt i løpet av de siste 15 minuttene, så den ble ikke telt på nytt.
report-more = Legg til region eller kommentar (valgfritt)
region-label = Region
region-none = Ikke oppgitt
locate-button = Bruk posisjonen min
locate-note = Posisjonen din rundes av til omtrent 1 km og brukes bare til å finne regionen din.
locate-done = Posisjon lagt til.
comment-label = Kommentar (vises offentlig)

# Comments
comments-heading = Kommentarer
comment-name-label = Navn (valgfritt)
comment-body-label = Din kommentar
comment-rules = Kommentarer er offentlige. Ikke skriv kontonumre, passord eller koder.
comment-submit = Publiser kommentar
comment-thanks = Takk, kommentaren din er publisert.
comments-empty = Ingen kommentarer ennå.
comment-anonymous = Anonym
comment-with-report = med en melding om { $problem }
comments-pages = Flere kommentarer
comments-newer = Nyere kommentarer
comments-older = Eldre kommentarer
error-title-429 = For mange forespørsler
error-too-many = Du har skrevet flere kommentarer de siste minuttene. Vent litt.
error-comment-empty = Kommentaren er tom.
error-comment-too-long = Kommentaren er lengre enn 500 tegn.
error-comment-name-too-long = Navnet er lengre enn 40 tegn.
error-comment-unavailable = Kommentaren kunne ikke lagres; prøv igjen.

history-heading = Tidligere driftsavbrudd
no-outages = Ingen driftsavbrudd registrert.
ongoing = pågår
all-outages-of = Alle driftsavbrudd hos { $service }

## Outages
outage-heading = Driftsavbrudd hos { $service }
outages-link = Driftsavbrudd
fact-started = Startet
fact-duration = Varighet
fact-peak = Topp
fact-top-problems = Vanligste problemer
fact-regions = Regioner
fact-permalink = Permanent lenke
peak-text = { $n ->
    [one] { $count } melding i minuttet kl. { $time } (normalt { $typical })
   *[other] { $count } meldinger i minuttet kl. { $time } (normalt { $typical })
}
chart-title-outage = Meldinger om { $service } rundt driftsavbruddet
chart-desc-outage = Problemmeldinger per intervall ({ $tz }), normalområdet som et skyggelagt bånd, driftsavbruddet i rødt.
filter-service = Tjeneste
filter-service-placeholder = f.eks. dnb
filter-country-placeholder = f.eks. NO
filter-button = Filtrer
col-service = Tjeneste

## Durations
duration-min = { $m } min
duration-h-min = { $h } t { $m } min
duration-d-h = { $d } d { $h } t

## Errors
error-title-400 = Ugyldig forespørsel
error-title-404 = Ikke funnet
error-title-405 = Metoden er ikke tillatt
error-title-413 = For stor forespørsel
error-title-422 = Ikke godtatt
error-title-500 = Intern feil
error-title-503 = Midlertidig utilgjengelig
error-back = Gå tilbake
error-no-page = Det finnes ingen side på denne adressen.
error-wrong-method = Denne adressen svarer ikke på denne typen forespørsel.
error-no-service = Denne tjenesten finnes ikke.
error-no-outage = Dette driftsavbruddet finnes ikke.
error-form-unreadable = Skjemaet kunne ikke leses.
error-not-number = { $field } må være et tall.
field-latitude = Breddegrad
field-longitude = Lengdegrad
error-invalid-report = Meldingen ble ikke godtatt: { $detail }
error-unavailable = Meldingen kunne ikke lagres; prøv igjen.
error-rate-limited = Det har kommet for mange meldinger fra nettverket ditt de siste minuttene. Prøv igjen om { $seconds } sekunder.
error-bad-request = Forespørselen kunne ikke leses.
error-too-large = Forespørselen er for stor.
error-internal = Noe gikk galt hos oss. Prøv igjen senere.
error-title-403 = Ikke tillatt
error-title-408 = Forespørselen var for treg
error-title-415 = Innholdstypen støttes ikke
error-cross-site = Dette skjemaet ble sendt fra et annet nettsted, og ble derfor ikke tatt imot. Hvis du ville sende det, åpne siden på downtally og send skjemaet derfra.
error-body-timeout = Skjemaet brukte for lang tid på å komme fram. Prøv igjen.
error-media-type = Denne typen innhold tas ikke imot her.

## Heatmap
heatmap-legend-title = Mot vanlig nivå
heatmap-level-none = Ingen meldinger
heatmap-level-normal = Normalt
heatmap-level-above = Over normalt
heatmap-level-well-above = Godt over normalt
heatmap-level-far-above = Langt over normalt
heatmap-region-title = { $region }: { $n ->
    [one] { $count } melding
   *[other] { $count } meldinger
}
heatmap-col-region = Region
heatmap-col-reports = Meldinger
heatmap-col-typical = Vanligvis
heatmap-col-level = Mot vanlig nivå
heatmap-heading = Hvor problemer meldes
heatmap-title-day = Meldinger om { $service } etter region, siste 24 timer
heatmap-title-hour = Meldinger om { $service } etter region, siste time
heatmap-desc = Hver region er farget etter meldingene sammenlignet med det vanlige antallet på denne tiden av døgnet; pek på eller velg en region for å se antallet. Tabellen har de samme tallene.
heatmap-table-summary = Meldinger etter region (tabell)
embed-heading = Bygg inn
embed-intro = Vis dette kartet med gjeldende status på nettstedet ditt (det oppdaterer seg selv, setter ingen informasjonskapsler og trenger ikke JavaScript), eller bruk bildene direkte. Valg: theme=light eller dark, lang=en, it, de, fr eller nb, window=24h eller 1h.
embed-iframe-label = Kart og status for en iframe
embed-svg-label = Bilder (SVG)
embed-more = Detaljer og meldinger på downtally
