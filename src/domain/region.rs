use std::fmt;

/// A first-level region code: ISO 3166-2 such as `IT-25` or `GB-SCT`, a statistical code without a
/// hyphen such as `TLI` (London, ITL1) or `SI031` (NUTS-3), or a whole country such as `LU`.
/// Only the shape is checked here; whether the region exists is the region catalog's business.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RegionId(String);

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("invalid region id {0:?}; expected a code such as IT-25")]
pub struct RegionIdError(pub String);

impl RegionId {
    pub fn parse(raw: &str) -> Result<Self, RegionIdError> {
        let bytes = raw.as_bytes();
        let upper_or_digit = |b: &u8| b.is_ascii_uppercase() || b.is_ascii_digit();
        let ok = (2..=8).contains(&bytes.len())
            && bytes[..2].iter().all(u8::is_ascii_uppercase)
            && match bytes.get(2) {
                Some(b'-') => bytes.len() > 3 && bytes[3..].iter().all(upper_or_digit),
                _ => bytes[2..].iter().all(upper_or_digit),
            };
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
        for ok in [
            "IT-25", "GB-SCT", "DE-BY", "NO-03", "US-CA", "FR-20R", "TLI", "SI031", "LU",
        ] {
            assert!(RegionId::parse(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "I",
            "it-25",
            "IT-",
            "IT-25-1",
            "IT-2 ",
            "IT:{x}",
            "ITALY-123",
            "1T-25",
        ] {
            assert!(RegionId::parse(bad).is_err(), "{bad}");
        }
    }
}
