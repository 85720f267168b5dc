//! The statuses a service or region can have: defined here once, with what each means and how each
//! maps to other vocabularies (the Statuspage indicator). Pages, the API and feeds read them from
//! here; the detector's state machine (`state.rs`) and the monitor decide them.

use serde::Serialize;

/// Current status of a series, as pages, the API and feeds show it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Reports are within the range normal for this time of the week.
    Normal,
    /// Reports have stayed above the range of normal for a while, but not far or broadly enough to
    /// declare an outage.
    Elevated,
    /// An outage is open and reports are back within normal, but not yet for long enough (in reports
    /// that normal traffic would have brought) to say it is over.
    Improving,
    /// An outage is declared: reports far beyond normal, from many networks.
    Outage,
    /// Never decided by this build's detector: a status read from storage that this build does not
    /// know (a newer node wrote it during a rolling deploy). Shown as unknown, never as normal.
    Unknown,
}

/// The indicator of the Atlassian Statuspage API (`status.indicator`), which status aggregators read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StatuspageIndicator {
    None,
    Minor,
    Major,
}

impl Status {
    /// Every status the detector decides, in order of severity.
    pub const DECIDED: [Status; 4] = [
        Status::Normal,
        Status::Elevated,
        Status::Improving,
        Status::Outage,
    ];

    /// The code stored in SQL and shown by the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Normal => "normal",
            Status::Elevated => "elevated",
            Status::Improving => "improving",
            Status::Outage => "outage",
            Status::Unknown => "unknown",
        }
    }

    /// What the status means, in English, for the API's documentation and the feeds.
    pub fn meaning(self) -> &'static str {
        match self {
            Status::Normal => "reports are within the range normal for this time of the week",
            Status::Elevated => {
                "reports have stayed above the range of normal for a while, not enough for an outage"
            }
            Status::Improving => {
                "an outage is open and reports are back near normal, not yet long enough to call it over"
            }
            Status::Outage => "user reports far beyond normal, from many networks: an outage",
            Status::Unknown => "the status is not known right now",
        }
    }

    /// Whether an outage is open (declared and not yet resolved).
    pub fn outage_open(self) -> bool {
        matches!(self, Status::Outage | Status::Improving)
    }

    /// Whether pages list the service among those with problems.
    pub fn has_problems(self) -> bool {
        matches!(self, Status::Outage | Status::Improving | Status::Elevated)
    }

    /// The Statuspage indicator: an outage is major; elevated or improving minor; normal none. An
    /// unknown status claims nothing.
    pub fn indicator(self) -> StatuspageIndicator {
        match self {
            Status::Outage => StatuspageIndicator::Major,
            Status::Elevated | Status::Improving => StatuspageIndicator::Minor,
            Status::Normal | Status::Unknown => StatuspageIndicator::None,
        }
    }

    /// The message id of the status's short label in `locales/` ("status-outage").
    pub fn label_id(self) -> &'static str {
        match self {
            Status::Normal => "status-normal",
            Status::Elevated => "status-elevated",
            Status::Improving => "status-improving",
            Status::Outage => "status-outage",
            Status::Unknown => "status-unknown",
        }
    }

    /// The message id of the page headline in `locales/` ("headline-outage"), which takes `$service`
    /// and, except for normal and unknown, `$time`.
    pub fn headline_id(self) -> &'static str {
        match self {
            Status::Normal => "headline-normal",
            Status::Elevated => "headline-elevated",
            Status::Improving => "headline-improving",
            Status::Outage => "headline-outage",
            Status::Unknown => "headline-unknown",
        }
    }

    /// The status a stored code names; an unknown code is logged and read as [`Status::Unknown`].
    pub fn from_stored(code: &str) -> Status {
        match Self::DECIDED.into_iter().find(|s| s.as_str() == code) {
            Some(status) => status,
            None => {
                tracing::warn!(
                    status = code,
                    "a stored status this build does not know; shown as unknown"
                );
                Status::Unknown
            }
        }
    }
}

impl StatuspageIndicator {
    pub fn as_str(self) -> &'static str {
        match self {
            StatuspageIndicator::None => "none",
            StatuspageIndicator::Minor => "minor",
            StatuspageIndicator::Major => "major",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_statuses_read_back_and_unknown_ones_stay_unknown() {
        for s in Status::DECIDED {
            assert_eq!(Status::from_stored(s.as_str()), s);
        }
        assert_eq!(Status::from_stored("degraded"), Status::Unknown);
        assert_eq!(Status::from_stored(""), Status::Unknown);
    }

    #[test]
    fn an_open_outage_is_major_or_minor_and_never_reads_as_none() {
        for s in Status::DECIDED {
            assert_eq!(
                s.outage_open(),
                matches!(s, Status::Outage | Status::Improving)
            );
            assert_eq!(
                s.indicator() == StatuspageIndicator::None,
                s == Status::Normal
            );
        }
    }
}
