use std::fmt;

/// What a reporter has trouble with. The codes are stable: forms, the API and storage use them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ProblemKind {
    Login,
    Balance,
    SmsVerification,
    /// Transfers and bill payments.
    Payments,
    /// Card payments declined.
    Card,
    MobileApp,
    Website,
    Other,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error(
    "unknown problem kind {0:?}; expected one of: login, balance, sms_verification, payments, card, mobile_app, website, other"
)]
pub struct UnknownProblem(pub String);

impl ProblemKind {
    pub const ALL: [ProblemKind; 8] = [
        ProblemKind::Login,
        ProblemKind::Balance,
        ProblemKind::SmsVerification,
        ProblemKind::Payments,
        ProblemKind::Card,
        ProblemKind::MobileApp,
        ProblemKind::Website,
        ProblemKind::Other,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ProblemKind::Login => "login",
            ProblemKind::Balance => "balance",
            ProblemKind::SmsVerification => "sms_verification",
            ProblemKind::Payments => "payments",
            ProblemKind::Card => "card",
            ProblemKind::MobileApp => "mobile_app",
            ProblemKind::Website => "website",
            ProblemKind::Other => "other",
        }
    }

    /// Position in [`ProblemKind::ALL`], for dense per-kind arrays.
    pub fn index(self) -> usize {
        self as usize
    }

    pub fn parse(code: &str) -> Result<Self, UnknownProblem> {
        Self::ALL
            .into_iter()
            .find(|k| k.code() == code)
            .ok_or_else(|| UnknownProblem(code.to_owned()))
    }
}

/// What a report says: a problem of some kind, or that the service works again for the reporter
/// ("works again for me", evidence that an outage is over). Stored in the `problem` column, whose
/// codes forms and the API share.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReportKind {
    Problem(ProblemKind),
    WorksAgain,
}

impl ReportKind {
    pub const WORKS_AGAIN: &'static str = "works_again";

    pub fn code(self) -> &'static str {
        match self {
            ReportKind::Problem(p) => p.code(),
            ReportKind::WorksAgain => Self::WORKS_AGAIN,
        }
    }

    pub fn parse(code: &str) -> Result<Self, UnknownProblem> {
        if code == Self::WORKS_AGAIN {
            return Ok(ReportKind::WorksAgain);
        }
        ProblemKind::parse(code).map(ReportKind::Problem)
    }

    /// The problem reported, or `None` for "works again".
    pub fn problem(self) -> Option<ProblemKind> {
        match self {
            ReportKind::Problem(p) => Some(p),
            ReportKind::WorksAgain => None,
        }
    }
}

impl fmt::Display for ProblemKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_index_matches_position() {
        for (i, kind) in ProblemKind::ALL.into_iter().enumerate() {
            assert_eq!(ProblemKind::parse(kind.code()), Ok(kind));
            assert_eq!(kind.index(), i);
        }
        assert!(ProblemKind::parse("Login").is_err());
        assert!(ProblemKind::parse("").is_err());
        assert_eq!(ReportKind::parse("works_again"), Ok(ReportKind::WorksAgain));
        assert_eq!(
            ReportKind::parse("card"),
            Ok(ReportKind::Problem(ProblemKind::Card))
        );
        assert!(ProblemKind::parse("works_again").is_err());
    }
}
