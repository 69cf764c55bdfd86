//! The session id: the only thing the browser's cookie holds.
//!
//! 256 random bits, so it cannot be guessed. The database keeps only its
//! SHA-256: someone who reads the `sessions` table (a backup, a leaked
//! dump) learns no id that would work as a cookie, and the server still
//! finds a session from the cookie in one indexed lookup.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use rand::RngCore;
use sha2::{Digest, Sha256};
use std::fmt;

/// 32 bytes, base64url without padding.
const ENCODED_LEN: usize = 43;

#[derive(Clone, PartialEq)]
pub struct SessionId(String);

// The id is a bearer credential: `{:?}` never shows it.
impl fmt::Debug for SessionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SessionId([REDACTED])")
    }
}

impl SessionId {
    /// A fresh id from the operating system's CSPRNG.
    pub fn random() -> SessionId {
        let mut bytes = [0u8; 32];
        rand::rng().fill_bytes(&mut bytes);
        SessionId(URL_SAFE_NO_PAD.encode(bytes))
    }

    /// An id read from a cookie, if it has the shape of one.
    pub fn parse(value: &str) -> Option<SessionId> {
        let well_formed = value.len() == ENCODED_LEN
            && value
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        well_formed.then(|| SessionId(value.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// What the database keeps: the id's SHA-256, in hex.
    pub fn hash(&self) -> String {
        hex(&Sha256::digest(self.0.as_bytes()))
    }
}

/// Lowercase hex, two digits a byte. Written out rather than `format!`ed a
/// byte at a time: this runs on every request of a logged-in user.
fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut text = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        text.push(char::from(DIGITS[usize::from(byte >> 4)]));
        text.push(char::from(DIGITS[usize::from(byte & 0xf)]));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_random_well_formed_and_stored_hashed() {
        let id = SessionId::random();
        assert_ne!(id, SessionId::random());
        assert_eq!(SessionId::parse(id.as_str()), Some(id.clone()));
        assert_eq!(id.hash().len(), 64);
        // The hash the rows of earlier versions hold (`sha256sum`'s hex).
        assert_eq!(
            SessionId::parse(&"A".repeat(43)).unwrap().hash(),
            "0f007385b6f9d4b7eeb2748605afe1a984a0a3bfa3f014d09e2a784ce9e5cd1a"
        );
        assert!(!id.hash().contains(id.as_str()));
        assert!(!format!("{id:?}").contains(id.as_str()));
        for bad in [
            "",
            "short",
            &"a".repeat(44),
            &format!("{}!", &"a".repeat(42)),
        ] {
            assert_eq!(SessionId::parse(bad), None, "{bad}");
        }
    }
}
