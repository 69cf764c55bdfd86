//! What configuration decides about cookies: the key that seals them, and
//! whether they are `Secure`. How a cookie is sealed, and why, is stage 1's
//! lesson (`basic/src/cookies.rs`).

use cookie::Key;
use secrecy::{ExposeSecret, SecretString};
use std::fmt;

/// The key that seals every cookie of a stage.
#[derive(Clone)]
pub struct CookieKeys(Key);

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
        Ok(CookieKeys(Key::derive_from(bytes)))
    }

    /// A fresh random key: every cookie from an earlier run becomes invalid.
    pub fn random() -> Result<CookieKeys, KeyError> {
        Key::try_generate()
            .map(CookieKeys)
            .ok_or(KeyError::NoRandomness)
    }

    /// The `cookie` crate's key, for sealing and opening.
    pub fn key(&self) -> &Key {
        &self.0
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
}
