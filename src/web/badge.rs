//! `GET /badge/{slug}.svg`: a service's status as a shields.io-style badge (drawn by
//! `crate::badge`), its status label in the language of `?lang=` (English otherwise), for READMEs,
//! intranets and status walls: hot-linkable and framable by any site, `public, max-age=60` with an
//! ETag, from the page cache (see `public.rs`). An unknown service answers 404 with a grey badge
//! saying so (an `<img>` shows it rather than a broken image), not cached.

use super::AppState;
use super::page_cache::PageKey;
use super::public::{self, SVG};
use crate::detect::Status;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use std::convert::Infallible;

pub(super) async fn badge(
    state: web::Data<AppState>,
    slug: web::Path<String>,
    req: HttpRequest,
) -> HttpResponse {
    let lang = public::query_lang(&req);
    let Some(service) = state.catalog.get(&slug) else {
        let gone = state.catalog.removed(&slug).is_some();
        let mut res = if gone {
            HttpResponse::Gone()
        } else {
            HttpResponse::NotFound()
        };
        return res
            .content_type(SVG)
            .insert_header((header::CACHE_CONTROL, "no-store"))
            .insert_header((header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"))
            .insert_header(("Cross-Origin-Resource-Policy", "cross-origin"))
            .body(crate::badge::badge(
                "downtally",
                &lang.t(if gone {
                    "badge-removed"
                } else {
                    "error-no-service"
                }),
                Status::Unknown,
            ));
    };
    let key = PageKey::Badge {
        slug: service.slug.clone(),
        lang,
    };
    let build = async {
        let status = state.board.get(&service.slug).status;
        Ok::<_, Infallible>(crate::badge::badge(
            &service.name,
            &lang.t(status.label_id()),
            status,
        ))
    };
    match public::cached(&state, &req, key, 0, SVG, true, build).await {
        Ok(res) => res,
        Err(never) => match never {},
    }
}
