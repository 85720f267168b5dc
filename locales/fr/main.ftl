# downtally, français.

## Site chrome (base.html)
site-tagline = Est-ce que c’est juste moi ? Signalements de pannes des banques et des paiements
demo-banner-title = Données de démonstration.
demo-banner-text = Tout sur ce site est simulé, ce ne sont pas de vrais signalements.
demo-preparing = La démo est en préparation : deux semaines de signalements simulés pour chaque service. Cette page se recharge d’elle-même dans quelques secondes.
footer-privacy = Les signalements sont comptés sans enregistrer les adresses.
footer-data = Données :
footer-api-link = API et données ouvertes
footer-language = Langue :

## Statuses
status-outage = panne
status-elevated = élevé
status-improving = amélioration
status-normal = normal
status-unknown = inconnu

## Problem kinds
problem-login = Connexion
problem-balance = Solde
problem-sms_verification = Code SMS
problem-payments = Virements et paiements
problem-card = Paiements par carte
problem-mobile_app = Application mobile
problem-website = Site web
problem-other = Autre chose

## Countries (the main country of each service)
country-DE = Allemagne
country-FR = France
country-GB = Royaume-Uni
country-IT = Italie
country-NL = Pays-Bas
country-NO = Norvège
country-SE = Suède
country-US = États-Unis

## Home page
index-title = downtally · signalements de pannes des banques et des services de paiement
index-heading = Des problèmes avec votre banque ou votre service de paiement ?
index-lead = Ouvrez un service pour voir ce que les autres signalent, et dites-nous ce qui ne fonctionne pas chez vous.
search-label = Rechercher
search-placeholder = p. ex. BNP Paribas
country-label = Pays
all-countries = Tous les pays
show-button = Afficher
services-shown = { $shown } services sur { $total }
recent-outages = Pannes récentes
problems-now = Problèmes en ce moment
sparkline-title = { $n ->
    [one] { $count } signalement au cours des dernières 24 heures
   *[other] { $count } signalements au cours des dernières 24 heures
}

## Service page
service-title = { $service } en panne ? Problèmes actuels et pannes
headline-outage = Les signalements des utilisateurs indiquent des problèmes chez { $service } depuis { $time }
headline-elevated = Les signalements concernant { $service } sont au-dessus de la normale depuis { $time }
headline-improving = Les signalements concernant { $service } sont revenus près de la normale ; la fin des problèmes commencés à { $time } n’est pas encore confirmée
headline-normal = Aucun problème en cours chez { $service }
headline-unknown = L’état de { $service } n’est pas connu pour le moment
updated-waiting = En attente de la première vérification
updated-at = Mis à jour à { $time }
affected-regions = La plupart des signalements viennent de : { $regions }
reports-last-hour = { $n ->
    [one] { $count } signalement au cours de la dernière heure
   *[other] { $count } signalements au cours de la dernière heure
}
link-website = Site web
link-status-page = Page d’état officielle
link-data = Données (JSON)
chart-heading = Signalements des dernières 24 heures
chart-title-day = Signalements concernant { $service } au cours des dernières 24 heures
chart-desc-day = Signalements de problèmes par tranche de 15 minutes ({ $tz }), avec la plage normale pour ce moment de la semaine en bande ombrée et les périodes de panne en rouge. Le tableau ci-dessous donne les mêmes chiffres.
chart-title-hour = Signalements concernant { $service } au cours de la dernière heure
embed-chart-desc-day = Signalements de problèmes par tranche de 15 minutes ({ $tz }), avec la plage normale pour ce moment de la semaine en bande ombrée et les périodes de panne en rouge.
embed-chart-desc-hour = Signalements de problèmes par minute ({ $tz }), avec la plage normale pour ce moment de la semaine en bande ombrée et les périodes de panne en rouge.
table-summary = Les chiffres du graphique
table-caption-quarter = Signalements par tranche de 15 minutes ({ $tz }) et plage normale
table-caption-bucket = Signalements par intervalle ({ $tz }) et plage normale
tz-label = Fuseau horaire
tz-button = Appliquer
col-from = À partir de
col-reports = Signalements
col-normal = Plage normale
breakdown-heading = Problèmes les plus signalés (24 heures)
breakdown-empty = Aucun signalement au cours des dernières 24 heures.
report-heading = Qu’est-ce qui ne fonctionne pas chez vous ?
report-thanks = Merci : votre signalement ({ $problem }) a bien été reçu.
report-thanks-not-counted = Merci : votre signalement ({ $problem }) a bien été reçu ; vous avez déjà signalé au cours des 15 dernières minutes, il n’a donc pas été compté une nouvelle fois.
report-more = Ajouter une région ou un commentaire (facultatif)
region-label = Région
region-none = Non précisée
locate-button = Utiliser ma position
locate-note = Votre position est arrondie à environ 1 km et sert uniquement à trouver votre région.
locate-done = Position ajoutée.
comment-label = Commentaire (visible publiquement)

# Comments
comments-heading = Commentaires
comment-name-label = Nom (facultatif)
comment-body-label = Votre commentaire
comment-rules = Les commentaires sont publics. N’indiquez ni numéro de compte, ni mot de passe, ni code. Les liens sont affichés comme du texte, pas comme des liens.
comment-submit = Publier le commentaire
comment-thanks = Merci, votre commentaire est publié.
comments-empty = Pas encore de commentaire.
comment-anonymous = Anonyme
comment-with-report = avec un signalement : { $problem }
comments-pages = Autres commentaires
comments-newer = Commentaires plus récents
comments-older = Commentaires plus anciens
error-title-429 = Trop de requêtes
error-too-many = Vous avez publié plusieurs commentaires ces dernières minutes. Veuillez patienter un peu.
error-comment-empty = Le commentaire est vide.
error-comment-too-long = Le commentaire dépasse 500 caractères.
error-comment-name-too-long = Le nom dépasse 40 caractères.
error-comment-unavailable = Le commentaire n’a pas pu être enregistré ; veuillez réessayer.

history-heading = Historique des pannes
no-outages = Aucune panne enregistrée.
ongoing = en cours
all-outages-of = Toutes les pannes de { $service }

## Outages
outage-heading = Panne de { $service }
outages-link = Pannes
fact-started = Début
fact-duration = Durée
fact-peak = Pic
fact-top-problems = Principaux problèmes
fact-regions = Régions
fact-permalink = Lien permanent
peak-text = { $n ->
    [one] { $count } signalement par minute à { $time } (normalement { $typical })
   *[other] { $count } signalements par minute à { $time } (normalement { $typical })
}
chart-title-outage = Signalements concernant { $service } autour de la panne
chart-desc-outage = Signalements de problèmes par intervalle ({ $tz }), la plage normale en bande ombrée, la panne en rouge.
filter-service = Service
filter-service-placeholder = p. ex. BNP Paribas
filter-country-placeholder = p. ex. France ou FR
filter-button = Filtrer
col-service = Service

## Durations
duration-min = { $m } min
duration-h-min = { $h } h { $m } min
duration-d-h = { $d } j { $h } h

## Errors
error-title-400 = Requête incorrecte
error-title-404 = Page introuvable
error-title-405 = Méthode non autorisée
error-title-413 = Requête trop volumineuse
error-title-422 = Non accepté
error-title-500 = Erreur interne
error-title-503 = Temporairement indisponible
error-back = Retour
error-no-page = Il n’y a aucune page à cette adresse.
error-wrong-method = Cette adresse ne répond pas à ce type de requête.
error-no-service = Ce service n’existe pas.
badge-removed = service retiré
error-service-removed = Ce service a été retiré de la liste de ce site. Ses pannes passées restent consultables.
error-no-outage = Cette panne n’existe pas.
error-form-unreadable = Le formulaire n’a pas pu être lu.
error-not-number = { $field } doit être un nombre.
field-latitude = Latitude
field-longitude = Longitude
error-unavailable = Le signalement n’a pas pu être enregistré ; veuillez réessayer.
error-rate-limited = Trop de signalements sont venus de votre réseau ces dernières minutes. Veuillez réessayer dans { $seconds } secondes.
error-bad-request = La requête n’a pas pu être lue.
error-too-large = La requête est trop volumineuse.
error-internal = Un problème est survenu de notre côté. Veuillez réessayer plus tard.
error-title-403 = Non autorisé
error-title-408 = Requête trop lente
error-title-415 = Type de contenu non pris en charge
error-cross-site = Ce formulaire a été envoyé depuis un autre site web ; il n’a donc pas été accepté. Si vous vouliez l’envoyer, ouvrez la page sur downtally et envoyez le formulaire depuis celle-ci.
error-body-timeout = Le formulaire a mis trop de temps à arriver. Veuillez réessayer.
error-media-type = Ce type de contenu n’est pas accepté ici.

## Heatmap
heatmap-legend-title = Comparé à l’habitude
heatmap-level-none = Aucun signalement
heatmap-level-normal = Normal
heatmap-level-above = Au-dessus de la normale
heatmap-level-well-above = Nettement au-dessus
heatmap-level-far-above = Très au-dessus
heatmap-region-title = { $region } : { $n ->
    [one] { $count } signalement
   *[other] { $count } signalements
}
heatmap-col-region = Région
heatmap-col-reports = Signalements
heatmap-col-typical = D’habitude
heatmap-col-level = Par rapport à l’habitude
heatmap-heading = Où les problèmes sont signalés
heatmap-title-day = Signalements concernant { $service } par région, dernières 24 heures
heatmap-title-hour = Signalements concernant { $service } par région, dernière heure
heatmap-desc = Chaque région est colorée selon ses signalements comparés au nombre habituel à cette heure de la journée ; survolez ou sélectionnez une région pour voir son nombre. Le tableau donne les mêmes chiffres.
heatmap-table-summary = Signalements par région (tableau)
embed-heading = Intégrer
embed-intro = Affichez cette carte avec l’état actuel sur votre site (elle se met à jour seule, ne dépose aucun cookie et ne demande pas de JavaScript), ou utilisez directement les images. Options : theme=light, dark ou auto (suit le système du lecteur), lang=en, it, de, fr ou nb, window=24h ou 1h.
embed-iframe-label = Carte et état pour une iframe
embed-svg-label = Images (SVG)
embed-more = Détails et signalements sur downtally

## Moderation, official statements, privacy, admin area (issue 9 §4)
footer-privacy-link = Confidentialité
comment-flag = Signaler un abus
comment-flagged = Signalé comme abusif par des lecteurs (afficher)
comment-flag-thanks = Merci : l’abus est signalé. Quand des lecteurs de plusieurs réseaux le signalent, le commentaire est replié derrière un clic jusqu’à ce qu’un administrateur décide.
comment-same = { $n ->
    [one] +{ $count } a dit la même chose
   *[other] +{ $count } ont dit la même chose
}
error-comment-link-only = Un commentaire ne peut pas être seulement un lien. Veuillez dire avec des mots ce qui ne fonctionne pas.
error-comment-network-busy = Beaucoup de commentaires sont venus de votre réseau ces dernières minutes. Veuillez patienter un peu.
error-no-comment = Ce commentaire n’existe pas.
error-title-401 = Connexion requise
statements-heading = Déclaration officielle
statement-when = Du service, { $time }
statement-link = La lire à la source

# Privacy page
privacy-title = Confidentialité
privacy-intro = downtally compte les signalements de problèmes avec les banques et les services de paiement. Il garde le strict nécessaire, et rien qui mène jusqu’à vous.
privacy-stored-heading = Ce qui est enregistré
privacy-stored-keys = Votre adresse IP n’est jamais enregistrée. À partir d’elle et de l’en-tête User-Agent de votre navigateur, deux clés sont calculées : une clé de signalement (un hachage à clé, HMAC-SHA256, de votre réseau, de votre navigateur et du service) et une clé de réseau (le même type de hachage de votre réseau IPv4 /24 ou IPv6 /48). Toutes deux utilisent un sel aléatoire qui change chaque jour et est supprimé au bout de deux jours : dès lors personne, pas même nous, ne peut relier une clé à un réseau ni aux clés d’autres jours.
privacy-stored-reports = Avec chaque signalement, nous enregistrons le service, le problème, la région que vous avez choisie, votre position si vous l’avez partagée (arrondie à deux décimales, environ 1 km), votre commentaire si vous en avez laissé un, les deux clés et l’heure.
privacy-stored-comments = Les commentaires sont publics. Nous enregistrons le texte, le nom que vous avez choisi (s’il y en a un), les deux clés (pour limiter la fréquence à laquelle un visiteur ou un réseau peut écrire) et l’heure ; les clés ne sont jamais affichées. Quand un commentaire est signalé comme abusif, nous ne gardons que la clé de réseau de la personne qui le signale.
privacy-retention-heading = Pour combien de temps
privacy-retention = Les signalements sont supprimés avec leurs deux clés au bout de { $days } jours (dans l’heure qui suit) ; ce dont les graphiques et les statistiques ont besoin est d’abord conservé sous forme de comptages horaires par service, problème et région, qui ne contiennent aucune clé. Le commentaire d’un signalement que les pages affichent est conservé pour l’historique des pannes : quand son signalement est supprimé, il rejoint les autres commentaires sans aucune clé, avec son problème, ses signalements d’abus et le fait qu’il soit masqué ou non. Les deux clés des commentaires et les clés de réseau des signalements d’abus sont elles aussi supprimées au bout de { $days } jours ; les commentaires et les signalements d’abus eux-mêmes sont conservés. Le sel quotidien des clés est déjà supprimé au bout de deux jours : ensuite, aucune clé ne peut plus être rattachée à un réseau. Les comptages par minute sont conservés { $hours } heures, les comptages par heure { $weeks } semaines dans les compteurs.
privacy-cookies-heading = Cookies
privacy-cookie-lang = la langue que vous avez choisie avec les liens de langue (un an).
privacy-cookie-tz = le fuseau horaire que vous avez choisi (un an).
privacy-cookie-admin = seulement pour les administrateurs qui se connectent à l’espace d’administration (12 heures) : une session signée, jamais le jeton lui-même.
privacy-cookies-none = Aucun autre cookie, aucun pistage, rien n’est chargé depuis d’autres sites. Les intégrations ne déposent aucun cookie.
privacy-network-heading = Ce qu’un réseau peut faire aux chiffres, et ce qu’il ne peut pas
privacy-network-bound = Sur toute période de { $minutes } minutes, un réseau (un IPv4 /24 ou IPv6 /48) ajoute à un service au plus max({ $base }, { $share } des personnes signalant depuis tous les autres réseaux) signalements comptés, quoi que disent ses navigateurs. Les suivants sont conservés mais pas comptés.
privacy-network-breadth = Une panne exige des signalements d’au moins { $networks } réseaux distincts au-delà du trafic normal : une poignée de réseaux ne peut pas en déclarer une, quel que soit leur volume.
privacy-network-rate = Un réseau peut envoyer au plus { $rate } signalements et commentaires par minute ; au-delà, il lui est demandé d’attendre.
privacy-network-comments = Un visiteur peut publier { $visitor } commentaires sur un service en { $minutes } minutes, un réseau { $network }. Un commentaire envoyé avec un signalement non compté n’est pas publié une nouvelle fois, et les commentaires identiques ne sont affichés qu’une fois, avec le nombre de personnes ayant dit la même chose.
privacy-network-flags = Un commentaire signalé comme abusif par des lecteurs de { $flags } réseaux ou plus est replié derrière un clic, jamais supprimé : un administrateur décide.
privacy-network-cannot = Ce qu’il ne peut pas empêcher : de nombreux réseaux agissant ensemble ressemblent à une foule. Chacun est alors limité à sa part, et chaque signalement reste dans la base avec sa clé de réseau aussi longtemps que les autres.

# Admin area
admin-title = Administration
admin-token = Jeton d’administration
admin-login = Se connecter
admin-logout = Se déconnecter
admin-signed-in = Connecté en tant que { $label }.
admin-login-first = Veuillez vous connecter avec un jeton d’administration.
admin-wrong-token = Ce n’est pas un jeton d’administration.
admin-too-many-failures = Trop de connexions échouées depuis votre réseau. Veuillez réessayer dans { $seconds } secondes.
admin-flagged-heading = Commentaires signalés comme abusifs
admin-hidden-heading = Commentaires masqués
admin-none = Aucun.
admin-comment-id = Commentaire (p. ex. c12)
admin-hide = Masquer
admin-restore = Rétablir
admin-statement-heading = Déclaration officielle sur une panne
admin-statement-outage = Panne
admin-statement-text = Ce que le service a dit
admin-statement-link = Lien vers la source (facultatif)
admin-statement-time = Quand il l’a dit (UTC ; vide pour maintenant)
admin-statement-submit = Publier la déclaration
admin-actions-heading = Dernières actions d’administration
admin-col-time = Heure (UTC)
admin-col-label = Jeton
admin-col-action = Action
admin-col-target = Cible
admin-col-detail = Détail
admin-col-comment = Commentaire
admin-col-text = Texte
admin-col-flags = Réseaux l’ayant signalé comme abusif
admin-done-hidden = Le commentaire est masqué, avec ceux qui disent la même chose.
admin-done-restored = Le commentaire est de nouveau affiché, avec ceux qui disent la même chose.
admin-done-statement = La déclaration est publiée.
admin-done-login = Connecté.
admin-bad-action = Choisissez masquer ou rétablir.
admin-bad-comment = Un commentaire se désigne comme c12 ou r7.
admin-no-comment = Ce commentaire n’existe pas.
admin-bad-statement = La déclaration doit compter de 1 à 1 000 caractères.
admin-bad-link = Le lien doit être une adresse http:// ou https:// sans espaces ni guillemets.
admin-bad-time = L’heure doit avoir la forme 2026-12-01T10:42 (UTC).

## Charts and the normal range (issue 11, helper "normal")
chart-per-minutes = { $n ->
    [one] Signalements par minute
   *[other] Signalements par { $n } minutes
}
chart-per-hours = { $n ->
    [one] Signalements par heure
   *[other] Signalements par { $n } heures
}
chart-legend-normal = Plage normale
chart-legend-outage = Panne
table-so-far = { $time } (jusqu’ici)
chart-legend-so-far = Jusqu’ici
chart-now = maintenant
chart-times-in = Heures en { $zone }
chart-bar = { $n ->
    [one] { $time } : { $count } signalement
   *[other] { $time } : { $count } signalements
}
chart-bar-normal = normale { $low }–{ $high }
chart-source = Source : { $url }
reports-last-hour-usual = { $n ->
    [one] { $count } signalement au cours de la dernière heure
   *[other] { $count } signalements au cours de la dernière heure
} ({ $high_n ->
    [0] habituellement aucun
   *[other] habituellement { $low }–{ $high }
})

## Phone first, maps and languages (issue 11 §2, §5, §6: phone)
report-not-alone = { $n ->
    [one] Vous n’êtes pas seul : { $count } personne a signalé « { $problem } » au cours des 15 dernières minutes.
   *[other] Vous n’êtes pas seul : { $count } personnes ont signalé « { $problem } » au cours des 15 dernières minutes.
}
report-first = Vous êtes la première personne à signaler « { $problem } » au cours des 15 dernières minutes.
report-help-from = Aide de { $service } :
link-support = Aide et contact
error-invalid-problem = Le signalement n’a pas été accepté : ce type de problème n’existe pas. Utilisez l’un des boutons.
error-invalid-region = Le signalement n’a pas été accepté : cette région n’existe pas. Choisissez-en une dans la liste.
error-invalid-location = Le signalement n’a pas été accepté : la position est inutilisable. La latitude et la longitude doivent être données ensemble, en nombres.
error-invalid-comment = Le signalement n’a pas été accepté : le commentaire dépasse 500 caractères.
country-AT = Autriche
country-DK = Danemark
country-ES = Espagne
country-FI = Finlande
country-IE = Irlande
country-LT = Lituanie
zone-europe-rome = Rome
zone-europe-london = Londres
zone-europe-berlin = Berlin
zone-europe-paris = Paris
zone-europe-oslo = Oslo
zone-america-new-york = New York
zone-utc = UTC
heatmap-by-country = Signalements par pays
heatmap-off-map = * hors de cette carte
heatmap-no-region = Sans région
heatmap-focus-hint = Touchez ou sélectionnez une région pour voir son nombre.

## Journalists (issue 11 §3–4): incident summary, other services, citation, chart files, outage list
summary-ratio = Depuis { $time } : { $ratio } le nombre habituel de signalements
summary-count = { $n ->
    [one] Depuis { $time } : { $count } signalement
   *[other] Depuis { $time } : { $count } signalements
}
summary-problems = , surtout { $problems }
list-and = { $first } et { $last }
others-heading = Autres services en difficulté en ce moment
fact-ended = Fin
outage-closed-unlisted = Close quand downtally a cessé de suivre ce service (retiré du catalogue) ; personne ne l’a vu se rétablir.
peak-ratio = { $ratio } la normale
period-since = depuis le { $start }
citation = downtally, { $subject }, { $period }, { $url }, consulté le { $retrieved }
cite-heading = Citer cette panne
cite-url-label = Lien permanent
cite-text-label = Citation
cite-hint = Sélectionnez le texte pour le copier.
fig-covers = { $from } – { $to } { $zone } ({ $tz }), { $per }
fig-per-slot = { $n ->
    [one] signalements par minute
    [60] signalements par heure
   *[other] signalements par tranche de { $count } minutes
}
fig-download = Télécharger le graphique :
error-no-file = Ce fichier n’existe pas.
outages-zone = Toutes les heures en { $tz }
outages-no-service = Aucun service ne correspond à « { $text } ».
outages-no-country = Aucun pays ne correspond à « { $text } ».

## "Works again for me" (issue 12 §1)
report-works-again = Ça remarche pour moi
works-again-count = { $n ->
    [one] { $count } personne a indiqué dans la dernière heure que ça remarche pour elle.
   *[other] { $count } personnes ont indiqué dans la dernière heure que ça remarche pour elles.
}
works-again-thanks = Merci : tant mieux si { $service } remarche pour vous.
works-again-thanks-not-counted = Merci : vous avez déjà indiqué dans les 15 dernières minutes que { $service } remarche, ce n’est donc pas compté une seconde fois.
works-again-others = { $n ->
    [one] { $count } personne a indiqué dans les 15 dernières minutes que { $service } remarche pour elle.
   *[other] { $count } personnes ont indiqué dans les 15 dernières minutes que { $service } remarche pour elles.
}

# --- Incident groups (issue 12, part 4: shared causes are named) ---
group-rising = Les signalements augmentent en même temps pour { $count } services { $code ->
    [GB] au Royaume-Uni
    [US] aux États-Unis
    [NL] aux Pays-Bas
    [DE] en Allemagne
    [IT] en Italie
    [FR] en France
    [NO] en Norvège
    [ES] en Espagne
    [BE] en Belgique
   *[other] ({ $country })
}, surtout pour { $problem } : probablement un prestataire commun.
group-rose = Les signalements ont augmenté en même temps pour { $count } services { $code ->
    [GB] au Royaume-Uni
    [US] aux États-Unis
    [NL] aux Pays-Bas
    [DE] en Allemagne
    [IT] en Italie
    [FR] en France
    [NO] en Norvège
    [ES] en Espagne
    [BE] en Belgique
   *[other] ({ $country })
}, surtout pour { $problem } : probablement un prestataire commun.
group-members = Services :
group-problem-login = la connexion
group-problem-balance = le solde
group-problem-sms_verification = les codes SMS
group-problem-payments = les virements et paiements
group-problem-card = les paiements par carte
group-problem-mobile_app = l'application
group-problem-website = le site web
group-problem-other = d'autres problèmes

## evidence (issue 12 §6) : pourquoi downtally parle de panne, sur le permalien
why-heading = Pourquoi downtally parle de panne
why-observed = { $minutes ->
        [1] Dans la minute
        [60] Dans l’heure
       *[other] Dans les { $minutes_text } minutes
    } jusqu’à { $time }, { $n ->
        [one] une personne a signalé
       *[other] { $count } personnes ont signalé
    } des problèmes, là où { $expected } sont habituelles (plage normale { $low }–{ $high }).
why-observed-no-normal = { $minutes ->
        [1] Dans la minute
        [60] Dans l’heure
       *[other] Dans les { $minutes_text } minutes
    } jusqu’à { $time }, { $n ->
        [one] une personne a signalé
       *[other] { $count } personnes ont signalé
    } des problèmes ; downtally ne connaît pas encore assez le passé de ce service pour dire combien sont habituelles.
why-ratio = C’est { $ratio } la normale.
why-networks = Dans les { $minutes_text } minutes jusqu’à { $time }, les signalements venaient de { $networks } réseaux, là où environ { $usual } sont habituels.
why-networks-region = Dans les { $minutes_text } minutes jusqu’à { $time }, les signalements de cette région venaient de { $networks } réseaux, là où environ { $usual } y sont habituels.
why-networks-service-wide = Dans les { $minutes_text } minutes jusqu’à { $time }, les signalements de tout le service venaient de { $networks } réseaux. Quand cette panne a été déclarée, downtally pesait l’étendue de tout le service, pas encore celle de la seule région.
why-rule-spike = downtally déclare une panne quand les signalements dépassent autant la normale : un écart de { $deviation } face à un seuil de { $bar }.
why-rule-sustained = downtally déclare une panne quand les signalements restent au-dessus de la normale assez longtemps pour former une hausse durable : un écart de { $deviation } face à un seuil de { $bar }.
why-rule-networks = Il faut aussi des signalements d’au moins { $n ->
        [one] un réseau
       *[other] { $needed } réseaux
    } au-delà de ceux qu’apporte le trafic normal.
why-settings = Réglages du détecteur { $version }.
why-missing = Quand cette panne a été déclarée, downtally ne conservait pas encore les preuves de ses verdicts.

## The API page, /api (issue 13 §2)
api-title = Données ouvertes et API
api-intro = Tout ce que compte downtally est ouvert : les signalements de chaque service par minute, quart d’heure ou heure avec ce qui est normal pour lui, chaque panne avec les éléments qui l’ont établie, en JSON ou en CSV. Ni clé ni inscription ; chaque adresse ci-dessous répond à un navigateur, un tableur ou un script.
api-toc = Sur cette page
api-licence-heading = Licence et citation
api-licence = Les données sont publiées sous la licence Creative Commons Attribution 4.0 : vous pouvez les copier, les publier et les réutiliser, y compris commercialement, à condition de citer downtally.
api-citation = Citez la page ou le permalien d’où viennent les chiffres, par exemple :
api-citation-example = Source : downtally (signalements d’utilisateurs),
api-citation-caveat = Ce sont des signalements d’utilisateurs du service, comptés et comparés à la normale ; le service ne les a pas confirmés. Dites-le en les publiant, et donnez le lien du permalien de la panne : il montre les éléments qui l’établissent et les déclarations du service lui-même.
api-journalists-heading = Télécharger les chiffres d’un graphique
api-journalists = Sous le graphique de chaque page de service se trouve un lien CSV. Pour toute autre période, demandez du CSV à l’API ; un tableur ouvre le fichier tel quel. Les 7 derniers jours, heure par heure :
api-journalists-columns = Chaque ligne est un créneau : son début (UTC, ISO 8601), les signalements comptés, ceux qui étaient attendus et la plage normale (du 10e au 90e centile), et si une panne était déclarée. Ventilé par problème, une ligne par créneau et par problème :
api-journalists-outages = La liste des pannes, les plus récentes d’abord, avec début, fin, pic et permalien :
api-endpoints-heading = Points d’accès
api-endpoints-intro = Chaque point d’accès, ses paramètres et ses réponses sont décrits dans le document OpenAPI 3.1, que lisent les générateurs de clients et les outils d’API :
api-ep-services = Chaque service avec son état actuel (normal, en hausse, en amélioration, panne), depuis quand, et sa panne en cours. Filtres : country, category, status, et q pour un nom.
api-ep-service = Un service : ses liens, son état actuel, sa panne en cours, et les problèmes signalés pendant l’incident en cours et les dernières 24 heures.
api-ep-series = Signalements par créneau (step 1m, 15m ou 1h) avec la normale de chaque créneau et l’indication d’une panne en cours ; from et to, ou window (comme 24h ou 8w) ; by=problem ou by=region ventile ; format=csv pour un tableur.
api-ep-outages = Les pannes, les plus récentes d’abord, filtrées par service, pays, région, période et état (open ou resolved). Pages de 200 au plus : suivez le lien next pour continuer.
api-ep-outage = Une panne : début, fin, pic, rapport à la normale, problèmes, régions, déclarations du service, éléments qui l’ont établie et son groupe d’incidents.
api-ep-report = Signaler un problème, comme le font les boutons d’une page de service. Un signalement par personne et par service compte en 15 minutes.
api-feeds-heading = Flux, badges, intégrations et pages d’état
api-ep-atom = Flux Atom des pannes, partout ou dans un pays, et d’un service : une entrée quand une panne est déclarée, mise à jour quand elle se termine.
api-ep-badge = Une petite image avec le nom et l’état du service, pour une page web ou un README ; elle suit l’état à la minute près.
api-ep-oembed = oEmbed : les outils de publication qui le lisent transforment un lien collé vers une page de service, une panne ou une intégration en intégration vivante.
api-ep-statuspage = La vue des utilisateurs sur un service au format de l’API publique d’Atlassian Statuspage, pour que les tableaux de bord qui lisent des pages d’état lisent downtally sans nouveau code. Correspondance des états :
api-statuspage-caption = États downtally en indicateurs Statuspage
api-statuspage-ours = downtally
api-statuspage-critical = downtally n’annonce jamais critical : c’est au service de le dire de lui-même. Les pannes en cours figurent comme incidents, avec les déclarations du service parmi leurs mises à jour.
api-webhooks-heading = Webhooks
api-webhooks-intro = Abonnez une URL aux pannes d’un service ou d’un pays (outage.started, outage.updated, outage.resolved). La réponse contient, une seule fois, l’identifiant de l’abonnement et son secret : conservez le secret.
api-webhooks-confirm = Rien n’est envoyé avant la confirmation de l’abonnement : downtally envoie d’abord à votre URL un défi (un corps JSON avec un champ challenge), qu’elle confirme en répondant 2xx avec cette valeur, en texte ou sous la forme {"{"}"challenge": …{"}"}. Seules les adresses https de l’internet public sont acceptées ; les redirections ne sont pas suivies.
api-webhooks-slack = Pour Slack et les messageries compatibles, choisissez le format slack : le premier message contient un code, à confirmer avec le secret de l’abonnement :
api-webhooks-verify = Chaque envoi est signé : l’en-tête Downtally-Signature porte t (l’heure, en secondes Unix) et v1, un HMAC-SHA256 calculé avec votre secret sur l’heure, un point et le corps. Vérifiez-le avant de vous fier à un envoi, et ignorez ceux que vous avez déjà reçus (l’en-tête Downtally-Delivery identifie chacun) :
api-webhooks-retries = Un envoi qui échoue (pas de réponse à temps, ou un état autre que 2xx) est retenté, de moins en moins souvent, pendant 24 heures au plus ; ensuite l’abonnement est désactivé et la raison conservée.
api-webhooks-unsubscribe = Pour vous désabonner, supprimez-le avec son secret :
api-limits-heading = Limites et cache
api-limits-cache = Les réponses peuvent être mises en cache : elles portent ETag et Cache-Control, et une requête avec If-None-Match reçoit un 304 vide si rien n’a changé. Tout site peut appeler l’API depuis un navigateur (Access-Control-Allow-Origin: *).
api-limits-retention = Les comptes par minute sont conservés { $hours } heures, par heure { $weeks } semaines ; les pannes le sont pour de bon.
api-errors-heading = Erreurs
api-errors-intro = Les erreurs sont des documents de problème (RFC 9457, application/problem+json) en anglais : type nomme le genre d’erreur et ne change pas, detail dit ce qui n’allait pas dans la requête.
api-versions-heading = Versions et obsolescence
api-versions = Voici la version 1. Elle garde ses champs et leur sens : de nouveaux champs et points d’accès peuvent s’ajouter, ignorez donc ce que vous ne connaissez pas. Un changement qui casserait des clients vient dans une nouvelle version (/api/v2), annoncée ici ; la version 1 continue alors de répondre au moins 12 mois, et ses réponses portent les en-têtes Deprecation et Sunset avec la date de son arrêt.

# Atom feeds, badges and oEmbed (web/pages/feeds.rs, web/badge.rs, web/oembed.rs)
feed-title-all = downtally : pannes
feed-title-country = downtally : pannes en { $country }
feed-title-service = downtally : pannes de { $service }
feed-entry-resolved = Panne de { $service } (résolue)
feed-entry-closed = Panne de { $service } (close : plus suivie)
feed-link = Les pannes en flux Atom
feed-statements = Déclarations officielles
oembed-title = { $service } sur downtally
api-limits-budget = Les réponses venant du cache du serveur et les 304 ne sont jamais limitées. Les autres requêtes coûtent une unité du budget de leur réseau : { $per_minute } par minute, { $burst } d’un coup, par /24 IPv4 ou /48 IPv6 ; au-delà, la réponse est 429 avec Retry-After. Les flux, badges et pages d’état n’ont pas de budget.
api-limits-points = Une réponse de série contient au plus { $points } points (créneaux multipliés par séries) ; une requête plus grande est refusée avec 422 : réduisez la période ou prenez un step plus long.
api-errors-caption = Types d’erreurs
api-errors-meaning = Signification
api-problem-bad-request = La requête est illisible : chaîne de requête, chemin ou corps JSON mal formé.
api-problem-unauthorized = La requête n’a pas les identifiants nécessaires (le secret d’un abonnement).
api-problem-forbidden = La requête a été refusée, par exemple un formulaire envoyé depuis un autre site.
api-problem-not-found = Point d’accès, service, panne ou signalement inexistant.
api-problem-method-not-allowed = Le chemin existe mais ne répond pas à cette méthode ; l’en-tête Allow indique celles qu’il accepte.
api-problem-request-timeout = Le corps de la requête n’est pas arrivé à temps.
api-problem-payload-too-large = Le corps de la requête dépasse 8 Kio.
api-problem-unsupported-media-type = Le corps de la requête n’est pas du JSON (Content-Type: application/json).
api-problem-unprocessable = Un paramètre ou un champ est bien formé mais invalide ; detail le nomme.
api-problem-too-many-requests = Ce réseau a épuisé son budget pour l’instant ; réessayez après Retry-After secondes.
api-problem-unavailable = Un stockage est momentanément indisponible ; réessayez.
api-problem-gone = Le service n’est plus suivi (retiré du catalogue) ; ses pannes restent consultables.
api-problem-internal = Une défaillance de notre côté, journalisée ; la requête pourra être retentée plus tard.
