//! The provider's tokens, sealed at rest.
//!
//! A session row must hold the user's Discord tokens, stage 1's [`Tokens`]
//! (to refresh them, and to revoke them at logout). Kept in the clear, a database dump would be a
//! list of live Discord logins. So they are encrypted and authenticated
//! (AES-256-GCM) with a key derived from `SESSION_SECRET`, which the
//! database never sees. What the tokens belong to is bound in as
//! associated data ([`SealedFor`]): the row, the provider that issued
//! them and the user, with a version. Sealed tokens copied into another
//! row, or a row whose provider or user was changed, do not open; so
//! tokens written for one provider never go to another's endpoints.

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

/// What sealed tokens belong to, bound into their seal (AEAD associated
/// data): they open only for the same row, provider and user.
#[derive(Debug, Clone, Copy)]
pub struct SealedFor<'a> {
    /// The session row's id hash.
    pub row: &'a str,
    /// The provider that issued the tokens (`discord`, `google`).
    pub provider: &'a str,
    pub user_id: i64,
}

/// The layout of the associated data. A change to it gets a new version,
/// so that no two layouts can ever read the same bytes differently.
const SEAL_VERSION: &str = "tokens-v1";

impl SealedFor<'_> {
    fn associated_data(&self) -> Vec<u8> {
        // The row is a hex hash and the provider a name of ours: neither
        // holds a newline, so the fields cannot run into each other.
        format!(
            "{SEAL_VERSION}\n{}\n{}\n{}",
            self.provider, self.user_id, self.row
        )
        .into_bytes()
    }
}

/// A nonce's length: AES-GCM's 96 bits.
const NONCE_LEN: usize = 12;

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

    /// base64(nonce ‖ ciphertext) of the tokens, bound to what they are
    /// `sealed_for`.
    pub fn seal(&self, tokens: &Tokens, sealed_for: SealedFor<'_>) -> String {
        let plaintext = serde_json::to_vec(tokens).unwrap_or_default();
        let mut nonce = [0u8; NONCE_LEN];
        rand::rng().fill_bytes(&mut nonce);
        let aad = sealed_for.associated_data();
        let payload = Payload {
            msg: &plaintext,
            aad: &aad,
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
    pub fn open(&self, sealed: &str, sealed_for: SealedFor<'_>) -> Option<Tokens> {
        let bytes = STANDARD.decode(sealed).ok()?;
        // A corrupted row may hold less than a nonce: no tokens, no panic.
        if bytes.len() < NONCE_LEN {
            return None;
        }
        let (nonce, ciphertext) = bytes.split_at(NONCE_LEN);
        let aad = sealed_for.associated_data();
        let payload = Payload {
            msg: ciphertext,
            aad: &aad,
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
        let ours = SealedFor {
            row: "row-1",
            provider: "discord",
            user_id: 7,
        };
        let sealed = seal("a").seal(&tokens, ours);
        assert!(!sealed.contains("secret"));
        let decoded = String::from_utf8_lossy(&STANDARD.decode(&sealed).unwrap()).to_string();
        assert!(!decoded.contains("access-secret"));
        assert_eq!(seal("a").open(&sealed, ours), Some(tokens.clone()));
        let elsewhere = [
            SealedFor {
                row: "row-2",
                ..ours
            },
            SealedFor {
                provider: "google",
                ..ours
            },
            SealedFor { user_id: 8, ..ours },
        ];
        for other in elsewhere {
            assert_eq!(seal("a").open(&sealed, other), None, "{other:?}");
        }
        assert_eq!(seal("b").open(&sealed, ours), None, "another key");
        assert_eq!(seal("a").open("garbage", ours), None);
        // A corrupted row shorter than a nonce: none, and no panic.
        for short in ["", "AAAA", "AAAAAAAAAAAAAAA="] {
            assert_eq!(seal("a").open(short, ours), None, "{short:?}");
        }
    }
}
