//! A reader flags a comment (a small form beside each one, no body): once per network, so that one
//! household cannot flag alone what several networks must; back to the comments, thanked.
//! Like every form, it is refused when another site's page sent it (`web/guard.rs`), so a page
//! elsewhere cannot make its visitors' browsers flag from many networks.

use crate::comments::CommentId;
use crate::web::AppState;
use crate::web::errors::{Kind, PageError};
use crate::web::i18n::Locale;
use crate::web::request::origin;
use crate::web::view::find_service;
use actix_web::{HttpRequest, HttpResponse, web};

pub(in crate::web) async fn flag_form(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<(String, String)>,
    loc: Locale,
) -> Result<HttpResponse, PageError> {
    let lang = loc.lang;
    let (slug, id) = path.into_inner();
    let back = format!("/s/{slug}#comments");
    let service = &find_service(&state, &slug, lang)?.slug;
    let missing = || {
        PageError::new(Kind::NotFound, lang.t("error-no-comment"))
            .with_back(back.clone())
            .in_lang(lang)
    };
    let id = CommentId::parse(&id).ok_or_else(missing)?;
    let origin = origin(&req, &state.trusted_proxies);
    match state.comments.flag(service, id, &origin).await {
        Ok(()) => {
            state.pages.generations.bump(service.as_str());
            Ok(HttpResponse::SeeOther()
                .insert_header((
                    "Location",
                    format!("/s/{}?flagged=1#comments", service.as_str()),
                ))
                .finish())
        }
        Err(e) => Err(PageError::comment(&e, lang).with_back(back)),
    }
}
