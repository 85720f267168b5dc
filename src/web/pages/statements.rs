//! Official statements attached to outages by an admin, as the service page and the outage
//! permalink show them (`templates/statements.html`).

use super::stamp;
use crate::i18n::Lang;
use crate::store::{Statement, StoreError};
use crate::web::AppState;
use chrono_tz::Tz;

/// A statement as pages show it (askama escapes every field; the link is an admin's `http(s)` URL).
pub(super) struct StatementRow {
    pub outage_id: i64,
    pub when: String,
    pub body: String,
    pub link: Option<String>,
    /// Shown on top of the service page (its outage goes on, or ended within a day).
    pub current: bool,
}

impl StatementRow {
    fn new(s: Statement, lang: Lang, tz: Tz) -> Self {
        Self {
            outage_id: s.outage_id,
            when: stamp(lang, s.stated_at, tz),
            body: s.body,
            link: s.link,
            current: false,
        }
    }
}

/// The statements of these outages, newest first.
pub(super) async fn statement_rows(
    state: &AppState,
    outage_ids: &[i64],
    lang: Lang,
    tz: Tz,
) -> Result<Vec<StatementRow>, StoreError> {
    let mut rows: Vec<StatementRow> = state
        .db
        .statements(outage_ids)
        .await?
        .into_iter()
        .map(|s| StatementRow::new(s, lang, tz))
        .collect();
    rows.reverse();
    Ok(rows)
}
