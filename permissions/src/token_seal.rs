//! The provider's tokens, sealed at rest.
//!
//! A session row must hold the user's Discord tokens, stage 1's [`Tokens`]
//! (to refresh them, and to revoke them at logout). Kept in the clear, a database dump would be a
//! list of live Discord logins. So they are encrypted and authenticated
//! (AES-256-GCM) with a key derived from `SESSION_SECRET`, which the
//! database never sees. The row's id hash is bound in as associated data:
//! sealed tokens copied into another row do not open.

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use basic::tokens::Tokens;
use common::CookieKeys;
use hkdf::Hkdf;
use rand::RngCore;
use sha2::Sha256;
use std::fmt;

/// The cipher that seals tokens for the database.
#[derive(Clone)]
pub struct TokenSeal(Aes256Gcm);

impl fmt::Debug for TokenSeal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TokenSeal([REDACTED])")
    }
}

impl TokenSeal {
    /// A key of its own, derived (HKDF-SHA256) from the same master secret
    /// as the cookie key: one secret to configure, one key per purpose.
    pub fn new(keys: &CookieKeys) -> TokenSeal {
        let mut key = [0u8; 32];
        Hkdf::<Sha256>::new(Some(b"oauth2-workshop stage 3"), keys.key().master())
            .expand(b"provider tokens at rest", &mut key)
            .expect("32 bytes is a valid HKDF-SHA256 output length");
        TokenSeal(Aes256Gcm::new(&key.into()))
    }

    /// base64(nonce ‖ ciphertext) of the tokens, bound to `row`.
    pub fn seal(&self, tokens: &Tokens, row: &str) -> String {
        let plaintext = serde_json::to_vec(tokens).unwrap_or_default();
        let mut nonce = [0u8; 12];
        rand::rng().fill_bytes(&mut nonce);
        let payload = Payload {
            msg: &plaintext,
            aad: row.as_bytes(),
        };
        // Encryption into a Vec cannot fail for a message this small.
        let ciphertext = self
            .0
            .encrypt(Nonce::from_slice(&nonce), payload)
            .unwrap_or_default();
        let mut sealed = nonce.to_vec();
        sealed.extend_from_slice(&ciphertext);
        STANDARD.encode(sealed)
    }

    /// The tokens, if `sealed` was sealed by this key for `row`.
    pub fn open(&self, sealed: &str, row: &str) -> Option<Tokens> {
        let bytes = STANDARD.decode(sealed).ok()?;
        if bytes.len() < 12 {
            return None;
        }
        let (nonce, ciphertext) = bytes.split_at(12);
        let payload = Payload {
            msg: ciphertext,
            aad: row.as_bytes(),
        };
        let plaintext = self.0.decrypt(Nonce::from_slice(nonce), payload).ok()?;
        serde_json::from_slice(&plaintext).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::SecretString;

    fn seal(secret: &str) -> TokenSeal {
        TokenSeal::new(&CookieKeys::from_secret(&SecretString::from(secret.repeat(32))).unwrap())
    }

    #[test]
    fn sealed_tokens_open_only_with_the_key_for_their_row() {
        let tokens = Tokens {
            access_token: "access-secret".into(),
            token_type: "Bearer".into(),
            expires_in: Some(604_800),
            refresh_token: Some("refresh-secret".into()),
            scope: "identify".into(),
            expires_at: Some(1_800_000_000),
        };
        let sealed = seal("a").seal(&tokens, "row-1");
        assert!(!sealed.contains("secret"));
        let decoded = String::from_utf8_lossy(&STANDARD.decode(&sealed).unwrap()).to_string();
        assert!(!decoded.contains("access-secret"));
        assert_eq!(seal("a").open(&sealed, "row-1"), Some(tokens.clone()));
        assert_eq!(seal("a").open(&sealed, "row-2"), None, "another row");
        assert_eq!(seal("b").open(&sealed, "row-1"), None, "another key");
        assert_eq!(seal("a").open("garbage", "row-1"), None);
    }
}
