//! Subscriber URLs and signing secrets sealed at rest: with `--webhooks-key` (32 bytes, hex), both
//! are stored as ChaCha20-Poly1305 ciphertexts bound to their subscription's id, so a leaked database
//! (a backup, a replica) names no receiver and forges no delivery without the key too. Without a
//! key they are stored in clear (development; the start says so). Rows written before a key was
//! set stay readable.

use rand::Rng;
use ring::aead::{Aad, CHACHA20_POLY1305, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};

const PREFIX: &str = "sealed:v1:";

/// The key, never printed.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct SealKey(pub [u8; 32]);

impl std::fmt::Debug for SealKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SealKey(***)")
    }
}

impl std::str::FromStr for SealKey {
    type Err = String;

    /// 64 hex digits.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bytes =
            hex::decode(s.trim()).map_err(|_| "the key must be 64 hex digits".to_owned())?;
        let key: [u8; 32] = bytes
            .try_into()
            .map_err(|_| "the key must be 64 hex digits (32 bytes)".to_owned())?;
        Ok(SealKey(key))
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SealError {
    #[error("a sealed value, and no --webhooks-key to open it")]
    NoKey,
    #[error("a sealed value that does not open under this key")]
    Corrupt,
}

/// Seals and opens stored values under an optional key.
#[derive(Clone, Copy, Debug, Default)]
pub struct Sealer {
    key: Option<SealKey>,
}

impl Sealer {
    pub fn new(key: Option<SealKey>) -> Self {
        Self { key }
    }

    pub fn sealing(&self) -> bool {
        self.key.is_some()
    }

    fn aead(key: &SealKey) -> LessSafeKey {
        LessSafeKey::new(UnboundKey::new(&CHACHA20_POLY1305, &key.0).expect("a 32-byte key"))
    }

    /// `plain` as stored for subscription `id`.
    pub fn seal(&self, id: &str, plain: &str) -> String {
        let Some(key) = &self.key else {
            return plain.to_owned();
        };
        let nonce: [u8; NONCE_LEN] = rand::rng().random();
        let mut data = plain.as_bytes().to_vec();
        Self::aead(key)
            .seal_in_place_append_tag(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(id.as_bytes()),
                &mut data,
            )
            .expect("sealing cannot fail for short values");
        let mut out = nonce.to_vec();
        out.extend_from_slice(&data);
        format!("{PREFIX}{}", hex::encode(out))
    }

    /// The value stored for subscription `id`, opened.
    pub fn open(&self, id: &str, stored: &str) -> Result<String, SealError> {
        let Some(sealed) = stored.strip_prefix(PREFIX) else {
            return Ok(stored.to_owned());
        };
        let key = self.key.as_ref().ok_or(SealError::NoKey)?;
        let bytes = hex::decode(sealed).map_err(|_| SealError::Corrupt)?;
        if bytes.len() < NONCE_LEN {
            return Err(SealError::Corrupt);
        }
        let (nonce, rest) = bytes.split_at(NONCE_LEN);
        let mut data = rest.to_vec();
        let nonce = Nonce::try_assume_unique_for_key(nonce).map_err(|_| SealError::Corrupt)?;
        let plain = Self::aead(key)
            .open_in_place(nonce, Aad::from(id.as_bytes()), &mut data)
            .map_err(|_| SealError::Corrupt)?;
        String::from_utf8(plain.to_vec()).map_err(|_| SealError::Corrupt)
    }

    /// What the cap per URL counts by: an HMAC of the URL (under the key when there is one), so the
    /// column names no URL.
    pub fn url_digest(&self, url: &str) -> String {
        use hmac::Mac;
        let key: &[u8] = match &self.key {
            Some(k) => &k.0,
            None => b"downtally-webhook-url",
        };
        let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(key).expect("HMAC takes any key");
        mac.update(url.as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(b: u8) -> Option<SealKey> {
        Some(SealKey([b; 32]))
    }

    #[test]
    fn sealed_values_open_only_under_their_key_and_id() {
        let s = Sealer::new(key(7));
        let url = "https://hooks.slack.com/services/T0/B0/secret";
        let sealed = s.seal("sub_a", url);
        assert!(sealed.starts_with(PREFIX) && !sealed.contains("hooks.slack.com"));
        assert_ne!(sealed, s.seal("sub_a", url), "a fresh nonce each time");
        assert_eq!(s.open("sub_a", &sealed).unwrap(), url);
        assert_eq!(
            s.open("sub_b", &sealed),
            Err(SealError::Corrupt),
            "bound to its id"
        );
        assert_eq!(
            Sealer::new(key(8)).open("sub_a", &sealed),
            Err(SealError::Corrupt)
        );
        assert_eq!(
            Sealer::new(None).open("sub_a", &sealed),
            Err(SealError::NoKey)
        );
        let mut tampered = sealed.clone();
        tampered.pop();
        tampered.push('0');
        assert!(s.open("sub_a", &tampered).is_err() || tampered == sealed);
        // Rows stored in clear stay readable.
        assert_eq!(s.open("sub_a", url).unwrap(), url);
        assert_eq!(Sealer::new(None).seal("sub_a", url), url);
    }

    #[test]
    fn keys_parse_from_hex_and_never_print() {
        let k: SealKey = "ab".repeat(32).parse().unwrap();
        assert_eq!(k.0, [0xab; 32]);
        assert!("ab".parse::<SealKey>().is_err());
        assert!("zz".repeat(32).parse::<SealKey>().is_err());
        assert_eq!(format!("{k:?}"), "SealKey(***)");
    }

    #[test]
    fn url_digests_depend_on_the_key() {
        let u = "https://example.com/h";
        assert_eq!(
            Sealer::new(key(1)).url_digest(u),
            Sealer::new(key(1)).url_digest(u)
        );
        assert_ne!(
            Sealer::new(key(1)).url_digest(u),
            Sealer::new(key(2)).url_digest(u)
        );
        assert!(!Sealer::new(None).url_digest(u).contains("example"));
    }
}
