# downtally, norsk bokmål.

## Site chrome (base.html)
site-tagline = Er det bare meg? Feilmeldinger om banker og betalingstjenester
demo-banner-title = Demodata.
demo-banner-text = Alt på dette nettstedet er simulert, ikke ekte meldinger.
demo-preparing = Demoen klargjøres: to uker med simulerte meldinger for hver tjeneste. Denne siden lastes inn på nytt av seg selv om noen sekunder.
footer-privacy = Meldinger telles uten at adresser lagres.
footer-data = Data:
footer-api-link = API og åpne data
footer-language = Språk:

## Statuses
status-outage = driftsavbrudd
status-elevated = forhøyet
status-improving = bedring
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
headline-improving = Meldingene om { $service } er nesten normale igjen; det er ennå ikke sikkert at problemene som begynte { $time }, er over
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
comment-rules = Kommentarer er offentlige. Ikke skriv kontonumre, passord eller koder. Lenker vises som ren tekst, ikke som lenker.
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
filter-service-placeholder = f.eks. DNB
filter-country-placeholder = f.eks. Norge eller NO
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
badge-removed = tjeneste fjernet
error-service-removed = Denne tjenesten er fjernet fra nettstedets liste. Tidligere driftsavbrudd vises fortsatt.
error-no-outage = Dette driftsavbruddet finnes ikke.
error-form-unreadable = Skjemaet kunne ikke leses.
error-not-number = { $field } må være et tall.
field-latitude = Breddegrad
field-longitude = Lengdegrad
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
embed-intro = Vis dette kartet med gjeldende status på nettstedet ditt (det oppdaterer seg selv, setter ingen informasjonskapsler og trenger ikke JavaScript), eller bruk bildene direkte. Valg: theme=light, dark eller auto (følger leserens system), lang=en, it, de, fr eller nb, window=24h eller 1h.
embed-iframe-label = Kart og status for en iframe
embed-svg-label = Bilder (SVG)
embed-more = Detaljer og meldinger på downtally

## Moderation, official statements, privacy, admin area (issue 9 §4)
footer-privacy-link = Personvern
comment-flag = Rapporter
comment-flagged = Rapportert av lesere (vis)
comment-flag-thanks = Takk: kommentaren er rapportert. Når lesere fra flere nett rapporterer den, skjules den bak et klikk til en administrator bestemmer.
comment-same = { $n ->
    [one] +{ $count } skrev det samme
   *[other] +{ $count } skrev det samme
}
error-comment-link-only = En kommentar kan ikke bare være en lenke. Skriv med ord hva som ikke fungerer.
error-comment-network-busy = Det har kommet mange kommentarer fra nettet ditt de siste minuttene. Vent litt.
error-no-comment = Denne kommentaren finnes ikke.
error-title-401 = Innlogging kreves
statements-heading = Offisiell uttalelse
statement-when = Fra tjenesten, { $time }
statement-link = Les den hos kilden

# Privacy page
privacy-title = Personvern
privacy-intro = downtally teller meldinger om problemer med banker og betalingstjenester. Det lagrer bare det som trengs, og ingenting som fører tilbake til deg.
privacy-stored-heading = Hva som lagres
privacy-stored-keys = IP-adressen din lagres aldri. Fra den og User-Agent-hodet til nettleseren din beregnes to nøkler: en melder-nøkkel (en nøkkelbasert hash, HMAC-SHA256, av nettet ditt, nettleseren din og tjenesten) og en nett-nøkkel (samme slags hash av IPv4 /24- eller IPv6 /48-nettet ditt). Begge bruker et tilfeldig salt som byttes hver dag og slettes etter to dager: deretter kan ingen, heller ikke vi, knytte en nøkkel til et nett eller til nøklene fra andre dager.
privacy-stored-reports = For hver melding lagrer vi tjenesten, problemet, regionen du valgte, posisjonen din hvis du delte den (avrundet til to desimaler, omtrent 1 km), kommentaren din hvis du la igjen en, de to nøklene og tidspunktet.
privacy-stored-comments = Kommentarer er offentlige. Vi lagrer teksten, navnet du valgte (hvis noe), de to nøklene (for å begrense hvor ofte én besøkende eller ett nett kan skrive) og tidspunktet; nøklene vises aldri. Når noen rapporterer en kommentar, lagrer vi bare nett-nøkkelen deres.
privacy-retention-heading = Hvor lenge
privacy-retention = Meldinger slettes sammen med de to nøklene sine etter { $days } dager (innen en time); det diagrammer og statistikk trenger av dem, beholdes først som tellinger per time per tjeneste, problem og region, uten noen nøkkel. Kommentaren til en melding som sidene viser, beholdes for historikken over driftsavbrudd: når meldingen slettes, flyttes den uten noen nøkkel til de andre kommentarene, med problemet, rapporteringene og om den er skjult. De to nøklene til kommentarer og nett-nøklene til rapporteringer slettes også etter { $days } dager; selve kommentarene og rapporteringene beholdes. Det daglige saltet bak nøklene slettes allerede etter to dager, så ingen nøkkel kan knyttes til et nettverk etter det. Tellinger per minutt beholdes i { $hours } timer, tellinger per time i { $weeks } uker i tellerne.
privacy-cookies-heading = Informasjonskapsler
privacy-cookie-lang = språket du valgte med språklenkene (ett år).
privacy-cookie-tz = tidssonen du valgte (ett år).
privacy-cookie-admin = bare for administratorer som logger inn i administrasjonsområdet (12 timer): en signert økt, aldri selve tokenet.
privacy-cookies-none = Ingen andre informasjonskapsler, ingen sporing, ingenting lastes fra andre nettsteder. Innbygginger setter ingen informasjonskapsler.
privacy-network-heading = Hva ett nett kan og ikke kan gjøre med tallene
privacy-network-bound = I løpet av hvilke som helst { $minutes } minutter legger ett nett (et IPv4 /24 eller IPv6 /48) til høyst max({ $base }, { $share } av melderne fra alle andre nett) talte meldere for en tjeneste, uansett hva nettleserne oppgir. Flere meldinger lagres, men telles ikke.
privacy-network-breadth = Et driftsavbrudd krever meldinger fra minst { $networks } ulike nett utover vanlig trafikk, så en håndfull nett kan ikke utløse et, uansett hvor mye de sender.
privacy-network-rate = Ett nett kan sende høyst { $rate } meldinger og kommentarer i minuttet; utover det blir det bedt om å vente.
privacy-network-comments = Én besøkende kan skrive { $visitor } kommentarer om en tjeneste på { $minutes } minutter, ett nett { $network }. En kommentar sendt med en melding som ikke ble talt, publiseres ikke på nytt, og like kommentarer vises én gang, med hvor mange som skrev det samme.
privacy-network-flags = En kommentar som lesere fra { $flags } eller flere nett rapporterer, skjules bak et klikk, aldri slettet: en administrator bestemmer.
privacy-network-cannot = Hva det ikke kan stoppe: mange nett som handler sammen, ser ut som en folkemengde. Hvert av dem holdes da til sin andel, og hver melding blir liggende i databasen med nett-nøkkelen sin like lenge som alle andre.

# Admin area
admin-title = Administrasjon
admin-token = Admin-token
admin-login = Logg inn
admin-logout = Logg ut
admin-signed-in = Logget inn som { $label }.
admin-login-first = Logg inn med et admin-token.
admin-wrong-token = Det er ikke et admin-token.
admin-too-many-failures = For mange mislykkede innlogginger fra nettet ditt. Prøv igjen om { $seconds } sekunder.
admin-flagged-heading = Rapporterte kommentarer
admin-hidden-heading = Skjulte kommentarer
admin-none = Ingen.
admin-comment-id = Kommentar (f.eks. c12)
admin-hide = Skjul
admin-restore = Gjenopprett
admin-statement-heading = Offisiell uttalelse om et driftsavbrudd
admin-statement-outage = Driftsavbrudd
admin-statement-text = Hva tjenesten sa
admin-statement-link = Lenke til kilden (valgfritt)
admin-statement-time = Når det ble sagt (UTC; tomt for nå)
admin-statement-submit = Publiser uttalelsen
admin-actions-heading = Siste administrasjonshandlinger
admin-col-time = Tid (UTC)
admin-col-label = Token
admin-col-action = Handling
admin-col-target = Mål
admin-col-detail = Detalj
admin-col-comment = Kommentar
admin-col-text = Tekst
admin-col-flags = Nett som rapporterte den
admin-done-hidden = Kommentaren er skjult, sammen med dem som sier det samme.
admin-done-restored = Kommentaren vises igjen, sammen med dem som sier det samme.
admin-done-statement = Uttalelsen er publisert.
admin-done-login = Logget inn.
admin-bad-action = Velg skjul eller gjenopprett.
admin-bad-comment = En kommentar angis som c12 eller r7.
admin-no-comment = Denne kommentaren finnes ikke.
admin-bad-statement = Uttalelsen må ha fra 1 til 1 000 tegn.
admin-bad-link = Lenken må være en http://- eller https://-adresse uten mellomrom eller anførselstegn.
admin-bad-time = Tiden må ha formen 2026-12-01T10:42 (UTC).

## Charts and the normal range (issue 11, helper "normal")
chart-per-minutes = { $n ->
    [one] Meldinger per minutt
   *[other] Meldinger per { $n } minutter
}
chart-per-hours = { $n ->
    [one] Meldinger per time
   *[other] Meldinger per { $n } timer
}
chart-legend-normal = Normalområde
chart-legend-outage = Driftsavbrudd
table-so-far = { $time } (så langt)
chart-legend-so-far = Så langt
chart-now = nå
chart-times-in = Klokkeslett i { $zone }
chart-bar = { $n ->
    [one] { $time }: { $count } melding
   *[other] { $time }: { $count } meldinger
}
chart-bar-normal = normalt { $low }–{ $high }
chart-source = Kilde: { $url }
reports-last-hour-usual = { $n ->
    [one] { $count } melding siste time
   *[other] { $count } meldinger siste time
} ({ $high_n ->
    [0] vanligvis ingen
   *[other] vanligvis { $low }–{ $high }
})

## Phone first, maps and languages (issue 11 §2, §5, §6: phone)
report-not-alone = { $n ->
    [one] Du er ikke alene: { $count } person har meldt «{ $problem }» de siste 15 minuttene.
   *[other] Du er ikke alene: { $count } personer har meldt «{ $problem }» de siste 15 minuttene.
}
report-first = Du er den første som melder «{ $problem }» de siste 15 minuttene.
report-help-from = Hjelp fra { $service }:
link-support = Kundeservice og kontakt
error-invalid-problem = Meldingen ble ikke godtatt: denne typen problem finnes ikke. Bruk en av knappene.
error-invalid-region = Meldingen ble ikke godtatt: denne regionen finnes ikke. Velg en fra listen.
error-invalid-location = Meldingen ble ikke godtatt: posisjonen kan ikke brukes. Breddegrad og lengdegrad må oppgis sammen, som tall.
error-invalid-comment = Meldingen ble ikke godtatt: kommentaren er lengre enn 500 tegn.
country-AT = Østerrike
country-DK = Danmark
country-ES = Spania
country-FI = Finland
country-IE = Irland
country-LT = Litauen
zone-europe-rome = Roma
zone-europe-london = London
zone-europe-berlin = Berlin
zone-europe-paris = Paris
zone-europe-oslo = Oslo
zone-america-new-york = New York
zone-utc = UTC
heatmap-by-country = Meldinger per land
heatmap-off-map = * ikke på dette kartet
heatmap-no-region = Uten region
heatmap-focus-hint = Trykk på eller velg en region for å se antallet.

## Journalists (issue 11 §3–4): incident summary, other services, citation, chart files, outage list
summary-ratio = Siden { $time }: { $ratio } så mange meldinger som vanlig
summary-count = { $n ->
    [one] Siden { $time }: { $count } melding
   *[other] Siden { $time }: { $count } meldinger
}
summary-problems = , mest { $problems }
list-and = { $first } og { $last }
others-heading = Andre tjenester med problemer nå
fact-ended = Slutt
outage-closed-unlisted = Lukket da downtally sluttet å følge denne tjenesten (den ble fjernet fra katalogen); ingen så den komme seg.
peak-ratio = { $ratio } det normale
period-since = siden { $start }
citation = downtally, { $subject }, { $period }, { $url }, hentet { $retrieved }
cite-heading = Siter dette driftsavbruddet
cite-url-label = Permanent lenke
cite-text-label = Sitat
cite-hint = Merk teksten for å kopiere den.
fig-covers = { $from } – { $to } { $zone } ({ $tz }), { $per }
fig-per-slot = { $n ->
    [one] meldinger per minutt
    [60] meldinger per time
   *[other] meldinger per { $count } minutter
}
fig-download = Last ned diagrammet:
error-no-file = Denne filen finnes ikke.
outages-zone = Alle tider i { $tz }
outages-no-service = Ingen tjeneste samsvarer med «{ $text }».
outages-no-country = Ingen land samsvarer med «{ $text }».

## "Works again for me" (issue 12 §1)
report-works-again = Det virker igjen for meg
works-again-count = { $n ->
    [one] { $count } person har sagt den siste timen at det virker igjen for dem.
   *[other] { $count } personer har sagt den siste timen at det virker igjen for dem.
}
works-again-thanks = Takk: godt at { $service } virker igjen for deg.
works-again-thanks-not-counted = Takk: du har allerede sagt de siste 15 minuttene at { $service } virker igjen, så det ble ikke talt en gang til.
works-again-others = { $n ->
    [one] { $count } person har sagt de siste 15 minuttene at { $service } virker igjen for dem.
   *[other] { $count } personer har sagt de siste 15 minuttene at { $service } virker igjen for dem.
}

# --- Incident groups (issue 12, part 4: shared causes are named) ---
group-rising = Rapportene øker samtidig for { $count } tjenester i { $country }, mest om { $problem }: trolig en felles leverandør.
group-rose = Rapportene økte samtidig for { $count } tjenester i { $country }, mest om { $problem }: trolig en felles leverandør.
group-members = Tjenester:
group-problem-login = innlogging
group-problem-balance = saldo
group-problem-sms_verification = SMS-koder
group-problem-payments = overføringer og betalinger
group-problem-card = kortbetaling
group-problem-mobile_app = appen
group-problem-website = nettsiden
group-problem-other = andre problemer

## evidence (issue 12 §6): hvorfor downtally kaller dette et driftsavbrudd, på permalenken
why-heading = Hvorfor downtally kaller dette et driftsavbrudd
why-observed = { $minutes ->
        [1] I minuttet
        [60] I timen
       *[other] I de { $minutes_text } minuttene
    } fram til { $time } { $n ->
        [one] meldte én person
       *[other] meldte { $count } personer
    } om problemer, der { $expected } er vanlig (normalområde { $low }–{ $high }).
why-observed-no-normal = { $minutes ->
        [1] I minuttet
        [60] I timen
       *[other] I de { $minutes_text } minuttene
    } fram til { $time } { $n ->
        [one] meldte én person
       *[other] meldte { $count } personer
    } om problemer; downtally kjenner ennå ikke nok til tjenestens fortid til å si hvor mange som er vanlig.
why-ratio = Det er { $ratio } det vanlige.
why-networks = I de { $minutes_text } minuttene fram til { $time } kom meldingene fra { $networks } nettverk, der omtrent { $usual } er vanlig.
why-networks-region = I de { $minutes_text } minuttene fram til { $time } kom meldingene fra denne regionen fra { $networks } nettverk, der omtrent { $usual } er vanlig der.
why-networks-service-wide = I de { $minutes_text } minuttene fram til { $time } kom hele tjenestens meldinger fra { $networks } nettverk. Da dette driftsavbruddet ble erklært, veide downtally bredden til hele tjenesten, ennå ikke regionens alene.
why-rule-spike = downtally erklærer et driftsavbrudd når meldingene ligger så langt over det normale: et avvik på { $deviation } mot en terskel på { $bar }.
why-rule-sustained = downtally erklærer et driftsavbrudd når meldingene holder seg over det normale lenge nok til å bli en vedvarende økning: et avvik på { $deviation } mot en terskel på { $bar }.
why-rule-networks = Det trengs også meldinger fra minst { $n ->
        [one] ett nettverk
       *[other] { $needed } nettverk
    } utover dem normal trafikk gir.
why-settings = Detektorinnstillinger { $version }.
why-missing = Da dette driftsavbruddet ble erklært, tok downtally ennå ikke vare på grunnlaget for sine avgjørelser.

## The API page, /api (issue 13 §2)
api-title = Åpne data og API
api-intro = Alt downtally teller, er åpent: hver tjenestes meldinger per minutt, kvarter eller time med det som er normalt for den, hver driftsforstyrrelse med grunnlaget som avgjorde den, som JSON eller CSV. Ingen nøkkel, ingen registrering; hver adresse nedenfor svarer en nettleser, et regneark eller et skript.
api-toc = På denne siden
api-licence-heading = Lisens og kildehenvisning
api-licence = Dataene publiseres under lisensen Creative Commons Navngivelse 4.0: Du kan kopiere, publisere og bygge videre på dem, også kommersielt, så lenge du oppgir downtally som kilde.
api-citation = Oppgi siden eller permalenken tallene kommer fra, for eksempel:
api-citation-example = Kilde: downtally (meldinger fra brukere),
api-citation-caveat = Dette er meldinger fra brukere av tjenesten, talt og sammenlignet med det normale; tjenesten har ikke bekreftet dem. Si det når du publiserer dem, og lenk til driftsforstyrrelsens permalenke: Den viser grunnlaget og tjenestens egne uttalelser.
api-journalists-heading = Last ned tallene bak et diagram
api-journalists = Under diagrammet på hver tjenesteside er det en CSV-lenke. For andre perioder ber du API-et om CSV; et regneark åpner filen som den er. De siste 7 dagene, time for time:
api-journalists-columns = Hver rad er ett tidsrom: starten (UTC, ISO 8601), meldingene som ble talt, meldingene som var ventet da, normalområdet (10. til 90. persentil) og om en driftsforstyrrelse var erklært. Delt etter problem, én rad per tidsrom og problem:
api-journalists-outages = Listen over driftsforstyrrelser, nyeste først, med start, slutt, topp og permalenke:
api-endpoints-heading = Endepunkter
api-endpoints-intro = Hvert endepunkt, parameterne og svarene er beskrevet i OpenAPI 3.1-dokumentet, som klientgeneratorer og API-verktøy leser:
api-ep-services = Hver tjeneste med gjeldende status (normal, forhøyet, bedres, driftsforstyrrelse), siden når, og den åpne driftsforstyrrelsen. Filtre: country, category, status og q for et navn.
api-ep-service = Én tjeneste: lenkene, gjeldende status, den åpne driftsforstyrrelsen og hvilke problemer som er meldt i den pågående hendelsen og de siste 24 timene.
api-ep-series = Meldinger per tidsrom (step 1m, 15m eller 1h) med det normale for hvert tidsrom og om en driftsforstyrrelse pågikk; from og to, eller window (som 24h eller 8w); by=problem eller by=region deler opp; format=csv for et regneark.
api-ep-outages = Driftsforstyrrelser, nyeste først, filtrert etter tjeneste, land, region, tid og status (open eller resolved). Sider på opptil 200: Følg lenken next for å bla videre.
api-ep-outage = Én driftsforstyrrelse: start, slutt, topp, forholdet til det normale, problemer, regioner, tjenestens uttalelser, grunnlaget som avgjorde den og hendelsesgruppen.
api-ep-report = Meld et problem, slik knappene på en tjenesteside gjør. Én melding per person og tjeneste teller per 15 minutter.
api-feeds-heading = Feeder, merker, innbygging og statussider
api-ep-atom = Atom-feeder med driftsforstyrrelser, overalt eller i ett land, og for én tjeneste: en oppføring når en driftsforstyrrelse erklæres, oppdatert når den er over.
api-ep-badge = Et lite bilde med tjenestens navn og status, for en nettside eller en README; det følger statusen innen et minutt.
api-ep-oembed = oEmbed: Publiseringsverktøy som leser det, gjør en innlimt lenke til en tjenesteside, en driftsforstyrrelse eller en innbygging om til den levende innbyggingen.
api-ep-statuspage = Brukernes syn på en tjeneste i formatet til Atlassian Statuspages offentlige API, slik at dashbord som leser statussider, leser downtally uten ny kode. Slik svarer statusene til hverandre:
api-statuspage-caption = downtally-statuser som Statuspage-indikatorer
api-statuspage-ours = downtally
api-statuspage-critical = downtally melder aldri critical: Det er opp til en tjeneste å si om seg selv. Åpne driftsforstyrrelser vises som incidents, med tjenestens egne uttalelser blant oppdateringene.
api-webhooks-heading = Webhooks
api-webhooks-intro = Abonner med en URL på en tjenestes eller et lands driftsforstyrrelser (outage.started, outage.updated, outage.resolved). Svaret inneholder abonnementets ID og hemmelighet, én gang: Ta vare på hemmeligheten.
api-webhooks-confirm = Ingenting leveres før abonnementet er bekreftet: downtally sender først URL-en din en utfordring (et JSON-innhold med feltet challenge), som den bekrefter ved å svare 2xx med den verdien, som tekst eller som {"{"}"challenge": …{"}"}. Bare https-adresser på det offentlige internett godtas; omdirigeringer følges ikke.
api-webhooks-slack = For Slack og kompatible chatter velger du formatet slack: Den første meldingen inneholder en kode, som du bekrefter med abonnementets hemmelighet:
api-webhooks-verify = Hver levering er signert: Headeren Downtally-Signature har t (tiden i Unix-sekunder) og v1, en HMAC-SHA256 med hemmeligheten din over tiden, et punktum og innholdet. Kontroller den før du stoler på en levering, og hopp over leveringer du har sett før (headeren Downtally-Delivery er hver leverings ID):
api-webhooks-retries = En levering som mislykkes (ikke svar i tide, eller en annen status enn 2xx), prøves igjen, stadig sjeldnere, i opptil 24 timer; deretter deaktiveres abonnementet, og grunnen tas vare på.
api-webhooks-unsubscribe = For å avslutte abonnementet sletter du det med hemmeligheten:
api-limits-heading = Grenser og hurtigbuffer
api-limits-cache = Svar kan mellomlagres: De har ETag og Cache-Control, og en forespørsel med If-None-Match får et tomt 304 når ingenting er endret. Alle nettsteder kan kalle API-et fra en nettleser (Access-Control-Allow-Origin: *).
api-limits-retention = Tall per minutt lagres i { $hours } timer, per time i { $weeks } uker; driftsforstyrrelser for godt.
api-errors-heading = Feil
api-errors-intro = Feil er problemdokumenter (RFC 9457, application/problem+json) på engelsk: type navngir feiltypen og forblir den samme, detail sier hva som var galt med forespørselen.
api-versions-heading = Versjoner og utfasing
api-versions = Dette er versjon 1. Den beholder feltene sine og betydningen deres: Nye felt og endepunkter kan komme til, så hopp over det du ikke kjenner. En endring som ville ødelegge klienter, kommer som en ny versjon (/api/v2), kunngjort her; versjon 1 svarer deretter i minst 12 måneder til, og svarene har headerne Deprecation og Sunset med datoen den stopper.

# Atom feeds, badges and oEmbed (web/pages/feeds.rs, web/badge.rs, web/oembed.rs)
feed-title-all = downtally: driftsavbrudd
feed-title-country = downtally: driftsavbrudd i { $country }
feed-title-service = downtally: driftsavbrudd hos { $service }
feed-entry-resolved = Driftsavbrudd hos { $service } (løst)
feed-entry-closed = Driftsavbrudd hos { $service } (lukket: følges ikke lenger)
feed-link = Driftsavbrudd som Atom-feed
feed-statements = Offisielle uttalelser
oembed-title = { $service } på downtally
api-limits-budget = Svar fra serverens hurtigbuffer og 304 begrenses aldri. Andre forespørsler koster én fra nettverkets budsjett: { $per_minute } i minuttet, { $burst } på en gang, per IPv4 /24 eller IPv6 /48; over det er svaret 429 med Retry-After. Feeder, merker og statussider har ikke noe budsjett.
api-limits-points = Et tidsseriesvar har høyst { $points } punkter (tidsrom ganger serier); en større forespørsel avvises med 422: Gjør perioden kortere eller bruk et lengre step.
api-errors-caption = Feiltyper
api-errors-meaning = Betydning
api-problem-bad-request = Forespørselen kan ikke leses: feil i spørrestrengen, stien eller JSON-innholdet.
api-problem-unauthorized = Forespørselen mangler nødvendig legitimasjon (hemmeligheten til et abonnement).
api-problem-forbidden = Forespørselen ble avvist, for eksempel et skjema sendt fra et annet nettsted.
api-problem-not-found = Ikke noe slikt endepunkt, ingen slik tjeneste, driftsforstyrrelse eller melding.
api-problem-method-not-allowed = Stien finnes, men svarer ikke på denne metoden; headeren Allow lister dem den svarer på.
api-problem-request-timeout = Innholdet i forespørselen kom ikke fram i tide.
api-problem-payload-too-large = Innholdet i forespørselen er større enn 8 KiB.
api-problem-unsupported-media-type = Innholdet i forespørselen er ikke JSON (Content-Type: application/json).
api-problem-unprocessable = En parameter eller et felt er velformet, men ugyldig; detail navngir det.
api-problem-too-many-requests = Dette nettverket har brukt opp budsjettet sitt for nå; prøv igjen etter Retry-After sekunder.
api-problem-unavailable = Et lager er utilgjengelig et øyeblikk; prøv igjen.
api-problem-gone = Tjenesten følges ikke lenger (fjernet fra katalogen); driftsforstyrrelsene er fortsatt tilgjengelige.
api-problem-internal = En feil hos oss, logget; forespørselen kan prøves igjen senere.
