//! The key the mock signs ID tokens with (Google's personality, and any
//! OpenID Connect personality after it), and its JWKS.
//!
//! An ID token is a JWT (RFC 7519): three base64url parts, header, claims
//! and signature, joined by dots. Google signs with RS256 (RSASSA-PKCS1-v1_5
//! with SHA-256, RFC 7518 §3.3) and publishes the public half of its keys
//! at `jwks_uri`, each named by a `kid` that the token's header repeats.
//! A client that trusts a token must check that signature first: anyone
//! can write a JSON object, only the issuer can sign it.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use rand_chacha_03::ChaCha20Rng;
use rand_core_06::SeedableRng;
use rsa::pkcs1v15::SigningKey;
use rsa::signature::{SignatureEncoding, Signer};
use rsa::traits::PublicKeyParts;
use rsa::RsaPrivateKey;
use serde_json::{json, Value};
use sha2::Sha256;
use std::fmt;

/// Google's keys are 2048-bit RSA.
const KEY_BITS: usize = 2048;

pub struct SigningKeys {
    kid: String,
    key: SigningKey<Sha256>,
    jwks: Value,
}

/// The private key must never print.
impl fmt::Debug for SigningKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningKeys")
            .field("kid", &self.kid)
            .finish_non_exhaustive()
    }
}

impl SigningKeys {
    /// A fresh key; the same one every time under `--seed`.
    pub fn generate(seed: Option<u64>) -> SigningKeys {
        let mut rng = match seed {
            // Mixed with "google" in ASCII, so that this key's randomness is
            // not the same stream as the seeded tokens'.
            Some(seed) => ChaCha20Rng::seed_from_u64(seed ^ 0x676f_6f67_6c65),
            None => ChaCha20Rng::from_entropy(),
        };
        let private =
            RsaPrivateKey::new(&mut rng, KEY_BITS).expect("RSA key generation does not fail");
        let public = private.to_public_key();
        let n = URL_SAFE_NO_PAD.encode(public.n().to_bytes_be());
        let e = URL_SAFE_NO_PAD.encode(public.e().to_bytes_be());
        // A key id derived from the key, as stable as the key itself.
        let kid = {
            use sha2::Digest;
            let digest = Sha256::digest(n.as_bytes());
            hex(&digest[..20])
        };
        let jwks = json!({
            "keys": [{
                "kty": "RSA",
                "alg": "RS256",
                "use": "sig",
                "kid": kid,
                "n": n,
                "e": e,
            }]
        });
        SigningKeys {
            kid,
            key: SigningKey::<Sha256>::new(private),
            jwks,
        }
    }

    /// The JSON Web Key Set (RFC 7517) served at `jwks_uri`.
    pub fn jwks(&self) -> &Value {
        &self.jwks
    }

    /// A signed JWT with these claims.
    pub fn sign(&self, claims: &Value) -> String {
        let header = json!({"alg": "RS256", "kid": self.kid, "typ": "JWT"});
        let signing_input = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header.to_string()),
            URL_SAFE_NO_PAD.encode(claims.to_string())
        );
        let signature = self.key.sign(signing_input.as_bytes());
        format!(
            "{signing_input}.{}",
            URL_SAFE_NO_PAD.encode(signature.to_bytes())
        )
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rsa::pkcs1v15::{Signature, VerifyingKey};
    use rsa::signature::Verifier;
    use rsa::{BigUint, RsaPublicKey};

    #[test]
    fn a_token_verifies_against_the_published_key_and_the_seed_fixes_the_key() {
        let keys = SigningKeys::generate(Some(7));
        let token = keys.sign(&json!({"sub": "1"}));
        let parts: Vec<&str> = token.split('.').collect();
        assert_eq!(parts.len(), 3);
        let jwk = &keys.jwks()["keys"][0];
        let number = |name: &str| {
            BigUint::from_bytes_be(&URL_SAFE_NO_PAD.decode(jwk[name].as_str().unwrap()).unwrap())
        };
        let public = RsaPublicKey::new(number("n"), number("e")).unwrap();
        let verifier = VerifyingKey::<Sha256>::new(public);
        let signature =
            Signature::try_from(URL_SAFE_NO_PAD.decode(parts[2]).unwrap().as_slice()).unwrap();
        let input = format!("{}.{}", parts[0], parts[1]);
        assert!(verifier.verify(input.as_bytes(), &signature).is_ok());
        assert!(verifier.verify(b"tampered", &signature).is_err());
        assert_eq!(SigningKeys::generate(Some(7)).jwks(), keys.jwks());
        assert!(!format!("{keys:?}").contains(jwk["n"].as_str().unwrap()));
    }
}
