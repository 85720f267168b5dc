//! The incident group in an outage's JSON (`GET /api/v1/outages/{id}`): the services whose reports
//! rose at once with this one, with the same problem, named as probably one shared cause.

use super::AppState;
use crate::clock::rfc3339;
use crate::store::StoreError;
use serde::Serialize;

#[derive(Serialize, utoipa::ToSchema)]
pub(super) struct GroupMemberBody {
    service: String,
    /// Its outage; `null` for a service whose reports were elevated without an outage.
    outage_id: Option<i64>,
    /// When its incident began (RFC 3339, UTC).
    started_at: String,
    /// Its outage's permalink, else its page.
    link: String,
    /// Its outage as JSON, when it has one.
    api: Option<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub(super) struct GroupBody {
    id: i64,
    /// ISO 3166-1 alpha-2.
    country: String,
    /// The problem kind the members share.
    problem: String,
    started_at: String,
    /// `null` while it lasts.
    ended_at: Option<String>,
    ongoing: bool,
    /// Everyone who was in it, by service; while it lasts, those in it now.
    members: Vec<GroupMemberBody>,
}

/// The group outage `id` is part of, if any.
pub(super) async fn outage_group(
    state: &AppState,
    id: i64,
) -> Result<Option<GroupBody>, StoreError> {
    let Some(found) = super::view::group_of_outage(state, id).await? else {
        return Ok(None);
    };
    let ongoing = found.ended_at.is_none();
    let group = found.group;
    let base = &state.public_url;
    Ok(Some(GroupBody {
        id: group.id.unwrap_or_default(),
        country: group.country.clone(),
        problem: group.problem.code().to_owned(),
        started_at: rfc3339(group.started_at),
        ended_at: found.ended_at.map(rfc3339),
        ongoing,
        members: group
            .members
            .iter()
            .map(|m| GroupMemberBody {
                service: m.service.to_string(),
                outage_id: m.outage_id,
                started_at: rfc3339(m.started_at),
                link: match m.outage_id {
                    Some(o) => format!("{base}/outages/{o}"),
                    None => format!("{base}/s/{}", m.service.as_str()),
                },
                api: m.outage_id.map(|o| format!("{base}/api/v1/outages/{o}")),
            })
            .collect(),
    }))
}
