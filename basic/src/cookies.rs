//! Sealed cookies: how the server keeps a secret in the browser.
//!
//! A *signed* cookie can be read by anyone who holds it and only proves it
//! was not changed. A *private* cookie is encrypted and authenticated
//! (AES-256-GCM in the `cookie` crate): its holder can neither read nor
//! change it. Everything this project keeps in a cookie (stage 1's PKCE
//! verifier, stage 2's tokens) is a secret, so every cookie here is private.
//!
//! The cookie's name is bound into the encryption as associated data, so a
//! value sealed as one cookie cannot be replayed as another. The key comes
//! from configuration (`SESSION_SECRET`, see `common::cookie_keys`).

use common::cookie_keys::{CookieKeys, CookiePolicy};
use cookie::{Cookie, CookieJar, SameSite};
use http::HeaderValue;
use std::time::Duration;

/// A cookie with the attributes every cookie of a stage gets, and why.
fn with_attributes(
    policy: CookiePolicy,
    name: &'static str,
    value: String,
    max_age: Duration,
) -> Cookie<'static> {
    let mut cookie = Cookie::new(name, value);
    // HttpOnly: page scripts cannot read it, so an XSS cannot steal it.
    cookie.set_http_only(true);
    // Lax: sent on top-level navigations from other sites (the redirect
    // back from the provider is one), not on their forms or images.
    // Strict would drop it exactly on that redirect.
    cookie.set_same_site(SameSite::Lax);
    cookie.set_path("/");
    cookie.set_secure(policy.secure);
    let seconds = i64::try_from(max_age.as_secs()).unwrap_or(i64::MAX);
    cookie.set_max_age(cookie::time::Duration::seconds(seconds));
    cookie
}

/// A `Set-Cookie` header (cookie text is always a valid header value).
fn set_cookie_header(text: &str) -> HeaderValue {
    HeaderValue::from_str(text).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// The cookie `name` in a `Cookie` request header, as it came.
pub fn find<'a>(cookie_header: Option<&'a str>, name: &str) -> Option<Cookie<'a>> {
    // This runs on every request of a logged-in user, so it avoids building
    // a jar: find the one cookie.
    Cookie::split_parse(cookie_header?)
        .filter_map(Result::ok)
        .find(|cookie| cookie.name() == name)
}

/// Reads and decrypts the cookie `name` from a `Cookie` request header.
/// Missing, tampered, truncated or sealed with another key: all `None`.
pub fn open(keys: &CookieKeys, cookie_header: Option<&str>, name: &str) -> Option<String> {
    let sealed = find(cookie_header, name)?;
    CookieJar::new()
        .private(keys.key())
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
    let mut jar = CookieJar::new();
    jar.private_mut(keys.key())
        .add(with_attributes(policy, name, value, max_age));
    let sealed = jar.get(name).map(|c| c.to_string()).unwrap_or_default();
    set_cookie_header(&sealed)
}

/// A `Set-Cookie` value that stores `value` as it is, for `max_age`, with
/// the same attributes: for a value that is no secret to its holder (stage
/// 3 keeps only a random session id in the browser).
pub fn plain(
    policy: CookiePolicy,
    name: &'static str,
    value: String,
    max_age: Duration,
) -> HeaderValue {
    set_cookie_header(&with_attributes(policy, name, value, max_age).to_string())
}

/// A `Set-Cookie` value that deletes the cookie `name` (empty, expired).
pub fn expire(policy: CookiePolicy, name: &'static str) -> HeaderValue {
    let mut cookie = with_attributes(policy, name, String::new(), Duration::ZERO);
    cookie.set_expires(cookie::time::OffsetDateTime::UNIX_EPOCH);
    set_cookie_header(&cookie.to_string())
}

/// The `Cookie` request header a browser sends back for a `Set-Cookie`:
/// its `name=value` part (for unit tests).
#[cfg(test)]
pub(crate) fn header_of(set_cookie: &HeaderValue) -> String {
    let text = set_cookie.to_str().unwrap_or_default();
    text.split(';').next().unwrap_or_default().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::SecretString;

    fn keys() -> CookieKeys {
        CookieKeys::from_secret(&SecretString::from("a".repeat(32))).unwrap()
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
