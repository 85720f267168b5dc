# downtally, Deutsch.

## Site chrome (base.html)
site-tagline = Nur bei mir? Störungsmeldungen für Banken und Zahlungsdienste
demo-banner-title = Demodaten.
demo-banner-text = Alles auf dieser Website ist simuliert, es sind keine echten Meldungen.
footer-privacy = Meldungen werden gezählt, ohne Adressen zu speichern.
footer-data = Daten:
footer-api = JSON-API
footer-language = Sprache:

## Statuses
status-outage = Störung
status-elevated = erhöht
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
locate-note = Dein Standort wird auf etwa 1 km gerundet und nur zur Bestimmung deiner Region verwendet.
locate-done = Standort hinzugefügt.
comment-label = Kommentar (öffentlich sichtbar)

# Comments
comments-heading = Kommentare
comment-name-label = Name (optional)
comment-body-label = Ihr Kommentar
comment-rules = Kommentare sind öffentlich. Geben Sie keine Kontonummern, Passwörter oder Codes ein.
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
filter-service-placeholder = z. B. sparkasse
filter-country-placeholder = z. B. DE
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
error-no-outage = Diese Störung gibt es nicht.
error-form-unreadable = Das Formular konnte nicht gelesen werden.
error-not-number = { $field } muss eine Zahl sein.
field-latitude = Breitengrad
field-longitude = Längengrad
error-invalid-report = Die Meldung wurde nicht angenommen: { $detail }
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
embed-intro = Zeigen Sie diese Karte mit dem aktuellen Status auf Ihrer Website (sie aktualisiert sich selbst, setzt keine Cookies und braucht kein JavaScript), oder verwenden Sie direkt die Bilder. Optionen: theme=light oder dark, lang=en, it, de, fr oder nb, window=24h oder 1h.
embed-iframe-label = Karte und Status für ein iframe
embed-svg-label = Bilder (SVG)
embed-more = Details und Meldungen auf downtally
