//! Random values and the checks that compare them.
//!
//! Every code and token comes from one cryptographically secure generator.
//! With a seed it becomes deterministic, so that a transcript of a whole
//! flow can be compared byte for byte across runs.

use base64::Engine;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/// Discord's codes and tokens are 30 alphanumeric characters:
/// 30 * log2(62) ≈ 178 bits, comfortably above the 128 bits the RFCs ask for.
pub const TOKEN_LEN: usize = 30;

/// The source of every code and token.
pub struct SecretSource {
    rng: StdRng,
}

impl SecretSource {
    /// `Some(seed)` makes every value reproducible, for snapshots; `None`
    /// draws from the operating system.
    pub fn new(seed: Option<u64>) -> Self {
        let rng = match seed {
            Some(seed) => StdRng::seed_from_u64(seed),
            None => StdRng::from_os_rng(),
        };
        SecretSource { rng }
    }

    pub fn token(&mut self) -> String {
        (0..TOKEN_LEN)
            .map(|_| ALPHABET[self.rng.random_range(0..ALPHABET.len())] as char)
            .collect()
    }
}

/// `BASE64URL-ENCODE(SHA256(ASCII(code_verifier)))`: the S256 challenge a
/// verifier stands for.
pub fn pkce_s256(verifier: &str) -> String {
    let digest = Sha256::digest(verifier.as_bytes());
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(digest)
}

pub fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

/// RFC 7636 §4.1: a verifier (and an S256 challenge) is 43 to 128 characters
/// from the unreserved set `[A-Z] / [a-z] / [0-9] / "-" / "." / "_" / "~"`.
pub fn is_pkce_string(value: &str) -> bool {
    (43..=128).contains(&value.len())
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'))
}

/// What the inspector shows of a secret: enough to tell two apart, not
/// enough to use one.
pub fn shorten(secret: &str) -> String {
    let head: String = secret.chars().take(4).collect();
    format!("{head}…")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc7636_appendix_b_example_verifies() {
        assert_eq!(
            pkce_s256("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
        assert_ne!(
            pkce_s256("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXl"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    #[test]
    fn seeded_sources_repeat_and_unseeded_do_not() {
        assert_eq!(
            SecretSource::new(Some(7)).token(),
            SecretSource::new(Some(7)).token()
        );
        assert_ne!(
            SecretSource::new(None).token(),
            SecretSource::new(None).token()
        );
        assert_eq!(SecretSource::new(None).token().len(), TOKEN_LEN);
    }

    #[test]
    fn shorten_keeps_four_characters() {
        assert_eq!(shorten("abcdefgh"), "abcd…");
    }
}
