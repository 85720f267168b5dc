use std::fmt;

/// Who reported, as far as de-duplication needs to know: a keyed hash of (network, User-Agent,
/// service) under the day's salt (see `privacy.rs`), in hex. Never an address.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ReporterKey(String);

impl ReporterKey {
    /// Wraps a key computed by `privacy::reporter_key` (or read back from storage).
    pub fn from_hex(hex: String) -> Self {
        Self(hex)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ReporterKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
