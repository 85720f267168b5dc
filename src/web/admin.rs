//! The admin area, `/admin`: only when `DOWNTALLY_ADMIN_TOKENS` is set (else every path of it
//! answers 404). A token opens it as `Authorization: Bearer TOKEN` on each request, or once through
//! the login form, which sets a session cookie (signed, never the token; `HttpOnly`,
//! `SameSite=Strict`, `Secure` behind https; see `crate::admin`). Failed logins are counted per
//! network: past [`LOGIN_FAILURES`] in [`LOGIN_WINDOW_SECONDS`] the network is refused (429) before
//! any token is compared. An admin lists flagged and hidden comments, hides or restores comments,
//! and attaches official statements to outages; every action is recorded in `admin_actions` with
//! the token's label.
//!
//! Admin forms change state with a cookie that browsers send only from downtally's own pages
//! (`SameSite=Strict`), and a bearer header no other site can set; and like every form they are
//! refused when another site's page sent them (`web/guard.rs`), the login form included.

use super::AppState;
use super::errors::{Kind, PageError};
use super::i18n::Locale;
use super::pages::read_form;
use super::request::client_ip;
use super::view::html;
use crate::admin::{AdminTokens, SESSION_SECONDS};
use crate::clock::rfc3339;
use crate::comments::{CommentId, StoredComment};
use crate::domain::clean_text;
use crate::i18n::Lang;
use crate::privacy::network_key;
use crate::store::{AdminAction, Statement};
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, HttpResponseBuilder, web};
use askama::Template;
use serde::Deserialize;

/// The session cookie (sent to `/admin` paths only).
pub const SESSION_COOKIE: &str = "dt_admin";
/// Failed logins (form or bearer) one network may make…
pub const LOGIN_FAILURES: i64 = 10;
/// …in this many seconds, before it is refused without a look at what it sends.
pub const LOGIN_WINDOW_SECONDS: i64 = 15 * 60;
/// Longest statement text, and link.
pub const MAX_STATEMENT_CHARS: usize = 1_000;
const MAX_LINK_CHARS: usize = 500;
/// Rows in each list of the admin page.
const LIST: i64 = 50;

/// Who is asking: the label of the token they hold, or nobody yet.
enum Admin {
    Label(String),
    Nobody,
}

/// The configured tokens, or the 404 page: without tokens there is no admin area.
fn tokens<'a>(state: &'a AppState, req: &HttpRequest) -> Result<&'a AdminTokens, PageError> {
    state
        .admin
        .as_ref()
        .ok_or_else(|| PageError::unrouted(Kind::NotFound, Locale::of(req).lang))
}

fn no_store(res: &mut HttpResponseBuilder) {
    res.insert_header((header::CACHE_CONTROL, "no-store"));
}

/// The failed logins of the request's network: 429 once it has used them up.
async fn refuse_guessing(state: &AppState, req: &HttpRequest, lang: Lang) -> Result<(), PageError> {
    let now = state.clock.now();
    let network = network_of(state, req).await?;
    let failures = state
        .db
        .login_failures_since(&network, now - LOGIN_WINDOW_SECONDS)
        .await?;
    if failures >= LOGIN_FAILURES {
        let mut page = PageError::new(
            Kind::TooManyRequests,
            lang.t1(
                "admin-too-many-failures",
                "seconds",
                &LOGIN_WINDOW_SECONDS.to_string(),
            ),
        )
        .with_back("/admin")
        .in_lang(lang);
        page.inner.retry_after = Some(LOGIN_WINDOW_SECONDS as u64);
        return Err(page);
    }
    Ok(())
}

async fn network_of(
    state: &AppState,
    req: &HttpRequest,
) -> Result<crate::domain::NetworkKey, PageError> {
    let salt = state.intake.salts().for_time(state.clock.now()).await?;
    Ok(network_key(&salt, client_ip(req, &state.trusted_proxies)))
}

/// A failed login: counted against the network, answered 401.
async fn failed(state: &AppState, req: &HttpRequest, lang: Lang) -> PageError {
    match network_of(state, req).await {
        Ok(network) => {
            if let Err(e) = state
                .db
                .record_login_failure(&network, state.clock.now())
                .await
            {
                return PageError::internal(e, lang);
            }
        }
        Err(e) => return e,
    }
    refusal(Kind::Unauthorized, "admin-wrong-token", lang)
}

/// Who the request is from: a bearer token (checked now; a wrong one is a failed login), else the
/// session cookie, else nobody.
async fn who(state: &AppState, req: &HttpRequest, lang: Lang) -> Result<Admin, PageError> {
    let tokens = tokens(state, req)?;
    if let Some(auth) = req.headers().get(header::AUTHORIZATION) {
        refuse_guessing(state, req, lang).await?;
        let presented = auth
            .to_str()
            .ok()
            .and_then(|a| a.strip_prefix("Bearer "))
            .map(str::trim);
        return match presented.and_then(|t| tokens.label_of(t)) {
            Some(label) => Ok(Admin::Label(label.to_owned())),
            None => Err(failed(state, req, lang).await),
        };
    }
    let now = state.clock.now();
    Ok(req
        .cookie(SESSION_COOKIE)
        .and_then(|c| tokens.session_label(c.value(), now).map(str::to_owned))
        .map_or(Admin::Nobody, Admin::Label))
}

/// The label of the admin asking, or 401 (the page offers the login form).
async fn required(state: &AppState, req: &HttpRequest, lang: Lang) -> Result<String, PageError> {
    match who(state, req, lang).await? {
        Admin::Label(label) => Ok(label),
        Admin::Nobody => Err(refusal(Kind::Unauthorized, "admin-login-first", lang)),
    }
}

/// An admin's form: who sent it (401 unless an admin) and what it says.
async fn admin_form<T: serde::de::DeserializeOwned>(
    state: &AppState,
    req: &HttpRequest,
    payload: web::Payload,
    lang: Lang,
) -> Result<(String, T), PageError> {
    let label = required(state, req, lang).await?;
    let form = read_form(req, payload, lang, "/admin", || ()).await?;
    Ok((label, form))
}

/// A refusal on the admin page: `kind` and the text of `key`, with a way back.
fn refusal(kind: Kind, key: &str, lang: Lang) -> PageError {
    PageError::new(kind, lang.t(key))
        .with_back("/admin")
        .in_lang(lang)
}

/// `dt_admin=…` for a session (or, with `None`, the cookie's removal); `Secure` when the public
/// URL is https.
fn session_cookie(public_url: &str, value: Option<&str>) -> String {
    let secure = if public_url.starts_with("https://") {
        "; Secure"
    } else {
        ""
    };
    let (value, age) = value.map_or(("", 0), |v| (v, SESSION_SECONDS));
    format!(
        "{SESSION_COOKIE}={value}; Path=/admin; Max-Age={age}; HttpOnly; SameSite=Strict{secure}"
    )
}

/// Back to the admin page after a form, saying what was done.
fn back_to_admin(done: &str) -> HttpResponse {
    let mut res = HttpResponse::SeeOther();
    no_store(&mut res);
    res.insert_header((header::LOCATION, format!("/admin?done={done}")))
        .finish()
}

/// A comment as the admin page lists it.
struct AdminComment {
    id: String,
    service: String,
    when: String,
    name: String,
    body: String,
    flags: i64,
    hidden: bool,
}

impl AdminComment {
    fn new(c: &StoredComment) -> Self {
        Self {
            id: c.id.to_string(),
            service: c.service.to_string(),
            when: rfc3339(c.created_at),
            name: c.name.clone().unwrap_or_default(),
            body: c.body.clone(),
            flags: c.flags,
            hidden: c.hidden_at.is_some(),
        }
    }
}

struct AdminOutage {
    id: i64,
    subject: String,
    start: String,
    ongoing: bool,
}

struct ActionRow {
    when: String,
    label: String,
    action: String,
    target: String,
    detail: String,
}

#[derive(Template)]
#[template(path = "admin.html")]
struct AdminPage {
    i: Lang,
    demo: bool,
    /// Signed in as; `None` shows the login form.
    label: Option<String>,
    notice: Option<String>,
    flagged: Vec<AdminComment>,
    hidden: Vec<AdminComment>,
    outages: Vec<AdminOutage>,
    actions: Vec<ActionRow>,
}

#[derive(Deserialize)]
pub(super) struct AdminQuery {
    done: Option<String>,
}

pub(super) async fn admin_page(
    state: web::Data<AppState>,
    req: HttpRequest,
    query: web::Query<AdminQuery>,
    loc: Locale,
) -> Result<HttpResponse, PageError> {
    let lang = loc.lang;
    let admin = who(&state, &req, lang).await?;
    let mut page = AdminPage {
        i: lang,
        demo: state.demo,
        label: None,
        notice: None,
        flagged: Vec::new(),
        hidden: Vec::new(),
        outages: Vec::new(),
        actions: Vec::new(),
    };
    if let Admin::Label(label) = admin {
        let internal = |e| PageError::internal(e, lang);
        page.notice = query
            .done
            .as_deref()
            .filter(|d| ["hidden", "restored", "statement", "login"].contains(d))
            .map(|d| lang.t(&format!("admin-done-{d}")));
        let rows = |list: Vec<StoredComment>| list.iter().map(AdminComment::new).collect();
        page.flagged = rows(state.db.flagged_comments(LIST).await.map_err(internal)?);
        page.hidden = rows(state.db.hidden_comments(LIST).await.map_err(internal)?);
        page.outages = state
            .db
            .latest_outages(None, None, 20)
            .await
            .map_err(internal)?
            .iter()
            .map(|o| AdminOutage {
                id: o.id,
                subject: match &o.record.region {
                    Some(r) => format!("{} ({r})", o.record.service),
                    None => o.record.service.to_string(),
                },
                start: rfc3339(o.record.started_at),
                ongoing: o.record.ended_at.is_none(),
            })
            .collect();
        page.actions = state
            .db
            .admin_actions(LIST)
            .await
            .map_err(internal)?
            .into_iter()
            .map(|a| ActionRow {
                when: rfc3339(a.created_at),
                label: a.label,
                action: a.action,
                target: a.target,
                detail: a.detail,
            })
            .collect();
        page.label = Some(label);
    }
    let body = html(&page, lang)?;
    let mut res = HttpResponse::Ok();
    no_store(&mut res);
    loc.headers(&mut res);
    Ok(res.content_type(super::view::HTML).body(body))
}

#[derive(Deserialize)]
struct LoginForm {
    #[serde(default)]
    token: String,
}

pub(super) async fn login(
    state: web::Data<AppState>,
    req: HttpRequest,
    payload: web::Payload,
    loc: Locale,
) -> Result<HttpResponse, PageError> {
    let lang = loc.lang;
    let tokens = tokens(&state, &req)?;
    refuse_guessing(&state, &req, lang).await?;
    let form: LoginForm = read_form(&req, payload, lang, "/admin", || ()).await?;
    let Some(label) = tokens.label_of(form.token.trim()) else {
        return Err(failed(&state, &req, lang).await);
    };
    let now = state.clock.now();
    let session = tokens
        .session(label, now)
        .expect("a label of these tokens has a session");
    state
        .db
        .record_admin_action(&AdminAction {
            label: label.to_owned(),
            action: "login".into(),
            target: String::new(),
            detail: String::new(),
            created_at: now,
        })
        .await?;
    let mut res = back_to_admin("login");
    res.headers_mut().append(
        header::SET_COOKIE,
        header::HeaderValue::from_str(&session_cookie(&state.public_url, Some(&session)))
            .expect("labels and hex are header text"),
    );
    Ok(res)
}

pub(super) async fn logout(
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, PageError> {
    tokens(&state, &req)?;
    let mut res = HttpResponse::SeeOther();
    no_store(&mut res);
    Ok(res
        .insert_header((header::LOCATION, "/admin"))
        .insert_header((header::SET_COOKIE, session_cookie(&state.public_url, None)))
        .finish())
}

#[derive(Deserialize)]
struct ModerateForm {
    #[serde(default)]
    comment: String,
    #[serde(default)]
    action: String,
}

/// Hides a comment (with those that say the same: they are shown as one), or shows it again.
pub(super) async fn moderate_comment(
    state: web::Data<AppState>,
    req: HttpRequest,
    payload: web::Payload,
    loc: Locale,
) -> Result<HttpResponse, PageError> {
    let lang = loc.lang;
    let (label, form): (String, ModerateForm) = admin_form(&state, &req, payload, lang).await?;
    let unprocessable = |key: &str| refusal(Kind::Unprocessable, key, lang);
    let hide = match form.action.as_str() {
        "hide" => true,
        "restore" => false,
        _ => return Err(unprocessable("admin-bad-action")),
    };
    let id =
        CommentId::parse(form.comment.trim()).ok_or_else(|| unprocessable("admin-bad-comment"))?;
    let Some((service, _)) = state
        .comments
        .moderate(id, hide, &label)
        .await
        .map_err(|e| PageError::internal(e, lang))?
    else {
        return Err(refusal(Kind::NotFound, "admin-no-comment", lang));
    };
    state.pages.generations.bump(service.as_str());
    Ok(back_to_admin(if hide { "hidden" } else { "restored" }))
}

#[derive(Deserialize)]
struct StatementForm {
    #[serde(default)]
    outage: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    link: String,
    /// When the service said it: RFC 3339, or `YYYY-MM-DDTHH:MM` in UTC (a `datetime-local`
    /// field); empty for now.
    #[serde(default)]
    at: String,
}

/// A link a statement may carry: `http(s)://`, without spaces, quotes or angle brackets.
fn statement_link(text: &str) -> Result<Option<String>, ()> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let lower = text.to_ascii_lowercase();
    let ok = (lower.starts_with("https://") || lower.starts_with("http://"))
        && text.len() > "https://".len()
        && text.chars().count() <= MAX_LINK_CHARS
        && !text
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '"' | '\'' | '<' | '>'));
    if ok {
        Ok(Some(text.to_owned()))
    } else {
        Err(())
    }
}

/// When a statement was made: RFC 3339, or a `datetime-local` value read as UTC.
fn statement_time(text: &str, now: i64) -> Result<i64, ()> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(now);
    }
    if let Ok(t) = chrono::DateTime::parse_from_rfc3339(text) {
        return Ok(t.timestamp());
    }
    chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M")
        .map(|t| t.and_utc().timestamp())
        .map_err(|_| ())
}

pub(super) async fn add_statement(
    state: web::Data<AppState>,
    req: HttpRequest,
    payload: web::Payload,
    loc: Locale,
) -> Result<HttpResponse, PageError> {
    let lang = loc.lang;
    let (label, form): (String, StatementForm) = admin_form(&state, &req, payload, lang).await?;
    let unprocessable = |key: &str| refusal(Kind::Unprocessable, key, lang);
    let body = clean_text(&form.body).trim().to_owned();
    if body.is_empty() || body.chars().count() > MAX_STATEMENT_CHARS {
        return Err(unprocessable("admin-bad-statement"));
    }
    let link = statement_link(&form.link).map_err(|_| unprocessable("admin-bad-link"))?;
    let now = state.clock.now();
    let stated_at = statement_time(&form.at, now).map_err(|_| unprocessable("admin-bad-time"))?;
    let outage = match form.outage.trim().parse::<i64>() {
        Ok(id) => state.db.outage(id).await?,
        Err(_) => None,
    };
    let Some(outage) = outage else {
        return Err(refusal(Kind::NotFound, "error-no-outage", lang));
    };
    state
        .db
        .insert_statement(
            &Statement {
                id: 0,
                added_at: 0,
                outage_id: outage.id,
                body,
                link,
                stated_at,
                label,
            },
            now,
        )
        .await?;
    state.pages.generations.bump(outage.record.service.as_str());
    // Subscribers hear the service's words (a queued row; nothing waits for them).
    state
        .webhooks
        .outage_event(
            crate::webhooks::EventKind::Updated,
            outage.id,
            &outage.record.service,
            outage.record.region.as_ref(),
            Some(crate::webhooks::UpdateReason::Statement),
        )
        .await;
    Ok(back_to_admin("statement"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_session_cookie_is_http_only_strict_and_secure_behind_https() {
        let c = session_cookie("https://downtally.example", Some("ops.1.ab"));
        assert_eq!(
            c,
            "dt_admin=ops.1.ab; Path=/admin; Max-Age=43200; HttpOnly; SameSite=Strict; Secure"
        );
        let c = session_cookie("http://127.0.0.1:8080", None);
        assert_eq!(
            c,
            "dt_admin=; Path=/admin; Max-Age=0; HttpOnly; SameSite=Strict"
        );
    }

    #[test]
    fn statement_links_are_plain_web_addresses() {
        assert_eq!(statement_link(" "), Ok(None));
        assert_eq!(
            statement_link(" https://status.example/incidents/42 "),
            Ok(Some("https://status.example/incidents/42".into()))
        );
        for bad in [
            "javascript:alert(1)",
            "ftp://x.example",
            "https://",
            "https://a b",
            "https://x\"onmouseover=",
            "//x.example",
        ] {
            assert_eq!(statement_link(bad), Err(()), "{bad}");
        }
        assert!(statement_link(&format!("https://x.example/{}", "a".repeat(500))).is_err());
    }

    #[test]
    fn statement_times_are_rfc3339_or_a_local_field_in_utc() {
        assert_eq!(statement_time("", 7), Ok(7));
        assert_eq!(statement_time("2024-09-26T10:00:00Z", 7), Ok(1_727_344_800));
        assert_eq!(
            statement_time("2024-09-26T12:00:00+02:00", 7),
            Ok(1_727_344_800)
        );
        assert_eq!(statement_time("2024-09-26T10:00", 7), Ok(1_727_344_800));
        assert_eq!(statement_time("yesterday", 7), Err(()));
    }
}
