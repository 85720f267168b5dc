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
    }
}
