# downtally, Deutsch.

## Site chrome (base.html)
site-tagline = Nur bei mir? Störungsmeldungen für Banken und Zahlungsdienste
demo-banner-title = Demodaten.
demo-banner-text = Alles auf dieser Website ist simuliert, es sind keine echten Meldungen.
demo-preparing = Die Demo wird vorbereitet: zwei Wochen simulierter Meldungen für jeden Dienst. Diese Seite lädt sich in wenigen Sekunden von selbst neu.
footer-privacy = Meldungen werden gezählt, ohne Adressen zu speichern.
footer-data = Daten:
footer-api-link = API und offene Daten
footer-language = Sprache:

## Statuses
status-outage = Störung
status-elevated = erhöht
status-improving = Besserung
status-normal = normal
status-unknown = unbekannt

## Problem kinds
problem-login = Anmeldung
problem-balance = Kontostand
problem-sms_verification = SMS-Code
problem-payments = Überweisungen & Zahlungen
problem-card = Kartenzahlung
problem-mobile_app = App
problem-website = Website
problem-other = Etwas anderes

## Countries (the main country of each service)
country-DE = Deutschland
country-FR = Frankreich
country-GB = Vereinigtes Königreich
country-IT = Italien
country-NL = Niederlande
country-NO = Norwegen
country-SE = Schweden
country-US = Vereinigte Staaten

## Home page
index-title = downtally · Störungsmeldungen für Banken und Zahlungsdienste
index-heading = Probleme mit Ihrer Bank oder Ihrem Zahlungsdienst?
index-lead = Öffnen Sie einen Dienst, um zu sehen, was andere melden, und sagen Sie uns, was bei Ihnen nicht funktioniert.
search-label = Suche
search-placeholder = z. B. Sparkasse
country-label = Land
all-countries = Alle Länder
show-button = Anzeigen
services-shown = { $shown } von { $total } Diensten
recent-outages = Letzte Störungen
problems-now = Aktuelle Probleme
sparkline-title = { $n ->
    [one] { $count } Meldung in den letzten 24 Stunden
   *[other] { $count } Meldungen in den letzten 24 Stunden
}

## Service page
service-title = { $service } down? Aktuelle Probleme und Störungen
headline-outage = Nutzermeldungen deuten seit { $time } auf Probleme bei { $service } hin
headline-elevated = Seit { $time } gibt es mehr Meldungen zu { $service } als üblich
headline-improving = Die Meldungen zu { $service } sind fast wieder normal; ob die Probleme seit { $time } vorbei sind, ist noch nicht sicher
headline-normal = Keine aktuellen Probleme bei { $service }
headline-unknown = Der Status von { $service } ist gerade nicht bekannt
updated-waiting = Warten auf die erste Prüfung
updated-at = Aktualisiert um { $time }
affected-regions = Die meisten Meldungen aus: { $regions }
reports-last-hour = { $n ->
    [one] { $count } Meldung in der letzten Stunde
   *[other] { $count } Meldungen in der letzten Stunde
}
link-website = Website
link-status-page = Offizielle Statusseite
link-data = Daten (JSON)
chart-heading = Meldungen in den letzten 24 Stunden
chart-title-day = Meldungen zu { $service } in den letzten 24 Stunden
chart-desc-day = Problemmeldungen pro 15 Minuten ({ $tz }), mit dem üblichen Bereich für diese Zeit der Woche als schattiertes Band und Störungszeiträumen in Rot. Die Tabelle unten enthält dieselben Zahlen.
chart-title-hour = Meldungen zu { $service } in der letzten Stunde
embed-chart-desc-day = Problemmeldungen pro 15 Minuten ({ $tz }), mit dem üblichen Bereich für diese Zeit der Woche als schattiertes Band und Störungszeiträumen in Rot.
embed-chart-desc-hour = Problemmeldungen pro Minute ({ $tz }), mit dem üblichen Bereich für diese Zeit der Woche als schattiertes Band und Störungszeiträumen in Rot.
table-summary = Die Zahlen hinter dem Diagramm
table-caption-quarter = Meldungen pro 15 Minuten ({ $tz }) und der übliche Bereich
table-caption-bucket = Meldungen pro Intervall ({ $tz }) und der übliche Bereich
tz-label = Zeitzone
tz-button = Übernehmen
col-from = Ab
col-reports = Meldungen
col-normal = Üblicher Bereich
breakdown-heading = Häufigste Probleme (24 Stunden)
breakdown-empty = Keine Meldungen in den letzten 24 Stunden.
report-heading = Was funktioniert bei Ihnen nicht?
report-thanks = Danke: Ihre Meldung ({ $problem }) ist eingegangen.
report-thanks-not-counted = Danke: Ihre Meldung ({ $problem }) ist eingegangen; Sie haben in den letzten 15 Minuten bereits gemeldet, daher wurde sie nicht erneut gezählt.
report-more = Region oder Kommentar hinzufügen (optional)
region-label = Region
region-none = Keine Angabe
locate-button = Meinen Standort verwenden
locate-note = Ihr Standort wird auf etwa 1 km gerundet und nur zur Bestimmung Ihrer Region verwendet.
locate-done = Standort hinzugefügt.
comment-label = Kommentar (öffentlich sichtbar)

# Comments
comments-heading = Kommentare
comment-name-label = Name (optional)
comment-body-label = Ihr Kommentar
comment-rules = Kommentare sind öffentlich. Geben Sie keine Kontonummern, Passwörter oder Codes ein. Links werden als reiner Text angezeigt, nicht als Links.
comment-submit = Kommentar veröffentlichen
comment-thanks = Danke, Ihr Kommentar ist veröffentlicht.
comments-empty = Noch keine Kommentare.
comment-anonymous = Anonym
comment-with-report = mit einer Meldung zu { $problem }
comments-pages = Weitere Kommentare
comments-newer = Neuere Kommentare
comments-older = Ältere Kommentare
error-title-429 = Zu viele Anfragen
error-too-many = Sie haben in den letzten Minuten mehrere Kommentare geschrieben. Bitte warten Sie etwas.
error-comment-empty = Der Kommentar ist leer.
error-comment-too-long = Der Kommentar ist länger als 500 Zeichen.
error-comment-name-too-long = Der Name ist länger als 40 Zeichen.
error-comment-unavailable = Der Kommentar konnte nicht gespeichert werden; bitte erneut versuchen.

history-heading = Störungsverlauf
no-outages = Keine Störungen erfasst.
ongoing = andauernd
all-outages-of = Alle Störungen von { $service }

## Outages
outage-heading = Störung bei { $service }
outages-link = Störungen
fact-started = Beginn
fact-duration = Dauer
fact-peak = Höhepunkt
fact-top-problems = Häufigste Probleme
fact-regions = Regionen
fact-permalink = Permalink
peak-text = { $n ->
    [one] { $count } Meldung pro Minute um { $time } (üblich { $typical })
   *[other] { $count } Meldungen pro Minute um { $time } (üblich { $typical })
}
chart-title-outage = Meldungen zu { $service } rund um die Störung
chart-desc-outage = Problemmeldungen pro Intervall ({ $tz }), der übliche Bereich als schattiertes Band, die Störung in Rot.
filter-service = Dienst
filter-service-placeholder = z. B. Sparkasse
filter-country-placeholder = z. B. Deutschland oder DE
filter-button = Filtern
col-service = Dienst

## Durations
duration-min = { $m } Min.
duration-h-min = { $h } Std. { $m } Min.
duration-d-h = { $d } T. { $h } Std.

## Errors
error-title-400 = Ungültige Anfrage
error-title-404 = Nicht gefunden
error-title-405 = Methode nicht erlaubt
error-title-413 = Anfrage zu groß
error-title-422 = Nicht angenommen
error-title-500 = Interner Fehler
error-title-503 = Vorübergehend nicht verfügbar
error-back = Zurück
error-no-page = Unter dieser Adresse gibt es keine Seite.
error-wrong-method = Diese Adresse beantwortet diese Art von Anfrage nicht.
error-no-service = Diesen Dienst gibt es nicht.
badge-removed = Dienst entfernt
error-service-removed = Dieser Dienst wurde aus der Liste dieser Website entfernt. Seine früheren Störungen sind weiterhin aufgeführt.
error-no-outage = Diese Störung gibt es nicht.
error-form-unreadable = Das Formular konnte nicht gelesen werden.
error-not-number = { $field } muss eine Zahl sein.
field-latitude = Breitengrad
field-longitude = Längengrad
error-unavailable = Die Meldung konnte nicht gespeichert werden; bitte versuchen Sie es erneut.
error-rate-limited = Aus Ihrem Netz kamen in den letzten Minuten zu viele Meldungen. Bitte versuchen Sie es in { $seconds } Sekunden erneut.
error-bad-request = Die Anfrage konnte nicht gelesen werden.
error-too-large = Die Anfrage ist zu groß.
error-internal = Bei uns ist etwas schiefgelaufen. Bitte versuchen Sie es später erneut.
error-title-403 = Nicht erlaubt
error-title-408 = Anfrage zu langsam
error-title-415 = Nicht unterstützter Inhaltstyp
error-cross-site = Dieses Formular wurde von einer anderen Website gesendet und deshalb nicht angenommen. Wenn Sie es senden wollten, öffnen Sie die Seite auf downtally und senden Sie das Formular von dort.
error-body-timeout = Das Formular ist nicht rechtzeitig angekommen. Bitte versuchen Sie es erneut.
error-media-type = Diese Art von Inhalt wird hier nicht angenommen.

## Heatmap
heatmap-legend-title = Im Vergleich zu sonst
heatmap-level-none = Keine Meldungen
heatmap-level-normal = Normal
heatmap-level-above = Über normal
heatmap-level-well-above = Deutlich über normal
heatmap-level-far-above = Weit über normal
heatmap-region-title = { $region }: { $n ->
    [one] { $count } Meldung
   *[other] { $count } Meldungen
}
heatmap-col-region = Region
heatmap-col-reports = Meldungen
heatmap-col-typical = Üblich
heatmap-col-level = Im Vergleich zu sonst
heatmap-heading = Wo Probleme gemeldet werden
heatmap-title-day = Meldungen zu { $service } nach Region, letzte 24 Stunden
heatmap-title-hour = Meldungen zu { $service } nach Region, letzte Stunde
heatmap-desc = Jede Region ist nach ihren Meldungen im Vergleich zur üblichen Zahl für diese Tageszeit eingefärbt; zeigen Sie auf eine Region oder wählen Sie sie aus, um die Zahl zu sehen. Die Tabelle enthält dieselben Zahlen.
heatmap-table-summary = Meldungen nach Region (Tabelle)
embed-heading = Einbinden
embed-intro = Zeigen Sie diese Karte mit dem aktuellen Status auf Ihrer Website (sie aktualisiert sich selbst, setzt keine Cookies und braucht kein JavaScript), oder verwenden Sie direkt die Bilder. Optionen: theme=light, dark oder auto (folgt dem System der Leser), lang=en, it, de, fr oder nb, window=24h oder 1h.
embed-iframe-label = Karte und Status für ein iframe
embed-svg-label = Bilder (SVG)
embed-more = Details und Meldungen auf downtally

## Moderation, official statements, privacy, admin area (issue 9 §4)
footer-privacy-link = Datenschutz
comment-flag = Markieren
comment-flagged = Von Lesern als unangemessen markiert (anzeigen)
comment-flag-thanks = Danke: Der Kommentar ist markiert. Markieren ihn Leser aus mehreren Netzen, wird er hinter einem Klick eingeklappt, bis ein Administrator entscheidet.
comment-same = { $n ->
    [one] +{ $count } schrieb dasselbe
   *[other] +{ $count } schrieben dasselbe
}
error-comment-link-only = Ein Kommentar darf nicht nur ein Link sein. Bitte beschreiben Sie in Worten, was nicht funktioniert.
error-comment-network-busy = Aus Ihrem Netz kamen in den letzten Minuten viele Kommentare. Bitte warten Sie etwas.
error-no-comment = Diesen Kommentar gibt es nicht.
error-title-401 = Anmeldung erforderlich
statements-heading = Offizielle Stellungnahme
statement-when = Vom Dienst, { $time }
statement-link = An der Quelle lesen

# Privacy page
privacy-title = Datenschutz
privacy-intro = downtally zählt Meldungen über Störungen bei Banken und Zahlungsdiensten. Es speichert nur das Nötigste und nichts, was zu Ihnen zurückführt.
privacy-stored-heading = Was gespeichert wird
privacy-stored-keys = Ihre IP-Adresse wird nie gespeichert. Aus ihr und dem User-Agent-Header Ihres Browsers werden zwei Schlüssel berechnet: ein Melder-Schlüssel (ein Hash mit Schlüssel, HMAC-SHA256, aus Ihrem Netz, Ihrem Browser und dem Dienst) und ein Netz-Schlüssel (derselbe Hash Ihres IPv4-/24- oder IPv6-/48-Netzes). Beide verwenden ein zufälliges Salz, das täglich wechselt und nach zwei Tagen gelöscht wird: Danach kann niemand, auch wir nicht, einen Schlüssel einem Netz oder den Schlüsseln anderer Tage zuordnen.
privacy-stored-reports = Zu jeder Meldung speichern wir den Dienst, das Problem, die von Ihnen gewählte Region, Ihren Standort, falls Sie ihn geteilt haben (auf zwei Dezimalstellen gerundet, etwa 1 km), Ihren Kommentar, falls Sie einen hinterlassen haben, die beiden Schlüssel und die Uhrzeit.
privacy-stored-comments = Kommentare sind öffentlich. Wir speichern den Text, den von Ihnen gewählten Namen (falls vorhanden), die beiden Schlüssel (um zu begrenzen, wie oft ein Besucher oder ein Netz schreiben darf) und die Uhrzeit; die Schlüssel werden nie angezeigt. Markiert jemand einen Kommentar als unangemessen, speichern wir nur dessen Netz-Schlüssel.
privacy-retention-heading = Wie lange
privacy-retention = Meldungen werden mit ihren beiden Schlüsseln nach { $days } Tagen gelöscht (im Lauf der folgenden Stunde); was Diagramme und Statistik von ihnen brauchen, wird vorher als stündliche Zählung pro Dienst, Problem und Region aufbewahrt, die keinen Schlüssel enthält. Der Kommentar einer Meldung, den die Seiten zeigen, bleibt für den Störungsverlauf erhalten: Wird seine Meldung gelöscht, kommt er ohne jeden Schlüssel zu den übrigen Kommentaren, mit seinem Problem, seinen Markierungen und dem Vermerk, ob er ausgeblendet ist. Die beiden Schlüssel von Kommentaren und die Netz-Schlüssel von Markierungen werden ebenfalls nach { $days } Tagen gelöscht; die Kommentare und Markierungen selbst bleiben erhalten. Das tägliche Salz der Schlüssel wird schon nach zwei Tagen gelöscht, danach lässt sich kein Schlüssel mehr einem Netz zuordnen. Zählungen pro Minute werden { $hours } Stunden aufbewahrt, Zählungen pro Stunde { $weeks } Wochen in den laufenden Zählern.
privacy-cookies-heading = Cookies
privacy-cookie-lang = die Sprache, die Sie über die Sprachlinks gewählt haben (ein Jahr).
privacy-cookie-tz = die Zeitzone, die Sie gewählt haben (ein Jahr).
privacy-cookie-admin = nur für Administratoren, die sich im Verwaltungsbereich anmelden (12 Stunden): eine signierte Sitzung, nie das Token selbst.
privacy-cookies-none = Keine weiteren Cookies, kein Tracking, nichts wird von anderen Websites geladen. Einbettungen setzen keine Cookies.
privacy-network-heading = Was ein einzelnes Netz an den Zahlen ändern kann und was nicht
privacy-network-bound = In jeweils { $minutes } Minuten fügt ein Netz (ein IPv4-/24- oder IPv6-/48-Netz) einem Dienst höchstens max({ $base }, { $share } der Melder aus allen anderen Netzen) gezählte Melder hinzu, gleich was seine Browser angeben. Weitere Meldungen werden gespeichert, aber nicht gezählt.
privacy-network-breadth = Eine Störung braucht Meldungen aus mindestens { $networks } verschiedenen Netzen über dem normalen Aufkommen: Wenige Netze können keine ausrufen, wie viel sie auch senden.
privacy-network-rate = Ein Netz darf höchstens { $rate } Meldungen und Kommentare pro Minute senden; darüber hinaus wird es gebeten zu warten.
privacy-network-comments = Ein Besucher darf { $visitor } Kommentare zu einem Dienst in { $minutes } Minuten schreiben, ein Netz { $network }. Ein Kommentar zu einer nicht gezählten Meldung wird nicht erneut veröffentlicht, und gleiche Kommentare erscheinen nur einmal, mit der Zahl derer, die dasselbe schrieben.
privacy-network-flags = Ein Kommentar, den Leser aus { $flags } oder mehr Netzen als unangemessen markieren, wird hinter einem Klick eingeklappt, nie gelöscht: Ein Administrator entscheidet.
privacy-network-cannot = Was es nicht verhindern kann: Viele Netze, die gemeinsam handeln, sehen aus wie eine Menge. Jedes bleibt dann auf seinen Anteil begrenzt, und jede Meldung bleibt so lange wie jede andere mit ihrem Netz-Schlüssel in der Datenbank.

# Admin area
admin-title = Verwaltung
admin-token = Admin-Token
admin-login = Anmelden
admin-logout = Abmelden
admin-signed-in = Angemeldet als { $label }.
admin-login-first = Bitte melden Sie sich mit einem Admin-Token an.
admin-wrong-token = Das ist kein Admin-Token.
admin-too-many-failures = Zu viele fehlgeschlagene Anmeldungen aus Ihrem Netz. Bitte versuchen Sie es in { $seconds } Sekunden erneut.
admin-flagged-heading = Markierte Kommentare
admin-hidden-heading = Ausgeblendete Kommentare
admin-none = Keine.
admin-comment-id = Kommentar (z. B. c12)
admin-hide = Ausblenden
admin-restore = Wiederherstellen
admin-statement-heading = Offizielle Stellungnahme zu einer Störung
admin-statement-outage = Störung
admin-statement-text = Was der Dienst gesagt hat
admin-statement-link = Link zur Quelle (optional)
admin-statement-time = Wann es gesagt wurde (UTC; leer für jetzt)
admin-statement-submit = Stellungnahme veröffentlichen
admin-actions-heading = Letzte Verwaltungsaktionen
admin-col-time = Zeit (UTC)
admin-col-label = Token
admin-col-action = Aktion
admin-col-target = Ziel
admin-col-detail = Detail
admin-col-comment = Kommentar
admin-col-text = Text
admin-col-flags = Netze, die ihn markierten
admin-done-hidden = Der Kommentar ist ausgeblendet, mit denen, die dasselbe sagen.
admin-done-restored = Der Kommentar ist wieder sichtbar, mit denen, die dasselbe sagen.
admin-done-statement = Die Stellungnahme ist veröffentlicht.
admin-done-login = Angemeldet.
admin-bad-action = Wählen Sie Ausblenden oder Wiederherstellen.
admin-bad-comment = Ein Kommentar wird wie c12 oder r7 angegeben.
admin-no-comment = Diesen Kommentar gibt es nicht.
admin-bad-statement = Die Stellungnahme muss 1 bis 1.000 Zeichen haben.
admin-bad-link = Der Link muss eine http://- oder https://-Adresse ohne Leerzeichen oder Anführungszeichen sein.
admin-bad-time = Die Zeit muss die Form 2026-12-01T10:42 (UTC) haben.

## Charts and the normal range (issue 11, helper "normal")
chart-per-minutes = { $n ->
    [one] Meldungen pro Minute
   *[other] Meldungen pro { $n } Minuten
}
chart-per-hours = { $n ->
    [one] Meldungen pro Stunde
   *[other] Meldungen pro { $n } Stunden
}
chart-legend-normal = Üblicher Bereich
chart-legend-outage = Störung
table-so-far = { $time } (bisher)
chart-legend-so-far = Bisher
chart-now = jetzt
chart-times-in = Uhrzeiten in { $zone }
chart-bar = { $n ->
    [one] { $time }: { $count } Meldung
   *[other] { $time }: { $count } Meldungen
}
chart-bar-normal = üblich { $low }–{ $high }
chart-source = Quelle: { $url }
reports-last-hour-usual = { $n ->
    [one] { $count } Meldung in der letzten Stunde
   *[other] { $count } Meldungen in der letzten Stunde
} ({ $high_n ->
    [0] üblich: keine
   *[other] üblich: { $low }–{ $high }
})

## Phone first, maps and languages (issue 11 §2, §5, §6: phone)
report-not-alone = { $n ->
    [one] Sie sind nicht allein: { $count } Person hat in den letzten 15 Minuten „{ $problem }“ gemeldet.
   *[other] Sie sind nicht allein: { $count } Personen haben in den letzten 15 Minuten „{ $problem }“ gemeldet.
}
report-first = Sie sind in den letzten 15 Minuten die erste Person, die „{ $problem }“ meldet.
report-help-from = Hilfe von { $service }:
link-support = Hilfe und Kontakt
error-invalid-problem = Die Meldung wurde nicht angenommen: Diese Art von Problem gibt es nicht. Bitte verwenden Sie eine der Schaltflächen.
error-invalid-region = Die Meldung wurde nicht angenommen: Diese Region gibt es nicht. Bitte wählen Sie eine aus der Liste.
error-invalid-location = Die Meldung wurde nicht angenommen: Der Standort ist nicht verwendbar. Breiten- und Längengrad müssen zusammen und als Zahlen angegeben werden.
error-invalid-comment = Die Meldung wurde nicht angenommen: Der Kommentar ist länger als 500 Zeichen.
country-AT = Österreich
country-DK = Dänemark
country-ES = Spanien
country-FI = Finnland
country-IE = Irland
country-LT = Litauen
zone-europe-rome = Rom
zone-europe-london = London
zone-europe-berlin = Berlin
zone-europe-paris = Paris
zone-europe-oslo = Oslo
zone-america-new-york = New York
zone-utc = UTC
heatmap-by-country = Meldungen nach Land
heatmap-off-map = * nicht auf dieser Karte
heatmap-no-region = Ohne Region
heatmap-focus-hint = Tippen Sie auf eine Region oder wählen Sie sie aus, um ihre Zahl zu sehen.

## Journalists (issue 11 §3–4): incident summary, other services, citation, chart files, outage list
summary-ratio = Seit { $time }: { $ratio } so viele Meldungen wie üblich
summary-count = { $n ->
    [one] Seit { $time }: { $count } Meldung
   *[other] Seit { $time }: { $count } Meldungen
}
summary-problems = , vor allem { $problems }
list-and = { $first } und { $last }
others-heading = Weitere Dienste mit aktuellen Problemen
fact-ended = Ende
outage-closed-unlisted = Geschlossen, als downtally diesen Dienst nicht mehr verfolgte (er wurde aus dem Katalog entfernt); niemand sah ihn sich erholen.
peak-ratio = { $ratio } des Normalwerts
period-since = seit { $start }
citation = downtally, { $subject }, { $period }, { $url }, abgerufen am { $retrieved }
cite-heading = Diese Störung zitieren
cite-url-label = Permanenter Link
cite-text-label = Zitat
cite-hint = Markieren Sie den Text, um ihn zu kopieren.
fig-covers = { $from } – { $to } { $zone } ({ $tz }), { $per }
fig-per-slot = { $n ->
    [one] Meldungen pro Minute
    [60] Meldungen pro Stunde
   *[other] Meldungen pro { $count } Minuten
}
fig-download = Diagramm herunterladen:
error-no-file = Diese Datei gibt es nicht.
outages-zone = Alle Zeiten in { $tz }
outages-no-service = Kein Dienst passt zu „{ $text }“.
outages-no-country = Kein Land passt zu „{ $text }“.

## "Works again for me" (issue 12 §1)
report-works-again = Bei mir geht es wieder
works-again-count = { $n ->
    [one] { $count } Person hat in der letzten Stunde gemeldet, dass es bei ihr wieder geht.
   *[other] { $count } Personen haben in der letzten Stunde gemeldet, dass es bei ihnen wieder geht.
}
works-again-thanks = Vielen Dank: Schön, dass { $service } bei Ihnen wieder funktioniert.
works-again-thanks-not-counted = Vielen Dank: Sie haben in den letzten 15 Minuten schon gemeldet, dass { $service } wieder funktioniert; die Meldung wurde daher nicht noch einmal gezählt.
works-again-others = { $n ->
    [one] { $count } Person hat in den letzten 15 Minuten gemeldet, dass { $service } bei ihr wieder funktioniert.
   *[other] { $count } Personen haben in den letzten 15 Minuten gemeldet, dass { $service } bei ihnen wieder funktioniert.
}

# --- Incident groups (issue 12, part 4: shared causes are named) ---
group-rising = Die Meldungen steigen gleichzeitig bei { $count } Diensten { $code ->
    [GB] im Vereinigten Königreich
    [US] in den USA
    [NL] in den Niederlanden
    [CH] in der Schweiz
   *[other] in { $country }
}, vor allem zu { $problem }: vermutlich ein gemeinsamer Dienstleister.
group-rose = Die Meldungen stiegen gleichzeitig bei { $count } Diensten { $code ->
    [GB] im Vereinigten Königreich
    [US] in den USA
    [NL] in den Niederlanden
    [CH] in der Schweiz
   *[other] in { $country }
}, vor allem zu { $problem }: vermutlich ein gemeinsamer Dienstleister.
group-members = Dienste:
group-problem-login = der Anmeldung
group-problem-balance = dem Kontostand
group-problem-sms_verification = SMS-Codes
group-problem-payments = Überweisungen und Zahlungen
group-problem-card = Kartenzahlungen
group-problem-mobile_app = der App
group-problem-website = der Website
group-problem-other = sonstigen Problemen

## evidence (issue 12 §6): warum downtally dies eine Störung nennt, im Permalink
why-heading = Warum downtally dies eine Störung nennt
why-observed = In { $minutes ->
        [1] der Minute
        [60] der Stunde
       *[other] den { $minutes_text } Minuten
    } bis { $time } Uhr { $n ->
        [one] meldete eine Person
       *[other] meldeten { $count } Personen
    } Probleme, wo üblicherweise { $expected } melden (üblicher Bereich { $low }–{ $high }).
why-observed-no-normal = In { $minutes ->
        [1] der Minute
        [60] der Stunde
       *[other] den { $minutes_text } Minuten
    } bis { $time } Uhr { $n ->
        [one] meldete eine Person
       *[other] meldeten { $count } Personen
    } Probleme; downtally kennt die Vergangenheit dieses Dienstes noch nicht gut genug, um zu sagen, wie viele üblich sind.
why-ratio = Das ist { $ratio } des Üblichen.
why-networks = In den { $minutes_text } Minuten bis { $time } Uhr kamen die Meldungen aus { $networks } Netzen, wo üblicherweise etwa { $usual } melden.
why-networks-region = In den { $minutes_text } Minuten bis { $time } Uhr kamen die Meldungen aus dieser Region aus { $networks } Netzen, wo dort üblicherweise etwa { $usual } melden.
why-networks-service-wide = In den { $minutes_text } Minuten bis { $time } Uhr kamen die Meldungen des ganzen Dienstes aus { $networks } Netzen. Als diese Störung erklärt wurde, wog downtally die Breite des ganzen Dienstes, noch nicht die der Region allein.
why-rule-spike = downtally erklärt eine Störung, wenn die Meldungen so weit über dem Normalen liegen: eine Abweichung von { $deviation } gegenüber einer Schwelle von { $bar }.
why-rule-sustained = downtally erklärt eine Störung, wenn die Meldungen lange genug über dem Normalen bleiben, um sich zu einem anhaltenden Anstieg zu summieren: eine Abweichung von { $deviation } gegenüber einer Schwelle von { $bar }.
why-rule-networks = Dazu braucht es Meldungen aus mindestens { $n ->
        [one] einem Netz
       *[other] { $needed } Netzen
    } über die hinaus, die der normale Verkehr bringt.
why-settings = Detektor-Einstellungen { $version }.
why-missing = Als diese Störung erklärt wurde, hat downtally die Belege seiner Urteile noch nicht aufbewahrt.

## The API page, /api (issue 13 §2)
api-title = Offene Daten und API
api-intro = Alles, was downtally zählt, ist offen: die Meldungen jedes Dienstes pro Minute, Viertelstunde oder Stunde mit dem, was für ihn normal ist, jede Störung mit den Belegen, die sie begründet haben, als JSON oder CSV. Kein Schlüssel, keine Anmeldung; jede Adresse unten antwortet einem Browser, einer Tabellenkalkulation oder einem Skript.
api-toc = Auf dieser Seite
api-licence-heading = Lizenz und Quellenangabe
api-licence = Die Daten stehen unter der Lizenz Creative Commons Namensnennung 4.0: Sie dürfen sie kopieren, veröffentlichen und weiterverwenden, auch kommerziell, solange Sie downtally als Quelle nennen.
api-citation = Nennen Sie die Seite oder den Permalink, von dem die Zahlen stammen, zum Beispiel:
api-citation-example = Quelle: downtally (Meldungen von Nutzern),
api-citation-caveat = Es sind Meldungen von Nutzern des Dienstes, gezählt und mit dem Normalen verglichen; der Dienst hat sie nicht bestätigt. Sagen Sie das, wenn Sie sie veröffentlichen, und verlinken Sie den Permalink der Störung: Er zeigt die Belege und die Erklärungen des Dienstes selbst.
api-journalists-heading = Die Zahlen eines Diagramms herunterladen
api-journalists = Unter dem Diagramm jeder Dienstseite steht ein CSV-Link. Für jeden anderen Zeitraum fragen Sie die API nach CSV; eine Tabellenkalkulation öffnet die Datei, wie sie ist. Die letzten 7 Tage, Stunde für Stunde:
api-journalists-columns = Jede Zeile ist ein Zeitabschnitt: sein Beginn (UTC, ISO 8601), die gezählten Meldungen, die damals erwarteten Meldungen und der Normalbereich (10. bis 90. Perzentil) und ob eine Störung erklärt war. Nach Problem aufgeteilt, eine Zeile je Abschnitt und Problem:
api-journalists-outages = Die Liste der Störungen, neueste zuerst, mit Beginn, Ende, Spitze und Permalink:
api-endpoints-heading = Endpunkte
api-endpoints-intro = Jeder Endpunkt, seine Parameter und seine Antworten sind im OpenAPI-3.1-Dokument beschrieben, das Client-Generatoren und API-Werkzeuge lesen:
api-ep-services = Jeder Dienst mit seinem aktuellen Status (normal, erhöht, bessert sich, Störung), seit wann, und seiner offenen Störung. Filter: country, category, status und q für einen Namen.
api-ep-service = Ein Dienst: seine Links, der aktuelle Status, die offene Störung und welche Probleme im aktuellen Vorfall und in den letzten 24 Stunden gemeldet wurden.
api-ep-series = Meldungen pro Zeitabschnitt (step 1m, 15m oder 1h) mit dem Normalwert jedes Abschnitts und ob eine Störung lief; from und to oder window (etwa 24h oder 8w); by=problem oder by=region teilt auf; format=csv für eine Tabellenkalkulation.
api-ep-outages = Störungen, neueste zuerst, gefiltert nach Dienst, Land, Region, Zeit und Status (open oder resolved). Seiten von bis zu 200: Folgen Sie dem Link next, um weiterzublättern.
api-ep-outage = Eine Störung: Beginn, Ende, Spitze, ihr Verhältnis zum Normalen, Probleme, Regionen, die Erklärungen des Dienstes, die Belege, die sie begründet haben, und ihre Vorfallgruppe.
api-ep-report = Ein Problem melden, wie es die Schaltflächen einer Dienstseite tun. Eine Meldung pro Person und Dienst zählt in 15 Minuten.
api-feeds-heading = Feeds, Abzeichen, Einbettungen und Statusseiten
api-ep-atom = Atom-Feeds der Störungen, überall oder in einem Land, und eines Dienstes: ein Eintrag, wenn eine Störung erklärt wird, aktualisiert, wenn sie endet.
api-ep-badge = Ein kleines Bild mit Namen und Status des Dienstes, für eine Webseite oder eine README; es folgt dem Status binnen einer Minute.
api-ep-oembed = oEmbed: Redaktionssysteme, die es lesen, machen aus einem eingefügten Link auf eine Dienstseite, eine Störung oder eine Einbettung die laufende Einbettung.
api-ep-statuspage = Die Sicht der Nutzer auf einen Dienst im Format der öffentlichen API von Atlassian Statuspage, damit Dashboards, die Statusseiten lesen, downtally ohne neuen Code lesen. So werden die Status abgebildet:
api-statuspage-caption = downtally-Status als Statuspage-Indikatoren
api-statuspage-ours = downtally
api-statuspage-critical = downtally meldet nie critical: Das kann nur ein Dienst über sich selbst sagen. Offene Störungen erscheinen als incidents, mit den Erklärungen des Dienstes unter ihren Aktualisierungen.
api-webhooks-heading = Webhooks
api-webhooks-intro = Abonnieren Sie mit einer URL die Störungen eines Dienstes oder eines Landes (outage.started, outage.updated, outage.resolved). Die Antwort enthält einmalig die ID des Abonnements und sein Geheimnis: Bewahren Sie das Geheimnis auf.
api-webhooks-confirm = Nichts wird zugestellt, bevor das Abonnement bestätigt ist: downtally schickt Ihrer URL zuerst eine Challenge (ein JSON-Inhalt mit dem Feld challenge), die sie bestätigt, indem sie mit 2xx und diesem Wert antwortet, als Text oder als {"{"}"challenge": …{"}"}. Nur https-Adressen im öffentlichen Internet werden angenommen; Weiterleitungen werden nicht verfolgt.
api-webhooks-slack = Für Slack und kompatible Chats wählen Sie das Format slack: Die erste Nachricht enthält einen Code, den Sie mit dem Geheimnis des Abonnements bestätigen:
api-webhooks-verify = Jede Zustellung ist signiert: Der Header Downtally-Signature enthält t (die Zeit in Unix-Sekunden) und v1, ein HMAC-SHA256 mit Ihrem Geheimnis über die Zeit, einen Punkt und den Inhalt. Prüfen Sie ihn, bevor Sie einer Zustellung trauen, und übergehen Sie Zustellungen, die Sie schon kennen (der Header Downtally-Delivery ist die ID jeder einzelnen):
api-webhooks-retries = Eine fehlgeschlagene Zustellung (keine Antwort in der Zeit oder ein anderer Status als 2xx) wird immer seltener wiederholt, bis zu 24 Stunden lang; danach wird das Abonnement mit dem Grund deaktiviert.
api-webhooks-unsubscribe = Zum Abbestellen löschen Sie es mit seinem Geheimnis:
api-limits-heading = Grenzen und Zwischenspeicher
api-limits-cache = Antworten dürfen zwischengespeichert werden: Sie tragen ETag und Cache-Control, und eine Anfrage mit If-None-Match erhält ein leeres 304, wenn sich nichts geändert hat. Jede Website darf die API aus dem Browser aufrufen (Access-Control-Allow-Origin: *).
api-limits-retention = Zählungen pro Minute werden { $hours } Stunden aufbewahrt, pro Stunde { $weeks } Wochen; Störungen dauerhaft.
api-errors-heading = Fehler
api-errors-intro = Fehler sind Problemdokumente (RFC 9457, application/problem+json) auf Englisch: type nennt die Art des Fehlers und bleibt gleich, detail sagt, was an der Anfrage falsch war.
api-versions-heading = Versionen und Abkündigung
api-versions = Dies ist Version 1. Sie behält ihre Felder und deren Bedeutung: Neue Felder und Endpunkte können hinzukommen, übergehen Sie also, was Sie nicht kennen. Eine Änderung, die Clients brechen würde, kommt als neue Version (/api/v2) und wird hier angekündigt; Version 1 antwortet danach noch mindestens 12 Monate, und ihre Antworten tragen die Header Deprecation und Sunset mit dem Datum, an dem sie endet.

# Atom feeds, badges and oEmbed (web/pages/feeds.rs, web/badge.rs, web/oembed.rs)
feed-title-all = downtally: Störungen
feed-title-country = downtally: Störungen in { $country }
feed-title-service = downtally: Störungen bei { $service }
feed-entry-resolved = Störung bei { $service } (behoben)
feed-entry-closed = Störung bei { $service } (geschlossen: nicht mehr verfolgt)
feed-link = Störungen als Atom-Feed
feed-statements = Offizielle Stellungnahmen
oembed-title = { $service } auf downtally
api-limits-budget = Antworten aus dem Zwischenspeicher des Servers und 304 sind nie begrenzt. Andere Anfragen kosten eine aus dem Budget ihres Netzes: { $per_minute } pro Minute, { $burst } auf einmal, je IPv4-/24 oder IPv6-/48; darüber lautet die Antwort 429 mit Retry-After. Feeds, Abzeichen und Statusseiten haben kein Budget.
api-limits-points = Eine Zeitreihen-Antwort enthält höchstens { $points } Punkte (Zeitabschnitte mal Reihen); eine größere Anfrage wird mit 422 abgelehnt: Verkürzen Sie den Zeitraum oder wählen Sie einen längeren step.
api-errors-caption = Fehlerarten
api-errors-meaning = Bedeutung
api-problem-bad-request = Die Anfrage ist nicht lesbar: fehlerhafte Abfragezeichenfolge, fehlerhafter Pfad oder JSON-Inhalt.
api-problem-unauthorized = Der Anfrage fehlen die nötigen Zugangsdaten (das Geheimnis eines Abonnements).
api-problem-forbidden = Die Anfrage wurde abgelehnt, etwa ein Formular, das von einer anderen Website gesendet wurde.
api-problem-not-found = Kein solcher Endpunkt, Dienst, keine solche Störung oder Meldung.
api-problem-method-not-allowed = Den Pfad gibt es, aber er beantwortet diese Methode nicht; der Header Allow nennt die, die er beantwortet.
api-problem-request-timeout = Der Inhalt der Anfrage kam nicht rechtzeitig an.
api-problem-payload-too-large = Der Inhalt der Anfrage ist größer als 8 KiB.
api-problem-unsupported-media-type = Der Inhalt der Anfrage ist kein JSON (Content-Type: application/json).
api-problem-unprocessable = Ein Parameter oder Feld ist wohlgeformt, aber ungültig; detail nennt ihn.
api-problem-too-many-requests = Dieses Netz hat sein Budget vorerst aufgebraucht; versuchen Sie es nach Retry-After Sekunden erneut.
api-problem-unavailable = Ein Speicher ist kurz nicht erreichbar; versuchen Sie es erneut.
api-problem-gone = Der Dienst wird nicht mehr verfolgt (aus dem Katalog entfernt); seine Störungen bleiben abrufbar.
api-problem-internal = Ein Fehler bei uns, protokolliert; die Anfrage kann später wiederholt werden.
