//! PKCE (RFC 7636), as the provider checks it: the S256 transform, the
//! verifier's alphabet, and the check the token endpoints make before they
//! trade a code. The inspector only shows the check's result.

use crate::oauth::secrets::{constant_time_eq, shorten};
use base64::Engine;
use serde::Serialize;
use sha2::{Digest, Sha256};
use warp::reply::Response;

/// `BASE64URL-ENCODE(SHA256(ASCII(code_verifier)))`: the S256 challenge a
/// verifier stands for.
pub fn pkce_s256(verifier: &str) -> String {
    let digest = Sha256::digest(verifier.as_bytes());
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(digest)
}

/// RFC 7636 §4.1: a verifier (and an S256 challenge) is 43 to 128 characters
/// from the unreserved set `[A-Z] / [a-z] / [0-9] / "-" / "." / "_" / "~"`.
pub fn is_pkce_string(value: &str) -> bool {
    (43..=128).contains(&value.len())
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'))
}

/// The PKCE check as the token endpoint made it (RFC 7636 §4.6): the
/// verifier's SHA-256, base64url-encoded, against the challenge the
/// authorization request carried. Each is kept shortened, as the journal
/// keeps the challenge (a challenge read off the inspector while its login
/// is under way lets a reader mint a code the victim's browser accepts);
/// `matches` says what the whole values did.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PkceCheck {
    /// `abcd…`, or `None` if the token request carried no verifier.
    pub verifier: Option<String>,
    /// `BASE64URL(SHA256(verifier))`, shortened, when there was a verifier.
    pub computed: Option<String>,
    /// The challenge stored with the code, shortened, if the login sent one.
    pub challenge: Option<String>,
    pub matches: bool,
}

impl PkceCheck {
    /// RFC 7636 §4.6, for a code issued with `challenge` (if the login sent
    /// one) and redeemed with `verifier` (if the token request sent one). A
    /// challenge without a verifier fails, and so does a verifier nobody
    /// asked for. `BASE64URL(SHA256(verifier))` is compared with the
    /// challenge in constant time, like every other secret here.
    pub fn of(challenge: Option<&str>, verifier: Option<&str>) -> PkceCheck {
        // RFC 7636 §4.1: a verifier of the wrong length or alphabet is
        // refused without hashing.
        let computed = verifier.filter(|v| is_pkce_string(v)).map(pkce_s256);
        let matches = match (challenge, verifier, &computed) {
            (Some(challenge), Some(_), Some(computed)) => constant_time_eq(computed, challenge),
            (None, None, _) => true,
            _ => false,
        };
        PkceCheck {
            verifier: verifier.map(shorten),
            computed: computed.as_deref().map(shorten),
            challenge: challenge.map(shorten),
            matches,
        }
    }

    /// Leaves the check on `response` for the inspector (a response
    /// extension: it is never sent).
    pub fn attach_to(self, mut response: Response) -> Response {
        response.extensions_mut().insert(self);
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

    #[test]
    fn rfc7636_appendix_b_example_verifies() {
        assert_eq!(pkce_s256(VERIFIER), CHALLENGE);
        assert_ne!(
            pkce_s256("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXl"),
            CHALLENGE
        );
    }

    #[test]
    fn the_pkce_check_follows_rfc_7636() {
        let right = PkceCheck::of(Some(CHALLENGE), Some(VERIFIER));
        assert!(right.matches);
        assert_eq!(right.computed, Some(shorten(CHALLENGE)));
        assert_eq!(right.challenge, right.computed);
        assert_eq!(right.verifier.as_deref(), Some("dBjf…"));
        let wrong = VERIFIER.replace('k', "l");
        assert!(!PkceCheck::of(Some(CHALLENGE), Some(&wrong)).matches);
        assert!(PkceCheck::of(None, None).matches, "no PKCE at either end");
        assert!(
            !PkceCheck::of(Some(CHALLENGE), None).matches,
            "a challenge without a verifier"
        );
        assert!(
            !PkceCheck::of(None, Some(VERIFIER)).matches,
            "a verifier nobody asked for"
        );
        let short = PkceCheck::of(Some(CHALLENGE), Some("too-short"));
        assert!(!short.matches);
        assert_eq!(short.computed, None, "a malformed verifier is not hashed");
    }
}
