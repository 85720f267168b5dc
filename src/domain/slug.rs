use std::fmt;

/// A service's stable identifier in URLs, storage and counter keys: `a-z`, `0-9` and inner `-`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ServiceSlug(String);

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("invalid service slug {0:?}: use 2 to 64 characters a-z, 0-9 and inner '-'")]
pub struct SlugError(pub String);

impl ServiceSlug {
    pub fn parse(raw: &str) -> Result<Self, SlugError> {
        let ok = (2..=64).contains(&raw.len())
            && raw
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !raw.starts_with('-')
            && !raw.ends_with('-')
            && !raw.contains("--");
        if ok {
            Ok(Self(raw.to_owned()))
        } else {
            Err(SlugError(raw.to_owned()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ServiceSlug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accepts_catalog_style_slugs() {
        for s in ["intesa-sanpaolo", "n26", "american-express"] {
            assert!(ServiceSlug::parse(s).is_ok(), "{s}");
        }
    }

    #[test]
    fn rejects_everything_that_would_break_urls_or_keys() {
        for s in [
            "",
            "a",
            "Monzo",
            "-x",
            "x-",
            "a--b",
            "a b",
            "a{b}",
            "../etc",
            &"a".repeat(65),
        ] {
            assert!(ServiceSlug::parse(s).is_err(), "{s}");
        }
    }

    proptest! {
        #[test]
        fn parsed_slugs_only_hold_safe_bytes(s in "\\PC{0,80}") {
            if let Ok(slug) = ServiceSlug::parse(&s) {
                prop_assert!(slug.as_str().bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'));
            }
        }
    }
}
