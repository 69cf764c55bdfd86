//! Random values, the constant-time comparison of secrets, and how much of
//! a secret the journal and the inspector show.
//!
//! Every code and token comes from one cryptographically secure generator.
//! With a seed it becomes deterministic, so that a transcript of a whole
//! flow can be compared byte for byte across runs.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
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

pub fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
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
