//! The privacy page, `/privacy`: what is stored (reporter and network keys, rounded locations,
//! comments), for how long, which cookies, and what one network can and cannot do to the numbers.
//! The figures come from where they are decided, so the page cannot drift from the code.

use super::cached_page;
use crate::comments;
use crate::counts::{NetworkBound, RateLimit, Resolution};
use crate::detect::DetectorConfig;
use crate::i18n::{Arg, Lang};
use crate::web::AppState;
use crate::web::errors::PageError;
use crate::web::i18n::Locale;
use crate::web::view::html;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

#[derive(Template)]
#[template(path = "privacy.html")]
struct PrivacyPage {
    i: Lang,
    demo: bool,
    /// Texts with figures in them, ready in the page's language.
    bound: String,
    breadth: String,
    rate: String,
    comment_limits: String,
    flags: String,
    retention: String,
}

pub(in crate::web) async fn privacy_page(
    state: web::Data<AppState>,
    req: HttpRequest,
    loc: Locale,
) -> Result<HttpResponse, PageError> {
    cached_page(&state, &req, loc, None, privacy_html(&state, loc.lang)).await
}

async fn privacy_html(state: &AppState, lang: Lang) -> Result<String, PageError> {
    let bound = NetworkBound::default();
    let int = |n: u64| Arg::from(lang.integer(n));
    let hours = |r: Resolution| (r.retention() / 3600) as u64;
    html(
        &PrivacyPage {
            i: lang,
            demo: state.demo,
            bound: lang.ta(
                "privacy-network-bound",
                &[
                    ("base", int(bound.base.into())),
                    (
                        "share",
                        Arg::from(lang.percent((bound.share * 100.0).round() as u64)),
                    ),
                    ("minutes", int((bound.window / 60) as u64)),
                ],
            ),
            breadth: lang.ta(
                "privacy-network-breadth",
                &[(
                    "networks",
                    int(DetectorConfig::default().min_networks.round() as u64),
                )],
            ),
            rate: lang.ta(
                "privacy-network-rate",
                &[("rate", int(RateLimit::default().per_minute.round() as u64))],
            ),
            comment_limits: lang.ta(
                "privacy-network-comments",
                &[
                    ("visitor", int(comments::RATE_LIMIT as u64)),
                    ("network", int(comments::NETWORK_LIMIT as u64)),
                    ("minutes", int((comments::RATE_WINDOW_SECONDS / 60) as u64)),
                ],
            ),
            flags: lang.ta(
                "privacy-network-flags",
                &[("flags", int(comments::FLAGS_TO_COLLAPSE as u64))],
            ),
            retention: lang.ta(
                "privacy-retention",
                &[
                    ("hours", int(hours(Resolution::Minute))),
                    ("weeks", int(hours(Resolution::Hour) / (7 * 24))),
                    ("days", int(state.retention_days.into())),
                ],
            ),
        },
        lang,
    )
}
