//! Incident groups (see `detect/groups.rs`): the groups going on and who was in each.

use super::{Db, StoreError, on_pool};
use crate::detect::groups::{Group, Grouping, Member};
use crate::domain::{ProblemKind, ServiceSlug};
use sqlx::Row;

/// A group as stored, with every service that was ever in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredGroup {
    /// Its members are all that were ever in it (by service).
    pub group: Group,
    /// `None` while it lasts.
    pub ended_at: Option<i64>,
}

/// The stored fields of a group before its members are read.
type GroupRow = (i64, String, String, String, i64, Option<i64>);

fn parse_group(row: GroupRow, members: Vec<Member>) -> Option<StoredGroup> {
    let (id, country, problem, anchor, started_at, ended_at) = row;
    let (Ok(problem), Ok(anchor)) = (ProblemKind::parse(&problem), ServiceSlug::parse(&anchor))
    else {
        // Written by a newer build (a problem kind this one does not know): left out.
        tracing::warn!(group = id, "skipping an incident group that cannot be read");
        return None;
    };
    Some(StoredGroup {
        group: Group {
            id: Some(id),
            country,
            problem,
            started_at,
            anchor,
            members,
        },
        ended_at,
    })
}

impl Db {
    /// Stores a pass's grouping: its new groups get their ids (set in `grouping`), members that
    /// joined or left and groups that ended are recorded; groups unchanged from `previous` are not
    /// written. One transaction.
    pub async fn save_grouping(
        &self,
        grouping: &mut Grouping,
        previous: &[Group],
        now: i64,
    ) -> Result<(), StoreError> {
        if grouping.ended.is_empty() && grouping.groups.iter().all(|g| previous.contains(g)) {
            return Ok(());
        }
        on_pool!(self, p => {
            let mut tx = p.begin().await?;
            for id in &grouping.ended {
                sqlx::query("UPDATE incident_groups SET ended_at = $2, updated_at = $2 WHERE id = $1")
                    .bind(id)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query(
                    "UPDATE incident_group_members SET left_at = $2 WHERE group_id = $1 AND left_at IS NULL",
                )
                .bind(id)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            }
            for g in &mut grouping.groups {
                if previous.contains(g) {
                    continue;
                }
                let id = match g.id {
                    Some(id) => {
                        sqlx::query("UPDATE incident_groups SET anchor = $2, updated_at = $3 WHERE id = $1")
                            .bind(id)
                            .bind(g.anchor.as_str())
                            .bind(now)
                            .execute(&mut *tx)
                            .await?;
                        id
                    }
                    None => {
                        let row = sqlx::query(
                            "INSERT INTO incident_groups (country, problem, anchor, started_at, updated_at) \
                             VALUES ($1, $2, $3, $4, $5) RETURNING id",
                        )
                        .bind(&g.country)
                        .bind(g.problem.code())
                        .bind(g.anchor.as_str())
                        .bind(g.started_at)
                        .bind(now)
                        .fetch_one(&mut *tx)
                        .await?;
                        let id: i64 = row.try_get("id")?;
                        g.id = Some(id);
                        tracing::info!(
                            group = id,
                            country = %g.country,
                            problem = %g.problem,
                            members = g.members.len(),
                            "incident group formed"
                        );
                        id
                    }
                };
                for m in &g.members {
                    sqlx::query(
                        "INSERT INTO incident_group_members (group_id, service, outage_id, started_at, joined_at) \
                         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (group_id, service) DO UPDATE SET \
                         outage_id = COALESCE(excluded.outage_id, incident_group_members.outage_id), \
                         started_at = excluded.started_at, left_at = NULL",
                    )
                    .bind(id)
                    .bind(m.service.as_str())
                    .bind(m.outage_id)
                    .bind(m.started_at)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                }
                let before = previous.iter().find(|old| old.id == Some(id));
                for gone in before.into_iter().flat_map(|old| &old.members).filter(|m| !g.has(&m.service)) {
                    sqlx::query(
                        "UPDATE incident_group_members SET left_at = $3 WHERE group_id = $1 AND service = $2",
                    )
                    .bind(id)
                    .bind(gone.service.as_str())
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                }
            }
            tx.commit().await?;
        });
        Ok(())
    }

    /// The groups going on, each with its current members.
    pub async fn live_groups(&self) -> Result<Vec<Group>, StoreError> {
        let rows: Vec<GroupRow> = on_pool!(self, p => {
            sqlx::query_as(
                "SELECT id, country, problem, anchor, started_at, ended_at FROM incident_groups \
                 WHERE ended_at IS NULL ORDER BY id",
            )
            .fetch_all(p)
            .await?
        });
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let members = self.group_members(row.0, true).await?;
            out.extend(parse_group(row, members).map(|s| s.group));
        }
        Ok(out)
    }

    /// The group outage `outage_id` was in (the latest, should it have been in two), with everyone
    /// who was in it.
    pub async fn group_of_outage(&self, outage_id: i64) -> Result<Option<StoredGroup>, StoreError> {
        let row: Option<GroupRow> = on_pool!(self, p => {
            sqlx::query_as(
                "SELECT g.id, g.country, g.problem, g.anchor, g.started_at, g.ended_at \
                 FROM incident_groups g JOIN incident_group_members m ON m.group_id = g.id \
                 WHERE m.outage_id = $1 ORDER BY g.id DESC LIMIT 1",
            )
            .bind(outage_id)
            .fetch_optional(p)
            .await?
        });
        let Some(row) = row else {
            return Ok(None);
        };
        let members = self.group_members(row.0, false).await?;
        Ok(parse_group(row, members))
    }

    /// A group's members by service: those in it now (`current`), or all that ever were.
    async fn group_members(&self, id: i64, current: bool) -> Result<Vec<Member>, StoreError> {
        let rows: Vec<(String, Option<i64>, i64)> = on_pool!(self, p => {
            sqlx::query_as(
                "SELECT service, outage_id, started_at FROM incident_group_members \
                 WHERE group_id = $1 AND ($2 = FALSE OR left_at IS NULL) ORDER BY service",
            )
            .bind(id)
            .bind(current)
            .fetch_all(p)
            .await?
        });
        Ok(rows
            .into_iter()
            .filter_map(|(service, outage_id, started_at)| {
                Some(Member {
                    service: ServiceSlug::parse(&service).ok()?,
                    outage_id,
                    started_at,
                })
            })
            .collect())
    }
}
