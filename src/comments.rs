//! Public comments on a service page.
//!
//! Posting: validated (not empty, not only links; bidirectional controls removed by the domain
//! types), then limited three ways: a token from the network's write budget (the one reports use),
//! three comments per visitor and twenty per network per service in 10 minutes.
//! Reading: newest first in pages of 10, comments left with a report among them when the report
//! counted; identical texts (case and spacing aside) folded into one, "+N said the same"; comments
//! flagged from several networks collapsed behind a click (never removed: an admin decides); hidden
//! ones left out. Text is shown as plain text: links are not made clickable.

use crate::clock::Clock;
use crate::counts::{Counts, RateLimit};
use crate::domain::{Comment, CommenterName, ServiceSlug, is_bidi_control};
use crate::intake::Origin;
use crate::privacy::{Salts, network_key, reporter_key};
use crate::store::{AdminAction, CommentLimits, Db, NewComment, Posted, StoreError};
pub use crate::store::{CommentId, Source, StoredComment};
use std::collections::HashMap;

/// Comments per page.
pub const PAGE_SIZE: i64 = 10;
/// Pages a reader may go back (older comments stay in SQL, and in the data export).
pub const MAX_PAGES: i64 = 50;
/// One visitor (the reporter key: network, browser, service, day) may post this many comments…
pub const RATE_LIMIT: i64 = 3;
/// …in this many seconds.
pub const RATE_WINDOW_SECONDS: i64 = 10 * 60;
/// One network (IPv4 /24, IPv6 /48) may post this many comments on a service in the same window,
/// whatever browsers it claims: a new User-Agent is a new visitor, not a new network. Enough for a
/// carrier's NAT in the middle of an outage, not for a flood.
pub const NETWORK_LIMIT: i64 = 20;
/// A comment flagged from this many distinct networks is collapsed behind a click.
pub const FLAGS_TO_COLLAPSE: i64 = 3;
/// Folding and paging look at this many of a service's newest comments.
const FOLD_WINDOW: i64 = 2 * MAX_PAGES * PAGE_SIZE;

#[derive(Debug, thiserror::Error)]
pub enum CommentError {
    #[error("the comment is empty")]
    Empty,
    #[error(transparent)]
    TooLong(#[from] crate::domain::CommentTooLong),
    #[error(transparent)]
    NameTooLong(#[from] crate::domain::NameTooLong),
    #[error("the comment is only a link")]
    LinkOnly,
    #[error("too many comments from this visitor; try again in a few minutes")]
    TooMany,
    #[error("too many comments from this network; try again in a few minutes")]
    NetworkBusy,
    /// The network has used up its write budget (shared with reports, see `counts::RateLimit`).
    #[error("too many requests from this network; try again in {retry_after} seconds")]
    RateLimited { retry_after: u64 },
    #[error("there is no such comment")]
    NoSuchComment,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A comment as a page shows it: one text, with how many others said the same.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShownComment {
    /// The newest of the identical ones (what a flag applies to).
    pub id: CommentId,
    pub created_at: i64,
    pub name: Option<String>,
    pub body: String,
    /// The problem kind when the comment came with a report.
    pub problem: Option<String>,
    /// How many older comments said the same.
    pub same: usize,
    /// Flagged from [`FLAGS_TO_COLLAPSE`] networks or more: shown behind a click.
    pub collapsed: bool,
}

/// One page of comments, and whether older ones follow.
pub struct CommentPage {
    pub comments: Vec<ShownComment>,
    pub more: bool,
}

/// Text as it is compared for folding: lower case, runs of white space as one space.
pub fn fold_key(text: &str) -> String {
    text.split_whitespace()
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

/// True when a word is a web address or an e-mail address: a scheme (`https://`), `www.`, or a
/// host name (`name.tld`, the last label letters only) with or without a path.
fn is_link(word: &str) -> bool {
    let w = word.to_lowercase();
    if w.contains("://") || w.starts_with("www.") || w.starts_with("mailto:") {
        return true;
    }
    let host = w.split(['/', '?', '#']).next().unwrap_or("");
    let host = host.rsplit_once('@').map_or(host, |(_, h)| h);
    let host = host.split(':').next().unwrap_or("");
    let labels: Vec<&str> = host.split('.').collect();
    labels.len() >= 2
        && labels
            .iter()
            .all(|l| !l.is_empty() && l.chars().all(|c| c.is_alphanumeric() || c == '-'))
        && labels
            .last()
            .is_some_and(|tld| tld.chars().count() >= 2 && tld.chars().all(char::is_alphabetic))
}

/// True when a text has links and nothing else to say (no other word with a letter or digit):
/// such comments are refused.
pub fn is_link_only(text: &str) -> bool {
    let mut links = 0;
    for word in text.split_whitespace() {
        let word = word.trim_matches(|c: char| !(c.is_alphanumeric() || c == '/'));
        if word.is_empty() {
            continue;
        }
        if is_link(word) {
            links += 1;
        } else if word.chars().any(char::is_alphanumeric) {
            return false;
        }
    }
    links > 0
}

/// Text stored before bidirectional controls were removed on the way in, without them.
fn without_bidi(text: String) -> String {
    if text.chars().any(is_bidi_control) {
        text.chars().filter(|&c| !is_bidi_control(c)).collect()
    } else {
        text
    }
}

/// Whether the comment of a counted report is shown: not when it is only links (the comment form
/// refuses those). Retention moves only such comments into `comments` when it deletes their reports.
pub fn shown_with_report(body: &str) -> bool {
    !is_link_only(&without_bidi(body.to_owned()))
}

/// Folds a service's comments (newest first) into what a page shows: identical texts become the
/// newest of them with a count of the others, collapsed when any of them was flagged enough.
/// Comments left with a report that are only links are left out (see [`shown_with_report`]).
pub fn fold(comments: Vec<StoredComment>) -> Vec<ShownComment> {
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut out: Vec<ShownComment> = Vec::new();
    for c in comments {
        if c.id.source == Source::Report && !shown_with_report(&c.body) {
            continue;
        }
        let body = without_bidi(c.body);
        let collapsed = c.flags >= FLAGS_TO_COLLAPSE;
        let key = fold_key(&body);
        match seen.get(&key) {
            Some(&i) => {
                out[i].same += 1;
                out[i].collapsed |= collapsed;
            }
            None => {
                seen.insert(key, out.len());
                out.push(ShownComment {
                    id: c.id,
                    created_at: c.created_at,
                    name: c.name.map(without_bidi),
                    body,
                    problem: c.problem,
                    same: 0,
                    collapsed,
                });
            }
        }
    }
    out
}

#[derive(Clone)]
pub struct Comments {
    db: Db,
    salts: Salts,
    clock: Clock,
    counts: Counts,
    /// The write budget per network (the intake's: comments and reports draw from one bucket).
    rate: RateLimit,
}

impl Comments {
    /// `salts`: the intake's, so that a visitor has one key per service and day; `counts` and
    /// `rate`: the intake's too, so that comments take from the same per-network budget as reports.
    pub fn new(db: Db, salts: Salts, clock: Clock, counts: Counts, rate: RateLimit) -> Self {
        Self {
            db,
            salts,
            clock,
            counts,
            rate,
        }
    }

    /// Stores a comment on `service` (a slug the caller checked), returning its id.
    pub async fn post(
        &self,
        service: &ServiceSlug,
        name: &str,
        body: &str,
        origin: &Origin,
    ) -> Result<i64, CommentError> {
        let body = Comment::parse(body)?.ok_or(CommentError::Empty)?;
        if is_link_only(body.as_str()) {
            return Err(CommentError::LinkOnly);
        }
        let name = CommenterName::parse(name)?;
        let now = self.clock.now();
        let salt = self.salts.for_time(now).await?;
        let reporter = reporter_key(&salt, origin.ip, &origin.user_agent, service);
        let network = network_key(&salt, origin.ip);
        self.take_token(&network).await?;
        let posted = self
            .db
            .insert_comment(
                &NewComment {
                    service,
                    name: name.as_ref().map(CommenterName::as_str),
                    body: body.as_str(),
                    reporter: &reporter,
                    network: &network,
                    created_at: now,
                },
                CommentLimits {
                    since: now - RATE_WINDOW_SECONDS,
                    per_visitor: RATE_LIMIT,
                    per_network: NETWORK_LIMIT,
                },
            )
            .await?;
        match posted {
            Posted::Stored(id) => Ok(id),
            Posted::VisitorLimit => Err(CommentError::TooMany),
            Posted::NetworkLimit => Err(CommentError::NetworkBusy),
        }
    }

    /// One token from the network's write budget, or how long to wait for one.
    async fn take_token(&self, network: &crate::domain::NetworkKey) -> Result<(), CommentError> {
        let waits = self
            .counts
            .take_tokens_or_local(
                std::slice::from_ref(network),
                self.clock.now_ms(),
                &self.rate,
            )
            .await;
        match waits.first().copied().flatten() {
            Some(retry_after) => Err(CommentError::RateLimited { retry_after }),
            None => Ok(()),
        }
    }

    /// A reader flags comment `id` of `service`, from their network (each network counts once).
    pub async fn flag(
        &self,
        service: &ServiceSlug,
        id: CommentId,
        origin: &Origin,
    ) -> Result<(), CommentError> {
        let now = self.clock.now();
        let salt = self.salts.for_time(now).await?;
        let network = network_key(&salt, origin.ip);
        self.take_token(&network).await?;
        // `c.id`: a comment that retention moved out of its report is flagged where it lives now.
        match self.db.comment(id).await? {
            Some(c) if &c.service == service && c.hidden_at.is_none() => {
                Ok(self.db.flag_comment(c.id, service, &network, now).await?)
            }
            _ => Err(CommentError::NoSuchComment),
        }
    }

    /// Page `page` (1 = newest) of a service's comments, folded; pages past [`MAX_PAGES`] are empty.
    pub async fn page(&self, service: &ServiceSlug, page: i64) -> Result<CommentPage, StoreError> {
        if !(1..=MAX_PAGES).contains(&page) {
            return Ok(CommentPage {
                comments: Vec::new(),
                more: false,
            });
        }
        let mut shown = fold(self.db.visible_comments(service, FOLD_WINDOW).await?);
        let start = ((page - 1) * PAGE_SIZE) as usize;
        let more = shown.len() > start + PAGE_SIZE as usize && page < MAX_PAGES;
        shown.truncate(start + PAGE_SIZE as usize);
        Ok(CommentPage {
            comments: shown.split_off(start.min(shown.len())),
            more,
        })
    }

    /// An admin hides comment `id` (shows it again when `hide` is false), with every comment of its
    /// service that says the same among the newest (they are shown as one). Returns the service and
    /// how many comments changed, or `None` when there is no such comment.
    pub async fn moderate(
        &self,
        id: CommentId,
        hide: bool,
        label: &str,
    ) -> Result<Option<(ServiceSlug, usize)>, StoreError> {
        let Some(target) = self.db.comment(id).await? else {
            return Ok(None);
        };
        // The comment's id now: `r7` of a comment that retention moved is `c…`.
        let id = target.id;
        let key = fold_key(&without_bidi(target.body.clone()));
        // Hidden ones are not among the visible: restoring looks through the hidden list as well.
        let mut same: Vec<CommentId> = self
            .db
            .visible_comments(&target.service, FOLD_WINDOW)
            .await?
            .into_iter()
            .chain(self.db.hidden_comments(FOLD_WINDOW).await?)
            .filter(|c| {
                c.service == target.service && fold_key(&without_bidi(c.body.clone())) == key
            })
            .filter(|c| c.hidden_at.is_none() == hide)
            .map(|c| c.id)
            .collect();
        if !same.contains(&id) {
            same.push(id);
        }
        same.sort();
        same.dedup();
        let now = self.clock.now();
        let action = AdminAction {
            label: label.to_owned(),
            action: if hide {
                "hide_comment"
            } else {
                "restore_comment"
            }
            .into(),
            target: id.to_string(),
            detail: format!("{} comment(s) on {}", same.len(), target.service),
            created_at: now,
        };
        self.db
            .set_comments_hidden(&same, hide.then_some(now), &action)
            .await?;
        Ok(Some((target.service, same.len())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stored(id: i64, body: &str, flags: i64) -> StoredComment {
        StoredComment {
            id: CommentId {
                source: Source::Comment,
                id,
            },
            service: ServiceSlug::parse("monzo").unwrap(),
            created_at: 1_000 - id,
            name: None,
            body: body.into(),
            problem: None,
            flags,
            hidden_at: None,
        }
    }

    #[test]
    fn identical_texts_fold_into_the_newest_whatever_case_and_spacing() {
        let shown = fold(vec![
            stored(1, "App down  again", 0),
            stored(2, "something else", 0),
            stored(3, "app DOWN\nagain", 3),
            stored(4, " app down again ", 0),
        ]);
        assert_eq!(shown.len(), 2);
        assert_eq!((shown[0].id.id, shown[0].same), (1, 2));
        assert_eq!(shown[0].body, "App down  again");
        assert!(shown[0].collapsed, "one of the group was flagged enough");
        assert_eq!(
            (shown[1].id.id, shown[1].same, shown[1].collapsed),
            (2, 0, false)
        );
    }

    #[test]
    fn a_comment_of_only_links_is_refused_one_with_words_is_not() {
        for only in [
            "https://evil.example",
            "http://a.b/c?d=e https://x.org",
            "www.spam.com",
            "spam.com/buy",
            "<https://x.io>!!",
            "mailto:x@y.com",
            "me@spam.com",
            "→ HTTPS://EVIL.EXAMPLE ←",
        ] {
            assert!(is_link_only(only), "{only}");
        }
        for words in [
            "login fails, see https://status.example",
            "down since 3.15",
            "e.g. the card",
            "version 2.4.1",
            "app.crashed again",
            "!!!",
            "42",
            "ok",
        ] {
            assert!(!is_link_only(words), "{words}");
        }
    }

    #[test]
    fn report_comments_that_are_only_links_are_not_shown() {
        let mut link = stored(1, "https://spam.example", 0);
        link.id.source = Source::Report;
        let shown = fold(vec![link, stored(2, "real \u{202E}text", 0)]);
        assert_eq!(shown.len(), 1);
        assert_eq!(shown[0].body, "real text");
    }
}
