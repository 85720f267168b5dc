//! Incident groups as pages show them: "Reports are rising at 6 services in Italy at once, mostly
//! SMS codes: probably a shared provider. Services: …", each member linked (its outage's permalink,
//! else its page).

use crate::detect::groups::Group;
use crate::domain::ServiceSlug;
use crate::i18n::{Arg, Lang};
use crate::web::AppState;

/// A member of a group, as a link.
pub(super) struct GroupLink {
    pub name: String,
    pub href: String,
    /// The page this note is on is this member's.
    pub current: bool,
}

/// What `group_note.html` shows.
pub(super) struct GroupNote {
    pub id: i64,
    pub sentence: String,
    pub members: Vec<GroupLink>,
}

/// The note on `group`: present tense while it lasts (`ongoing`), past after; `here` is the service
/// of the page it is on.
pub(super) fn group_note(
    state: &AppState,
    group: &Group,
    ongoing: bool,
    here: Option<&ServiceSlug>,
    lang: Lang,
) -> GroupNote {
    let key = if ongoing {
        "group-rising"
    } else {
        "group-rose"
    };
    let sentence = lang.count(
        key,
        group.members.len() as u64,
        &[
            ("code", Arg::from(group.country.as_str())),
            ("country", Arg::from(lang.country(&group.country))),
            (
                "problem",
                Arg::from(lang.t(&format!("group-problem-{}", group.problem.code()))),
            ),
        ],
    );
    let mut members: Vec<GroupLink> = group
        .members
        .iter()
        .map(|m| GroupLink {
            name: state
                .catalog
                .get(m.service.as_str())
                .map_or_else(|| m.service.to_string(), |s| s.name.clone()),
            href: match m.outage_id {
                Some(id) => format!("/outages/{id}"),
                None => format!("/s/{}", m.service.as_str()),
            },
            current: here == Some(&m.service),
        })
        .collect();
    members.sort_by_key(|m| m.name.to_lowercase());
    GroupNote {
        id: group.id.unwrap_or_default(),
        sentence,
        members,
    }
}
