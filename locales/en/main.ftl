# downtally, English (the reference: every other language has exactly these keys).

## Site chrome (base.html)
site-tagline = Is it just me? Outage reports for banks and payments
demo-banner-title = Demo data.
demo-banner-text = Everything on this site is simulated, not real reports.
demo-preparing = The demo is being prepared: two weeks of simulated reports for every service. This page reloads itself in a few seconds.
footer-privacy = Reports are counted without storing addresses.
footer-data = Data:
footer-api-link = API and open data
footer-language = Language:

## Statuses
status-outage = outage
status-elevated = elevated
status-improving = improving
status-normal = normal
status-unknown = unknown

## Problem kinds
problem-login = Login
problem-balance = Balance
problem-sms_verification = SMS code
problem-payments = Transfers & payments
problem-card = Card payments
problem-mobile_app = Mobile app
problem-website = Website
problem-other = Something else

## Countries (the main country of each service)
country-DE = Germany
country-FR = France
country-GB = United Kingdom
country-IT = Italy
country-NL = Netherlands
country-NO = Norway
country-SE = Sweden
country-US = United States

## Home page
index-title = downtally · outage reports for banks and payment services
index-heading = Problems with your bank or payment service?
index-lead = Open a service to see what others report, and tell us what is not working for you.
search-label = Search
search-placeholder = e.g. Monzo
country-label = Country
all-countries = All countries
show-button = Show
services-shown = { $shown } of { $total } services
recent-outages = Recent outages
problems-now = Problems right now
sparkline-title = { $n ->
    [one] { $count } report in the last 24 hours
   *[other] { $count } reports in the last 24 hours
}

## Service page
service-title = { $service } down? Current problems and outages
headline-outage = User reports indicate problems with { $service } since { $time }
headline-elevated = Reports about { $service } are above normal since { $time }
headline-improving = Reports about { $service } are back near normal; the problems that began at { $time } are not yet confirmed over
headline-normal = No current problems at { $service }
headline-unknown = The status of { $service } is not known right now
updated-waiting = Waiting for the first check
updated-at = Updated { $time }
affected-regions = Most reports from: { $regions }
reports-last-hour = { $n ->
    [one] { $count } report in the last hour
   *[other] { $count } reports in the last hour
}
link-website = Website
link-status-page = Official status page
link-data = Data (JSON)
chart-heading = Reports in the last 24 hours
chart-title-day = Reports about { $service } in the last 24 hours
chart-desc-day = Problem reports per 15 minutes ({ $tz }), with the normal range for that time of the week as a shaded band and outage periods in red. The table below has the same numbers.
chart-title-hour = Reports about { $service } in the last hour
embed-chart-desc-day = Problem reports per 15 minutes ({ $tz }), with the normal range for that time of the week as a shaded band and outage periods in red.
embed-chart-desc-hour = Problem reports per minute ({ $tz }), with the normal range for that time of the week as a shaded band and outage periods in red.
table-summary = The numbers behind the chart
table-caption-quarter = Reports per 15 minutes ({ $tz }) and the normal range
table-caption-bucket = Reports per bucket ({ $tz }) and the normal range
tz-label = Time zone
tz-button = Apply
col-from = From
col-reports = Reports
col-normal = Normal range
breakdown-heading = Most reported problems (24 hours)
breakdown-empty = No reports in the last 24 hours.
report-heading = What is not working for you?
report-thanks = Thank you: your report ({ $problem }) was received.
report-thanks-not-counted = Thank you: your report ({ $problem }) was received; you already reported in the last 15 minutes, so it was not counted again.
report-more = Add a region or a comment (optional)
region-label = Region
region-none = Not given
locate-button = Use my location
locate-note = Your position is rounded to about 1 km and only used to find your region.
locate-done = Location added.
comment-label = Comment (shown publicly)

# Comments
comments-heading = Comments
comment-name-label = Name (optional)
comment-body-label = Your comment
comment-rules = Comments are public. Do not post account numbers, passwords or codes. Links are shown as plain text, not as links.
comment-submit = Post comment
comment-thanks = Thank you, your comment is published.
comments-empty = No comments yet.
comment-anonymous = Anonymous
comment-with-report = with a report about { $problem }
comments-pages = More comments
comments-newer = Newer comments
comments-older = Older comments
error-title-429 = Too many requests
error-too-many = You have posted several comments in the last minutes. Please wait a little.
error-comment-empty = The comment is empty.
error-comment-too-long = The comment is longer than 500 characters.
error-comment-name-too-long = The name is longer than 40 characters.
error-comment-unavailable = The comment could not be stored; please try again.

history-heading = Outage history
no-outages = No outages recorded.
ongoing = ongoing
all-outages-of = All outages of { $service }

## Outages
outage-heading = { $service } outage
outages-link = Outages
fact-started = Started
fact-duration = Duration
fact-peak = Peak
fact-top-problems = Top problems
fact-regions = Regions
fact-permalink = Permalink
peak-text = { $n ->
    [one] { $count } report a minute at { $time } (normally { $typical })
   *[other] { $count } reports a minute at { $time } (normally { $typical })
}
chart-title-outage = Reports about { $service } around the outage
chart-desc-outage = Problem reports per bucket ({ $tz }), the normal range as a shaded band, the outage in red.
filter-service = Service
filter-service-placeholder = e.g. Intesa
filter-country-placeholder = e.g. Italy or IT
filter-button = Filter
col-service = Service

## Durations
duration-min = { $m } min
duration-h-min = { $h } h { $m } min
duration-d-h = { $d } d { $h } h

## Errors
error-title-400 = Bad request
error-title-404 = Not found
error-title-405 = Method not allowed
error-title-413 = Request too large
error-title-422 = Not accepted
error-title-500 = Internal error
error-title-503 = Temporarily unavailable
error-back = Go back
error-no-page = There is no page at this address.
error-wrong-method = This address does not answer that kind of request.
error-no-service = There is no such service.
badge-removed = service removed
error-service-removed = This service was removed from this site's list of services. Its past outages are still listed.
error-no-outage = There is no such outage.
error-form-unreadable = The form could not be read.
error-not-number = { $field } must be a number.
field-latitude = Latitude
field-longitude = Longitude
error-unavailable = The report could not be stored; please try again.
error-rate-limited = Too many reports have come from your network in the last minutes. Please try again in { $seconds } seconds.
error-bad-request = The request could not be read.
error-too-large = The request is too large.
error-internal = Something went wrong on our side. Please try again later.
error-title-403 = Not allowed
error-title-408 = Request too slow
error-title-415 = Unsupported content type
error-cross-site = This form was sent from another website, so it was not accepted. If you meant to send it, open the page on downtally and send the form from there.
error-body-timeout = The form took too long to arrive. Please try again.
error-media-type = This kind of content is not accepted here.

## Heatmap
heatmap-legend-title = Reports vs. usual
heatmap-level-none = No reports
heatmap-level-normal = Normal
heatmap-level-above = Above normal
heatmap-level-well-above = Well above normal
heatmap-level-far-above = Far above normal
heatmap-region-title = { $region }: { $n ->
    [one] { $count } report
   *[other] { $count } reports
}
heatmap-col-region = Region
heatmap-col-reports = Reports
heatmap-col-typical = Typical
heatmap-col-level = Compared with usual
heatmap-heading = Where problems are reported
heatmap-title-day = Reports about { $service } by region, last 24 hours
heatmap-title-hour = Reports about { $service } by region, last hour
heatmap-desc = Each region is coloured by its reports compared with the usual number for this time of day; hover or focus a region for its count. The table has the same numbers.
heatmap-table-summary = Reports by region (table)
embed-heading = Embed
embed-intro = Show this map with the current status on your site (it updates itself, sets no cookies and needs no JavaScript), or use the images directly. Options: theme=light, dark or auto (follows the reader’s system), lang=en, it, de, fr or nb, window=24h or 1h.
embed-iframe-label = Map and status for an iframe
embed-svg-label = Images (SVG)
embed-more = Details and reports on downtally

## Moderation, official statements, privacy, admin area (issue 9 §4)
footer-privacy-link = Privacy
comment-flag = Flag
comment-flagged = Flagged by readers (show)
comment-flag-thanks = Thank you: the comment is flagged. When readers from several networks flag it, it is folded away until an administrator decides.
comment-same = { $n ->
    [one] +{ $count } said the same
   *[other] +{ $count } said the same
}
error-comment-link-only = A comment cannot be only a link. Please say in words what is not working.
error-comment-network-busy = Many comments have come from your network in the last minutes. Please wait a little.
error-no-comment = There is no such comment.
error-title-401 = Sign-in required
statements-heading = Official statement
statement-when = From the service, { $time }
statement-link = Read it at the source

# Privacy page
privacy-title = Privacy
privacy-intro = downtally counts reports of problems with banks and payment services. It keeps as little as it needs, and nothing that leads back to you.
privacy-stored-heading = What is stored
privacy-stored-keys = Your IP address is never stored. From it and your browser’s User-Agent header two keys are computed: a reporter key (a keyed hash, HMAC-SHA256, of your network, your browser and the service) and a network key (the same kind of hash of your IPv4 /24 or IPv6 /48 network). Both are salted with a random key that changes every day and is deleted after two days: from then on nobody, not even we, can link a key to a network or to the keys of other days.
privacy-stored-reports = With each report we store the service, the problem, the region you chose, your position if you shared it (rounded to two decimals, about 1 km), your comment if you left one, the two keys and the time.
privacy-stored-comments = Comments are public. We store the text, the name you chose (if any), the two keys (to limit how often one visitor or one network may post) and the time; the keys are never shown. When someone flags a comment we keep only their network key.
privacy-retention-heading = For how long
privacy-retention = Reports, with their two keys, are deleted after { $days } days (on the database’s own schedule, within the hour); what charts and statistics need of them is first kept as hourly counts per service, problem and region, which hold no key of anyone. A report’s comment that the pages show is kept for the outage history: when its report is deleted it joins the other comments without any key, with its problem, its flags and whether it is hidden. The two keys of comments and the network keys of flags are deleted after { $days } days as well; the comments and the flags themselves are kept. The daily salt behind the keys is deleted after two days already, so no key can be linked to a network after that. Counts per minute are kept for { $hours } hours, counts per hour for { $weeks } weeks in the live counters.
privacy-cookies-heading = Cookies
privacy-cookie-lang = the language you chose with the language links (one year).
privacy-cookie-tz = the time zone you chose (one year).
privacy-cookie-admin = only for administrators who sign in to the admin area (12 hours): a signed session, never the token itself.
privacy-cookies-none = No other cookies, no tracking, nothing loaded from other sites. Embeds set no cookies.
privacy-network-heading = What one network can and cannot do to the numbers
privacy-network-bound = Within any { $minutes } minutes, one network (an IPv4 /24 or IPv6 /48) adds at most max({ $base }, { $share } of the reporters from all other networks) counted reporters to a service, whatever its browsers claim. Further reports are kept but not counted.
privacy-network-breadth = An outage needs reports from at least { $networks } distinct networks beyond normal traffic, so a handful of networks cannot declare one however much they send.
privacy-network-rate = One network may send at most { $rate } reports and comments a minute; past that it is asked to wait.
privacy-network-comments = One visitor may post { $visitor } comments on a service in { $minutes } minutes, one network { $network }. A comment sent with a report that was not counted is not published again, and identical comments are shown once, with how many said the same.
privacy-network-flags = A comment flagged by readers from { $flags } or more networks is folded away behind a click, never deleted: an administrator decides.
privacy-network-cannot = What it cannot stop: many networks acting together look like a crowd. Each of them is then held to its share, and every report is kept with its network key as long as any other.

# Admin area
admin-title = Administration
admin-token = Admin token
admin-login = Sign in
admin-logout = Sign out
admin-signed-in = Signed in as { $label }.
admin-login-first = Please sign in with an admin token.
admin-wrong-token = That is not an admin token.
admin-too-many-failures = Too many failed sign-ins from your network. Please try again in { $seconds } seconds.
admin-flagged-heading = Flagged comments
admin-hidden-heading = Hidden comments
admin-none = None.
admin-comment-id = Comment (e.g. c12)
admin-hide = Hide
admin-restore = Restore
admin-statement-heading = Official statement on an outage
admin-statement-outage = Outage
admin-statement-text = What the service said
admin-statement-link = Link to it (optional)
admin-statement-time = When it was said (UTC; empty for now)
admin-statement-submit = Publish statement
admin-actions-heading = Recent admin actions
admin-col-time = Time (UTC)
admin-col-label = Token
admin-col-action = Action
admin-col-target = Target
admin-col-detail = Detail
admin-col-comment = Comment
admin-col-text = Text
admin-col-flags = Networks that flagged it
admin-done-hidden = The comment is hidden, with those that say the same.
admin-done-restored = The comment is shown again, with those that say the same.
admin-done-statement = The statement is published.
admin-done-login = Signed in.
admin-bad-action = Choose hide or restore.
admin-bad-comment = A comment is named like c12 or r7.
admin-no-comment = There is no such comment.
admin-bad-statement = The statement must have between 1 and 1,000 characters.
admin-bad-link = The link must be an http:// or https:// address without spaces or quotes.
admin-bad-time = The time must look like 2026-12-01T10:42 (UTC).

## Charts and the normal range (issue 11, helper "normal")
chart-per-minutes = { $n ->
    [one] Reports per minute
   *[other] Reports per { $n } minutes
}
chart-per-hours = { $n ->
    [one] Reports per hour
   *[other] Reports per { $n } hours
}
chart-legend-normal = Normal range
chart-legend-outage = Outage
table-so-far = { $time } (so far)
chart-legend-so-far = So far
chart-now = now
chart-times-in = Times in { $zone }
chart-bar = { $n ->
    [one] { $time }: { $count } report
   *[other] { $time }: { $count } reports
}
chart-bar-normal = normal { $low }–{ $high }
chart-source = Source: { $url }
reports-last-hour-usual = { $n ->
    [one] { $count } report in the last hour
   *[other] { $count } reports in the last hour
} ({ $high_n ->
    [0] usually none
   *[other] usually { $low }–{ $high }
})

## Phone first, maps and languages (issue 11 §2, §5, §6: phone)
report-not-alone = { $n ->
    [one] You're not alone: { $count } person reported “{ $problem }” in the last 15 minutes.
   *[other] You're not alone: { $count } people reported “{ $problem }” in the last 15 minutes.
}
report-first = You are the first to report “{ $problem }” in the last 15 minutes.
report-help-from = Help from { $service }:
link-support = Support and contact
error-invalid-problem = The report was not accepted: this kind of problem is unknown. Please use one of the buttons.
error-invalid-region = The report was not accepted: there is no such region. Please choose one from the list.
error-invalid-location = The report was not accepted: the location could not be used. Latitude and longitude must be given together, as numbers.
error-invalid-comment = The report was not accepted: the comment is longer than 500 characters.
country-AT = Austria
country-DK = Denmark
country-ES = Spain
country-FI = Finland
country-IE = Ireland
country-LT = Lithuania
zone-europe-rome = Rome
zone-europe-london = London
zone-europe-berlin = Berlin
zone-europe-paris = Paris
zone-europe-oslo = Oslo
zone-america-new-york = New York
zone-utc = UTC
heatmap-by-country = Reports by country
heatmap-off-map = * not on this map
heatmap-no-region = No region given
heatmap-focus-hint = Tap or focus a region to see its count.

## Journalists (issue 11 §3–4): incident summary, other services, citation, chart files, outage list
summary-ratio = Since { $time }: { $ratio } the usual reports
summary-count = { $n ->
    [one] Since { $time }: { $count } report
   *[other] Since { $time }: { $count } reports
}
summary-problems = , mostly { $problems }
list-and = { $first } and { $last }
others-heading = Other services with problems now
fact-ended = Ended
outage-closed-unlisted = Closed when downtally stopped following this service (it was removed from the catalog); nobody saw it recover.
peak-ratio = { $ratio } normal
period-since = since { $start }
citation = downtally, { $subject }, { $period }, { $url }, retrieved { $retrieved }
cite-heading = Cite this outage
cite-url-label = Permanent link
cite-text-label = Citation
cite-hint = Select the text to copy it.
fig-covers = { $from } – { $to } { $zone } ({ $tz }), { $per }
fig-per-slot = { $n ->
    [one] reports per minute
    [60] reports per hour
   *[other] reports per { $count } minutes
}
fig-download = Download the chart:
error-no-file = There is no such file.
outages-zone = All times in { $tz }
outages-no-service = No service matches “{ $text }”.
outages-no-country = No country matches “{ $text }”.

## "Works again for me" (issue 12 §1)
report-works-again = It works again for me
works-again-count = { $n ->
    [one] { $count } person said it works again for them in the last hour.
   *[other] { $count } people said it works again for them in the last hour.
}
works-again-thanks = Thank you: glad { $service } works again for you.
works-again-thanks-not-counted = Thank you: you already said { $service } works again in the last 15 minutes, so it was not counted again.
works-again-others = { $n ->
    [one] { $count } person said { $service } works again for them in the last 15 minutes.
   *[other] { $count } people said { $service } works again for them in the last 15 minutes.
}

# --- Incident groups (issue 12, part 4: shared causes are named) ---
group-rising = Reports are rising at { $count } services in { $code ->
    [GB] the United Kingdom
    [US] the United States
    [NL] the Netherlands
   *[other] { $country }
} at once, mostly { $problem }: probably a shared provider.
group-rose = Reports rose at { $count } services in { $code ->
    [GB] the United Kingdom
    [US] the United States
    [NL] the Netherlands
   *[other] { $country }
} at once, mostly { $problem }: probably a shared provider.
group-members = Services:
group-problem-login = login
group-problem-balance = balances
group-problem-sms_verification = SMS codes
group-problem-payments = transfers and payments
group-problem-card = card payments
group-problem-mobile_app = the mobile app
group-problem-website = the website
group-problem-other = other problems

## evidence (issue 12 §6): why downtally calls this an outage, on its permalink
why-heading = Why downtally calls this an outage
why-observed = In the { $minutes ->
        [1] minute
        [60] hour
       *[other] { $minutes_text } minutes
    } to { $time }, { $n ->
        [one] one person
       *[other] { $count } people
    } reported problems where { $expected } are usual (normal range { $low }–{ $high }).
why-observed-no-normal = In the { $minutes ->
        [1] minute
        [60] hour
       *[other] { $minutes_text } minutes
    } to { $time }, { $n ->
        [one] one person
       *[other] { $count } people
    } reported problems; downtally does not yet know enough of this service's past to say how many are usual.
why-ratio = That is { $ratio } the usual.
why-networks = In the { $minutes_text } minutes to { $time }, the reports came from { $networks } networks where about { $usual } are usual.
why-networks-region = In the { $minutes_text } minutes to { $time }, the reports from this region came from { $networks } networks where about { $usual } are usual there.
why-networks-service-wide = In the { $minutes_text } minutes to { $time }, the whole service’s reports came from { $networks } networks. When this outage was declared, downtally weighed the breadth of the whole service, not yet that of the region alone.
why-rule-spike = downtally declares an outage when reports are this far beyond normal: a deviation of { $deviation } against a bar of { $bar }.
why-rule-sustained = downtally declares an outage when reports stay above normal long enough to add up to a sustained rise: a deviation of { $deviation } against a bar of { $bar }.
why-rule-networks = It also needs reports from at least { $n ->
        [one] one network
       *[other] { $needed } networks
    } beyond those normal traffic brings.
why-settings = Detector settings { $version }.
why-missing = downtally did not yet keep the evidence of its verdicts when this outage was declared.

## The API page, /api (issue 13 §2)
api-title = Open data and API
api-intro = Everything downtally counts is open: each service's reports per minute, quarter hour or hour with what is normal for it, every outage with the evidence that decided it, as JSON or CSV. No key, no sign-up; every address below answers a browser, a spreadsheet or a script.
api-toc = On this page
api-licence-heading = Licence and citation
api-licence = The data is published under the Creative Commons Attribution 4.0 licence: you may copy, publish and build on it, commercially too, as long as you credit downtally.
api-citation = Cite it with the page or permalink the numbers come from, for example:
api-citation-example = Source: downtally (reports by users),
api-citation-caveat = These are reports by users of the service, counted and compared with what is normal; they are not confirmed by the service. Say so when you publish them, and link the outage’s permalink: it shows the evidence and the service’s own statements.
api-journalists-heading = Download a chart’s numbers
api-journalists = Every service page has a CSV link under its chart. For any other span, ask the API for CSV; a spreadsheet opens the file as it is. The last 7 days, hour by hour:
api-journalists-columns = Each row is one time slot: its start (UTC, ISO 8601), the reports counted, the reports expected then and the normal range (the 10th to the 90th percentile), and whether an outage was declared. Split by problem, one row per slot and problem:
api-journalists-outages = The list of outages, newest first, with start, end, peak and permalink:
api-endpoints-heading = Endpoints
api-endpoints-intro = Every endpoint, its parameters and its answers are described in the OpenAPI 3.1 document, which client generators and API tools read:
api-ep-services = Every service with its current status (normal, elevated, improving, outage), since when, and its open outage. Filters: country, category, status, and q for a name.
api-ep-service = One service: its links, current status, open outage, and which problems were reported in the current incident and in the last 24 hours.
api-ep-series = Reports per time slot (step 1m, 15m or 1h) with the normal of each slot and whether an outage was on; from and to, or window (such as 24h or 8w); by=problem or by=region splits it; format=csv for a spreadsheet.
api-ep-outages = Outages, newest first, filtered by service, country, region, time and status (open or resolved). Pages of up to 200: follow the next link to go on.
api-ep-outage = One outage: start, end, peak, its ratio to normal, problems, regions, the service’s statements, the evidence that decided it and its incident group.
api-ep-report = Report a problem, as the buttons on a service page do. One report per person and service counts in 15 minutes.
api-feeds-heading = Feeds, badges, embeds and status pages
api-ep-atom = Atom feeds of outages, everywhere or in one country, and of one service: an entry when an outage is declared, updated when it ends.
api-ep-badge = A small image with the service’s name and status, for a web page or a README; it follows the status within a minute.
api-ep-oembed = oEmbed: publishing tools that read it turn a pasted link to a service page, an outage or an embed into the live embed.
api-ep-statuspage = The crowd’s view of a service in the format of Atlassian Statuspage’s public API, so dashboards that read status pages read downtally with no new code. How statuses map:
api-statuspage-caption = downtally statuses as Statuspage indicators
api-statuspage-ours = downtally
api-statuspage-critical = downtally never claims critical: that is for a service to say of itself. Open outages are listed as incidents, with the service’s own statements among their updates.
api-webhooks-heading = Webhooks
api-webhooks-intro = Subscribe a URL to a service’s or a country’s outages (outage.started, outage.updated, outage.resolved). The answer carries the subscription’s id and its secret, once: keep the secret.
api-webhooks-confirm = Nothing is delivered before the subscription is confirmed: downtally first sends your URL a challenge (a JSON body with a challenge field), which it confirms by answering 2xx with that value, as text or as {"{"}"challenge": …{"}"}. Only https addresses on the public internet are accepted; redirects are not followed.
api-webhooks-slack = For Slack and compatible chats choose the format slack: the first message carries a code, which you confirm with the subscription’s secret:
api-webhooks-verify = Every delivery is signed: the header Downtally-Signature carries t (the time, Unix seconds) and v1, an HMAC-SHA256 with your secret over the time, a dot and the body. Check it before you trust a delivery, and ignore deliveries you have seen (the Downtally-Delivery header is each one’s id):
api-webhooks-retries = A delivery that fails (no answer in time, or any status other than 2xx) is tried again, less and less often, for up to 24 hours; after that the subscription is disabled and the reason kept.
api-webhooks-unsubscribe = To unsubscribe, delete it with its secret:
api-limits-heading = Limits and caching
api-limits-cache = Answers can be cached: they carry ETag and Cache-Control, and a request with If-None-Match gets an empty 304 when nothing changed. Any site may call the API from a browser (Access-Control-Allow-Origin: *).
api-limits-retention = Counts per minute are kept for { $hours } hours, per hour for { $weeks } weeks; outages are kept for good.
api-errors-heading = Errors
api-errors-intro = Errors are problem documents (RFC 9457, application/problem+json) in English: type names the kind of error and stays the same, detail says what was wrong with the request.
api-versions-heading = Versions and deprecation
api-versions = This is version 1. It keeps its fields and their meaning: new fields and endpoints may be added, so ignore what you do not know. A change that would break clients comes as a new version (/api/v2), announced here; version 1 then keeps answering for at least 12 months, and its answers carry Deprecation and Sunset headers with the date it stops.

# Atom feeds, badges and oEmbed (web/pages/feeds.rs, web/badge.rs, web/oembed.rs)
feed-title-all = downtally: outages
feed-title-country = downtally: outages in { $country }
feed-title-service = downtally: { $service } outages
feed-entry-resolved = { $service } outage (resolved)
feed-entry-closed = { $service } outage (closed: no longer followed)
feed-link = Outages as an Atom feed
feed-statements = Official statements
oembed-title = { $service } on downtally
api-limits-budget = Answers from the server’s cache and 304s are never limited. Other requests cost one from their network’s budget: { $per_minute } a minute, { $burst } at once, per IPv4 /24 or IPv6 /48; over it the answer is 429 with Retry-After. Feeds, badges and status pages have no budget.
api-limits-points = One series answer holds at most { $points } points (time slots times series); a larger request is refused with 422: narrow the span or use a longer step.
api-errors-caption = Error types
api-errors-meaning = Meaning
api-problem-bad-request = The request cannot be read: a malformed query string, path or JSON body.
api-problem-unauthorized = The request needs credentials it did not carry (a subscription’s secret).
api-problem-forbidden = The request was refused, for example a form posted from another site.
api-problem-not-found = No such endpoint, service, outage or report.
api-problem-method-not-allowed = The path exists but does not answer this method; the Allow header lists those it does.
api-problem-request-timeout = The request body did not arrive in time.
api-problem-payload-too-large = The request body is larger than 8 KiB.
api-problem-unsupported-media-type = The request body is not JSON (Content-Type: application/json).
api-problem-unprocessable = A parameter or field is well-formed but not valid; detail names it.
api-problem-too-many-requests = This network has used its budget for now; try again after Retry-After seconds.
api-problem-unavailable = A store is unavailable for a moment; try again.
api-problem-gone = The service is no longer followed (removed from the catalog); its outages stay available.
api-problem-internal = A failure of ours, logged; the request may be tried again later.
