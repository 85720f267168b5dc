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

/// The network a report came from (IPv4 /24, IPv6 /48), as a keyed hash under the day's salt (see
/// `privacy.rs`), in hex: enough to bound what one network adds to the counts and to tell how many
/// networks report, never enough to find the network.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NetworkKey(String);

impl NetworkKey {
    pub fn from_hex(hex: String) -> Self {
        Self(hex)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The key this network's "works again" reports are bounded under: a tally of their own, so they
    /// neither take a network's first place in the networks series (breadth of a problem) nor share
    /// its bound with its problem reports.
    pub fn for_works_again(&self) -> NetworkKey {
        NetworkKey(format!("{}.w", self.0))
    }

    /// The key this network's uncached API reads are rate-limited under (`web/api_layer.rs`): a
    /// budget of their own, apart from the network's write budget.
    pub fn for_api(&self) -> NetworkKey {
        NetworkKey(format!("{}.a", self.0))
    }

    /// The key this network's webhook subscriptions are rate-limited under: a token bucket of
    /// their own, apart from its reports' write budget.
    pub fn for_subscriptions(&self) -> NetworkKey {
        NetworkKey(format!("{}.s", self.0))
    }
}

impl fmt::Display for NetworkKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
