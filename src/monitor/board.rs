//! What pages read of the monitor's verdicts: each service's status and the incident groups going on.

use super::*;

/// What pages show about a service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceStatus {
    pub status: Status,
    /// When the current status began (for an outage: its start).
    pub since: i64,
    pub outage_id: Option<i64>,
}

impl Default for ServiceStatus {
    fn default() -> Self {
        Self {
            status: Status::Normal,
            since: 0,
            outage_id: None,
        }
    }
}

/// Current statuses, shared with the pages. Reads are a map lookup.
#[derive(Clone, Default)]
pub struct StatusBoard {
    statuses: Arc<RwLock<HashMap<ServiceSlug, ServiceStatus>>>,
    pub(super) updated_at: Arc<AtomicI64>,
    /// The incident groups going on (see `incident_groups.rs`).
    groups: Arc<RwLock<Vec<Group>>>,
}

impl StatusBoard {
    pub fn get(&self, service: &ServiceSlug) -> ServiceStatus {
        self.statuses
            .read()
            .get(service)
            .cloned()
            .unwrap_or_default()
    }

    /// When the monitor last finished a pass (epoch seconds; 0 before the first).
    pub fn updated_at(&self) -> i64 {
        self.updated_at.load(Ordering::Relaxed)
    }

    pub(super) fn set(&self, service: &ServiceSlug, status: ServiceStatus) {
        self.statuses.write().insert(service.clone(), status);
    }

    /// Replaces the board with what the monitor (maybe on another node) stored.
    pub async fn load(&self, db: &Db) -> Result<(), StoreError> {
        let rows = db.statuses().await?;
        let latest = rows.iter().map(|r| r.updated_at).max().unwrap_or(0);
        let map = rows
            .into_iter()
            .map(|r| {
                (
                    r.service,
                    ServiceStatus {
                        status: r.status,
                        since: r.since,
                        outage_id: r.outage_id,
                    },
                )
            })
            .collect();
        *self.statuses.write() = map;
        *self.groups.write() = db.live_groups().await?;
        self.updated_at.fetch_max(latest, Ordering::Relaxed);
        Ok(())
    }

    /// The incident groups going on, oldest first.
    pub fn groups(&self) -> Vec<Group> {
        self.groups.read().clone()
    }

    /// The incident group `service` is in now.
    pub fn group_of(&self, service: &ServiceSlug) -> Option<Group> {
        self.groups.read().iter().find(|g| g.has(service)).cloned()
    }

    pub(crate) fn set_groups(&self, groups: Vec<Group>) {
        *self.groups.write() = groups;
    }
}
