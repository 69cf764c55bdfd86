//! Encrypted ("private") cookies.
//!
//! A *signed* cookie can be read by anyone who holds it and only proves it
//! was not changed. A *private* cookie is encrypted and authenticated
//! (AES-256-GCM in the `cookie` crate): its holder can neither read nor
//! change it. Everything this project keeps in a cookie (a PKCE verifier,
//! later a token) is a secret, so every cookie here is private.
//!
//! The cookie's name is bound into the encryption as associated data, so a
//! value sealed as one cookie cannot be replayed as another.

use cookie::{Cookie, CookieJar, Key, SameSite};
use http::HeaderValue;
use secrecy::{ExposeSecret, SecretString};
use std::fmt;
use std::time::Duration;

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
    /// Derives the encryption key from a master secret. `Key::derive_from`
    /// panics below 32 bytes, so the length is checked first.
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
}

/// The attributes every cookie of a stage gets.
#[derive(Debug, Clone, Copy)]
pub struct CookiePolicy {
    /// `Secure`: only sent over https. Off only for plain http on loopback,
    /// where a browser would refuse to store a `Secure` cookie.
    pub secure: bool,
}

impl CookiePolicy {
    fn apply(&self, cookie: &mut Cookie<'static>, max_age: Duration) {
        // HttpOnly: page scripts cannot read it, so an XSS cannot steal it.
        cookie.set_http_only(true);
        // Lax: sent on top-level navigations from other sites (the redirect
        // back from the provider is one), not on their forms or images.
        cookie.set_same_site(SameSite::Lax);
        cookie.set_path("/");
        cookie.set_secure(self.secure);
        cookie.set_max_age(cookie::time::Duration::seconds(max_age.as_secs() as i64));
    }
}

/// The request's `Cookie` header, for [`open`].
pub fn header(
) -> impl warp::Filter<Extract = (Option<String>,), Error = std::convert::Infallible> + Clone {
    use warp::Filter;
    warp::header::optional::<String>("cookie")
        .or_else(|_| async { Ok::<_, std::convert::Infallible>((None,)) })
}

/// Reads and decrypts the cookie `name` from a `Cookie` request header.
/// Missing, tampered, truncated or sealed with another key: all `None`.
pub fn open(keys: &CookieKeys, cookie_header: Option<&str>, name: &str) -> Option<String> {
    // This runs on every request of a logged-in user, so it avoids building
    // a jar: find the one cookie, then decrypt it.
    let sealed = Cookie::split_parse(cookie_header?)
        .filter_map(Result::ok)
        .find(|cookie| cookie.name() == name)?;
    CookieJar::new()
        .private(&keys.0)
        .decrypt(sealed.into_owned())
        .map(|cookie| cookie.value().to_string())
}

/// A `Set-Cookie` value that stores `value`, encrypted, for `max_age`.
pub fn seal(
    keys: &CookieKeys,
    policy: CookiePolicy,
    name: &'static str,
    value: String,
    max_age: Duration,
) -> HeaderValue {
    let mut cookie = Cookie::new(name, value);
    policy.apply(&mut cookie, max_age);
    let mut jar = CookieJar::new();
    jar.private_mut(&keys.0).add(cookie);
    let sealed = jar.get(name).map(|c| c.to_string()).unwrap_or_default();
    HeaderValue::from_str(&sealed).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// A `Set-Cookie` value that deletes the cookie `name` (empty, expired).
pub fn expire(policy: CookiePolicy, name: &'static str) -> HeaderValue {
    let mut cookie = Cookie::new(name, "");
    policy.apply(&mut cookie, Duration::ZERO);
    cookie.set_expires(cookie::time::OffsetDateTime::UNIX_EPOCH);
    HeaderValue::from_str(&cookie.to_string()).unwrap_or_else(|_| HeaderValue::from_static(""))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> CookieKeys {
        CookieKeys::from_secret(&SecretString::from("a".repeat(32))).unwrap()
    }

    fn header_of(set_cookie: &HeaderValue) -> String {
        set_cookie
            .to_str()
            .unwrap()
            .split(';')
            .next()
            .unwrap()
            .to_string()
    }

    #[test]
    fn a_sealed_value_opens_and_is_not_readable() {
        let policy = CookiePolicy { secure: false };
        let set = seal(
            &keys(),
            policy,
            "c",
            "hello secret".into(),
            Duration::from_secs(60),
        );
        let text = set.to_str().unwrap();
        assert!(!text.contains("hello"), "{text}");
        assert!(
            text.contains("HttpOnly") && text.contains("SameSite=Lax") && text.contains("Path=/")
        );
        assert!(text.contains("Max-Age=60") && !text.contains("Secure"));
        assert_eq!(
            open(&keys(), Some(&header_of(&set)), "c").as_deref(),
            Some("hello secret")
        );
    }

    #[test]
    fn tampering_another_key_or_another_name_opens_nothing() {
        let policy = CookiePolicy { secure: true };
        let set = seal(&keys(), policy, "c", "v".into(), Duration::from_secs(60));
        assert!(set.to_str().unwrap().contains("Secure"));
        let header = header_of(&set);
        let other = CookieKeys::from_secret(&SecretString::from("b".repeat(32))).unwrap();
        assert_eq!(open(&other, Some(&header), "c"), None);
        let renamed = header.replacen("c=", "d=", 1);
        assert_eq!(open(&keys(), Some(&renamed), "d"), None);
        let mut flipped = header.clone().into_bytes();
        let last = flipped.len() - 3;
        flipped[last] = if flipped[last] == b'A' { b'B' } else { b'A' };
        assert_eq!(
            open(&keys(), Some(&String::from_utf8(flipped).unwrap()), "c"),
            None
        );
        assert_eq!(open(&keys(), Some(&header[..header.len() - 5]), "c"), None);
        assert_eq!(open(&keys(), Some("c=garbage"), "c"), None);
        assert_eq!(open(&keys(), Some("c="), "c"), None);
        assert_eq!(open(&keys(), None, "c"), None);
    }

    #[test]
    fn short_secrets_are_an_error_not_a_panic() {
        assert!(CookieKeys::from_secret(&SecretString::from("short")).is_err());
        assert!(!format!("{:?}", keys()).contains('a'.to_string().repeat(8).as_str()));
    }

    #[test]
    fn expiry_clears_the_cookie() {
        let text = expire(CookiePolicy { secure: false }, "c")
            .to_str()
            .unwrap()
            .to_string();
        assert!(text.starts_with("c=;"), "{text}");
        assert!(
            text.contains("Max-Age=0") && text.contains("1970"),
            "{text}"
        );
    }
}
