use std::fmt;

/// A first-level region code such as `IT-25` (ISO 3166-2 style: country, '-', 1 to 3 alphanumerics).
/// Only the shape is checked here; whether the region exists is the region catalog's business.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RegionId(String);

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("invalid region id {0:?}; expected a code such as IT-25")]
pub struct RegionIdError(pub String);

impl RegionId {
    pub fn parse(raw: &str) -> Result<Self, RegionIdError> {
        let bytes = raw.as_bytes();
        let ok = (4..=6).contains(&bytes.len())
            && bytes[..2].iter().all(u8::is_ascii_uppercase)
            && bytes[2] == b'-'
            && bytes[3..]
                .iter()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
        if ok {
            Ok(Self(raw.to_owned()))
        } else {
            Err(RegionIdError(raw.to_owned()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for RegionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shape() {
        for ok in ["IT-25", "GB-ENG", "DE-BY", "NO-03", "US-CA"] {
            assert!(RegionId::parse(ok).is_ok(), "{ok}");
        }
        for bad in [
            "", "IT", "it-25", "IT25", "IT-", "IT-2500", "IT-2 ", "IT:{x}",
        ] {
            assert!(RegionId::parse(bad).is_err(), "{bad}");
        }
    }
}
