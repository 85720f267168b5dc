//! Who may moderate: the admin tokens of `DOWNTALLY_ADMIN_TOKENS` (`label:token,…`; no default, and
//! without it there is no admin area), and the sessions a login with one of them opens.
//!
//! A token is compared in constant time (an HMAC of what was presented, checked with `verify_slice`
//! against the HMAC of each token, every token tried). A session is a cookie holding the token's
//! label, an expiry and an HMAC of both keyed by that token: it never holds the token, it can be
//! checked on any app node with the same configuration, and removing a token ends its sessions.
//! Pure: the HTTP side is `web/admin.rs`.

use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;
use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

/// Shortest token accepted: guessing one must be hopeless even without the login rate limit.
pub const MIN_TOKEN_CHARS: usize = 16;
/// Longest label (it travels in the session cookie and in `admin_actions`).
const MAX_LABEL_CHARS: usize = 40;
/// How long a login lasts.
pub const SESSION_SECONDS: i64 = 12 * 60 * 60;

type HmacSha256 = Hmac<Sha256>;

struct Entry {
    label: String,
    /// HMAC(`probe`, token): what a presented token is compared against.
    digest: Vec<u8>,
    /// HMAC(token, "downtally admin session"): signs this label's sessions.
    session_key: Vec<u8>,
}

/// The configured admin tokens. Never printed: `Debug` shows the labels only.
#[derive(Clone)]
pub struct AdminTokens {
    entries: Arc<[Entry]>,
    /// A random key of this process for the constant-time comparison.
    probe: Arc<[u8; 32]>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokensError {
    #[error("admin tokens: {0:?} is not label:token")]
    Shape(String),
    #[error(
        "admin tokens: label {0:?} must be 1 to {MAX_LABEL_CHARS} letters, digits, '-', '_' or '.'"
    )]
    Label(String),
    #[error("admin tokens: the token of {0:?} is shorter than {MIN_TOKEN_CHARS} characters")]
    Short(String),
    #[error("admin tokens: label {0:?} is given twice")]
    Repeated(String),
    #[error("admin tokens: none given")]
    Empty,
}

fn mac(key: &[u8], parts: &[&[u8]]) -> HmacSha256 {
    let mut m = HmacSha256::new_from_slice(key).expect("HMAC takes keys of any length");
    for p in parts {
        m.update(p);
        m.update(&[0xff]);
    }
    m
}

impl FromStr for AdminTokens {
    type Err = TokensError;

    /// `label:token,label:token`; spaces around entries are ignored.
    fn from_str(text: &str) -> Result<Self, TokensError> {
        let mut probe = [0u8; 32];
        rand::rng().fill_bytes(&mut probe);
        let mut entries: Vec<Entry> = Vec::new();
        for item in text.split(',').map(str::trim).filter(|i| !i.is_empty()) {
            let (label, token) = item
                .split_once(':')
                .ok_or_else(|| TokensError::Shape(item.split(':').next().unwrap_or("").into()))?;
            let (label, token) = (label.trim(), token.trim());
            let label_ok = (1..=MAX_LABEL_CHARS).contains(&label.len())
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
            if !label_ok {
                return Err(TokensError::Label(label.into()));
            }
            if token.chars().count() < MIN_TOKEN_CHARS {
                return Err(TokensError::Short(label.into()));
            }
            if entries.iter().any(|e| e.label == label) {
                return Err(TokensError::Repeated(label.into()));
            }
            entries.push(Entry {
                label: label.to_owned(),
                digest: mac(&probe, &[token.as_bytes()])
                    .finalize()
                    .into_bytes()
                    .to_vec(),
                session_key: mac(token.as_bytes(), &[b"downtally admin session"])
                    .finalize()
                    .into_bytes()
                    .to_vec(),
            });
        }
        if entries.is_empty() {
            return Err(TokensError::Empty);
        }
        Ok(Self {
            entries: entries.into(),
            probe: Arc::new(probe),
        })
    }
}

impl fmt::Debug for AdminTokens {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(self.entries.iter().map(|e| &e.label))
            .finish()
    }
}

impl AdminTokens {
    /// The label of the token `presented` is, if it is one. Every token is compared, each in
    /// constant time, so the time taken says nothing about which or how much matched.
    pub fn label_of(&self, presented: &str) -> Option<&str> {
        let mut found = None;
        for e in self.entries.iter() {
            if mac(&self.probe[..], &[presented.as_bytes()])
                .verify_slice(&e.digest)
                .is_ok()
            {
                found = Some(e.label.as_str());
            }
        }
        found
    }

    /// A session cookie's value for `label`, valid until `now` + [`SESSION_SECONDS`].
    pub fn session(&self, label: &str, now: i64) -> Option<String> {
        let e = self.entries.iter().find(|e| e.label == label)?;
        let expires = now + SESSION_SECONDS;
        let sig = mac(
            &e.session_key,
            &[label.as_bytes(), expires.to_string().as_bytes()],
        )
        .finalize()
        .into_bytes();
        Some(format!("{label}.{expires}.{}", hex::encode(sig)))
    }

    /// The label a session cookie's value was signed for, while it has not expired at `now`.
    pub fn session_label(&self, value: &str, now: i64) -> Option<&str> {
        let (rest, sig) = value.rsplit_once('.')?;
        let (label, expires) = rest.rsplit_once('.')?;
        let e = self.entries.iter().find(|e| e.label == label)?;
        let sig = hex::decode(sig).ok()?;
        mac(&e.session_key, &[label.as_bytes(), expires.as_bytes()])
            .verify_slice(&sig)
            .ok()?;
        let expires: i64 = expires.parse().ok()?;
        (now < expires).then_some(e.label.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = "ops:0123456789abcdef";

    #[test]
    fn tokens_are_label_token_pairs_with_long_tokens() {
        let t: AdminTokens = "ops:0123456789abcdef, night-shift:fedcba9876543210xyz"
            .parse()
            .unwrap();
        assert_eq!(format!("{t:?}"), r#"["ops", "night-shift"]"#);
        assert_eq!(t.label_of("0123456789abcdef"), Some("ops"));
        assert_eq!(t.label_of("fedcba9876543210xyz"), Some("night-shift"));
        for wrong in ["", "0123456789abcde", "0123456789abcdeF", "ops"] {
            assert_eq!(t.label_of(wrong), None, "{wrong}");
        }
        assert_eq!(
            "ops".parse::<AdminTokens>().err(),
            Some(TokensError::Shape("ops".into()))
        );
        assert_eq!(
            "ops:short".parse::<AdminTokens>().err(),
            Some(TokensError::Short("ops".into()))
        );
        assert!(matches!(
            "o ps:0123456789abcdef".parse::<AdminTokens>(),
            Err(TokensError::Label(_))
        ));
        assert!(matches!(
            format!("{A},{A}").parse::<AdminTokens>(),
            Err(TokensError::Repeated(_))
        ));
        assert_eq!(" , ".parse::<AdminTokens>().err(), Some(TokensError::Empty));
    }

    #[test]
    fn sessions_are_signed_expire_and_never_hold_the_token() {
        let t: AdminTokens = A.parse().unwrap();
        let cookie = t.session("ops", 1_000).unwrap();
        assert!(!cookie.contains("0123456789abcdef"), "{cookie}");
        assert_eq!(t.session_label(&cookie, 1_000), Some("ops"));
        assert_eq!(t.session_label(&cookie, 1_000 + SESSION_SECONDS), None);
        // Another label, a later expiry, a changed signature: refused.
        let (_, rest) = cookie.split_once('.').unwrap();
        assert_eq!(t.session_label(&format!("other.{rest}"), 1_000), None);
        let later = cookie.replace(&(1_000 + SESSION_SECONDS).to_string(), "99999999999");
        assert_eq!(t.session_label(&later, 1_000), None);
        let mut forged = cookie.clone();
        forged.pop();
        forged.push(if cookie.ends_with('0') { '1' } else { '0' });
        assert_eq!(t.session_label(&forged, 1_000), None);
        assert_eq!(t.session_label("garbage", 1_000), None);
        // Another process with the same configuration accepts it; one with another token does not.
        let same: AdminTokens = A.parse().unwrap();
        assert_eq!(same.session_label(&cookie, 1_000), Some("ops"));
        let other: AdminTokens = "ops:another-token-entirely".parse().unwrap();
        assert_eq!(other.session_label(&cookie, 1_000), None);
        assert_eq!(t.session("nobody", 1_000), None);
    }
}
