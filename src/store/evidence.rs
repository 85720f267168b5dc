//! The evidence of verdicts (`detect::VerdictEvidence`): with each outage, what decided it when it was
//! declared; with each service's status, what decided that. One JSON column each (see the
//! migration `…22_evidence.sql` for why).

use super::{Db, StoreError, on_pool};
use crate::detect::VerdictEvidence;
use crate::domain::ServiceSlug;
use sqlx::Row;
use std::collections::HashMap;

fn encode(e: &VerdictEvidence) -> String {
    serde_json::to_string(e).expect("evidence is plain numbers and text")
}

/// A stored document this build cannot read (written by a newer node) is logged and left out.
fn decode(text: Option<String>) -> Option<VerdictEvidence> {
    let text = text?;
    serde_json::from_str(&text)
        .inspect_err(|e| tracing::warn!(error = %e, "stored evidence this build cannot read"))
        .ok()
}

impl Db {
    /// Keeps what decided outage `id`, once: the evidence of its declaration is not overwritten
    /// when the monitor re-detects it after a restart.
    pub async fn set_outage_evidence(
        &self,
        id: i64,
        evidence: &VerdictEvidence,
    ) -> Result<(), StoreError> {
        on_pool!(self, p => {
            sqlx::query("UPDATE outages SET evidence = $2 WHERE id = $1 AND evidence IS NULL")
                .bind(id)
                .bind(encode(evidence))
                .execute(p)
                .await?;
        });
        Ok(())
    }

    /// What decided outage `id`; `None` when nothing was kept (declared before evidence was).
    pub async fn outage_evidence(&self, id: i64) -> Result<Option<VerdictEvidence>, StoreError> {
        on_pool!(self, p => {
            let row = sqlx::query("SELECT evidence FROM outages WHERE id = $1")
                .bind(id)
                .fetch_optional(p)
                .await?;
            Ok(match row {
                Some(row) => decode(row.try_get("evidence")?),
                None => None,
            })
        })
    }

    /// Stores what decided each service's current status (after its status row is written).
    pub async fn set_status_evidence(
        &self,
        rows: &[(ServiceSlug, VerdictEvidence)],
    ) -> Result<(), StoreError> {
        if rows.is_empty() {
            return Ok(());
        }
        on_pool!(self, p => {
            let mut tx = p.begin().await?;
            for (service, evidence) in rows {
                sqlx::query("UPDATE service_status SET evidence = $2 WHERE service = $1")
                    .bind(service.as_str())
                    .bind(encode(evidence))
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
        });
        Ok(())
    }

    /// What decided each service's current status, for the services that have it.
    pub async fn status_evidence(
        &self,
    ) -> Result<HashMap<ServiceSlug, VerdictEvidence>, StoreError> {
        on_pool!(self, p => {
            let rows = sqlx::query(
                "SELECT service, evidence FROM service_status WHERE evidence IS NOT NULL",
            )
            .fetch_all(p)
            .await?;
            let mut out = HashMap::new();
            for row in rows {
                let service: ServiceSlug = row.try_get("service")?;
                if let Some(e) = decode(row.try_get("evidence")?) {
                    out.insert(service, e);
                }
            }
            Ok(out)
        })
    }
}
