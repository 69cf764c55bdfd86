//! What configuration decides about cookies: the key that seals them, and
//! whether they are `Secure`. How a cookie is sealed, and why, is stage 1's
//! lesson (`basic/src/cookies.rs`).

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use cookie::Key;
use secrecy::{ExposeSecret, SecretString};
use std::fmt;
use std::sync::Arc;

/// The key that seals every cookie of a stage, and the cipher that opens
/// them, built from it once.
#[derive(Clone)]
pub struct CookieKeys {
    key: Key,
    /// The `cookie` crate's private jar builds its AES-256-GCM cipher (the
    /// key schedule included) again for every cookie it opens; a stage
    /// opens one on every request of a logged-in user, so it keeps one.
    opener: Arc<Aes256Gcm>,
}

/// The `cookie` crate's private cookies: base64 of nonce, ciphertext, tag.
const NONCE_LEN: usize = 12;

// A key is a secret: `{:?}` must never print it.
impl fmt::Debug for CookieKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("CookieKeys([REDACTED])")
    }
}

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("the session secret must be at least 32 bytes")]
    TooShort,
    #[error("the operating system gave no randomness for a key")]
    NoRandomness,
}

impl CookieKeys {
    /// Derives the key from a master secret (`SESSION_SECRET`).
    /// `Key::derive_from` panics below 32 bytes, so the length is checked
    /// first.
    pub fn from_secret(secret: &SecretString) -> Result<CookieKeys, KeyError> {
        let bytes = secret.expose_secret().as_bytes();
        if bytes.len() < crate::config::MIN_SESSION_SECRET_BYTES {
            return Err(KeyError::TooShort);
        }
        Ok(CookieKeys::new(Key::derive_from(bytes)))
    }

    fn new(key: Key) -> CookieKeys {
        let opener = Aes256Gcm::new_from_slice(key.encryption())
            .expect("the cookie crate's encryption key is 32 bytes");
        CookieKeys {
            key,
            opener: Arc::new(opener),
        }
    }

    /// A fresh random key: every cookie from an earlier run becomes invalid.
    pub fn random() -> Result<CookieKeys, KeyError> {
        Key::try_generate()
            .map(CookieKeys::new)
            .ok_or(KeyError::NoRandomness)
    }

    /// The `cookie` crate's key, for sealing and opening.
    pub fn key(&self) -> &Key {
        &self.key
    }

    /// The value of the private cookie `name` sealed as `sealed`, as the
    /// `cookie` crate's private jar opens it (the name is the cipher's
    /// associated data: a value moved to another cookie does not open).
    /// `None` if it was tampered with, truncated or sealed with another key.
    pub fn open(&self, name: &str, sealed: &str) -> Option<String> {
        let data = STANDARD.decode(sealed).ok()?;
        if data.len() <= NONCE_LEN {
            return None;
        }
        let (nonce, ciphertext) = data.split_at(NONCE_LEN);
        let payload = Payload {
            msg: ciphertext,
            aad: name.as_bytes(),
        };
        let plain = self
            .opener
            .decrypt(Nonce::from_slice(nonce), payload)
            .ok()?;
        String::from_utf8(plain).ok()
    }
}

/// The attributes configuration decides for every cookie of a stage.
#[derive(Debug, Clone, Copy)]
pub struct CookiePolicy {
    /// `Secure`: only sent over https. Off only for plain http on loopback,
    /// where a browser would refuse to store a `Secure` cookie.
    pub secure: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_secrets_are_an_error_not_a_panic() {
        assert!(CookieKeys::from_secret(&SecretString::from("short")).is_err());
        let keys = CookieKeys::from_secret(&SecretString::from("a".repeat(32))).unwrap();
        assert!(!format!("{keys:?}").contains("aaaaaaaa"));
    }

    /// What the private jar seals, `open` opens; nothing else.
    #[test]
    fn open_reads_what_the_private_jar_sealed_and_nothing_else() {
        let keys = CookieKeys::random().unwrap();
        let mut jar = cookie::CookieJar::new();
        jar.private_mut(keys.key())
            .add(cookie::Cookie::new("session", "a value"));
        let sealed = jar.get("session").unwrap().value().to_string();
        assert_eq!(keys.open("session", &sealed).as_deref(), Some("a value"));
        // Another cookie's name, another key, a changed byte, a truncation.
        assert_eq!(keys.open("other", &sealed), None);
        assert_eq!(CookieKeys::random().unwrap().open("session", &sealed), None);
        let mut bytes = STANDARD.decode(&sealed).unwrap();
        let last = bytes.len() - 1;
        bytes[last] ^= 1;
        assert_eq!(keys.open("session", &STANDARD.encode(&bytes)), None);
        assert_eq!(keys.open("session", &sealed[..16]), None);
        assert_eq!(keys.open("session", "not base64!"), None);
    }
}
