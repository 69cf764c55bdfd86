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
use common::Problem;
use cookie::{Cookie, CookieJar, SameSite};
use http::HeaderValue;
use std::time::Duration;

/// A cookie's name, in its two forms.
///
/// When the cookie is `Secure` (served over https), its name carries the
/// `__Host-` prefix (RFC 6265bis §4.1.3.2): a browser then accepts it only
/// from a secure origin, with `Path=/` and no `Domain`. A sibling subdomain
/// (`evil.example.com` beside `app.example.com`) can set a cookie for the
/// parent domain, which the browser sends to us too: "cookie tossing". It
/// cannot set a `__Host-` one. Over plain http on loopback the prefix would
/// make browsers drop the cookie, so it goes without.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CookieName {
    pub plain: &'static str,
    pub secure: &'static str,
}

impl CookieName {
    /// The name under this policy.
    pub fn under(self, policy: CookiePolicy) -> &'static str {
        if policy.secure {
            self.secure
        } else {
            self.plain
        }
    }
}

/// A cookie with the attributes every cookie of a stage gets, and why.
/// (Later stages make theirs here too, whatever they put in them.)
pub fn with_attributes(
    policy: CookiePolicy,
    name: CookieName,
    value: String,
    max_age: Duration,
) -> Cookie<'static> {
    let mut cookie = Cookie::new(name.under(policy), value);
    // HttpOnly: page scripts cannot read it, so an XSS cannot steal it.
    cookie.set_http_only(true);
    // Lax: sent on top-level navigations from other sites (the redirect
    // back from the provider is one), not on their forms or images.
    // Strict would drop it exactly on that redirect.
    cookie.set_same_site(SameSite::Lax);
    // Path=/ and no Domain: the cookie belongs to this host alone, not to
    // its subdomains (a Domain attribute would widen it to all of them).
    cookie.set_path("/");
    cookie.set_secure(policy.secure);
    let seconds = i64::try_from(max_age.as_secs()).unwrap_or(i64::MAX);
    cookie.set_max_age(cookie::time::Duration::seconds(seconds));
    cookie
}

/// A `Set-Cookie` header (cookie text is always a valid header value).
pub fn set_cookie_header(text: &str) -> HeaderValue {
    HeaderValue::from_str(text).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// The cookie `name` in a `Cookie` request header, as it came.
///
/// Two cookies of that name are refused, not resolved by taking the first:
/// a browser sends two when another path or domain set one as well, and
/// which comes first is up to the browser. Taking either would let a
/// tossed cookie choose the session (session fixation).
pub fn find<'a>(cookie_header: Option<&'a str>, name: &str) -> Result<Option<Cookie<'a>>, Problem> {
    // This runs on every request of a logged-in user, so it avoids building
    // a jar: one pass over the header.
    let Some(header) = cookie_header else {
        return Ok(None);
    };
    let mut named = Cookie::split_parse(header)
        .filter_map(Result::ok)
        .filter(|cookie| cookie.name() == name);
    let first = named.next();
    if named.next().is_some() {
        return Err(Problem::bad_request(format!(
            "This browser sent two cookies named {name}: one was set by another site or path. \
             Clear this site's cookies and log in again."
        )));
    }
    Ok(first)
}

/// Reads and decrypts the cookie `name` from a `Cookie` request header.
/// Missing, tampered, truncated or sealed with another key: all `Ok(None)`;
/// two of them: the error of [`find`].
pub fn open(
    keys: &CookieKeys,
    policy: CookiePolicy,
    cookie_header: Option<&str>,
    name: CookieName,
) -> Result<Option<String>, Problem> {
    let Some(sealed) = find(cookie_header, name.under(policy))? else {
        return Ok(None);
    };
    Ok(keys.open(sealed.name(), sealed.value()))
}

/// A `Set-Cookie` value that stores `value`, encrypted, for `max_age`.
pub fn seal(
    keys: &CookieKeys,
    policy: CookiePolicy,
    name: CookieName,
    value: String,
    max_age: Duration,
) -> HeaderValue {
    let mut jar = CookieJar::new();
    jar.private_mut(keys.key())
        .add(with_attributes(policy, name, value, max_age));
    set_cookie_from(&jar, policy, name)
}

/// The `Set-Cookie` header for the cookie `name` a jar holds (sealed, or
/// otherwise changed by the jar on its way in).
pub fn set_cookie_from(jar: &CookieJar, policy: CookiePolicy, name: CookieName) -> HeaderValue {
    let cookie = jar
        .get(name.under(policy))
        .map(|c| c.to_string())
        .unwrap_or_default();
    set_cookie_header(&cookie)
}

/// A `Set-Cookie` value that deletes the cookie `name` (empty, expired).
pub fn expire(policy: CookiePolicy, name: CookieName) -> HeaderValue {
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

    const C: CookieName = CookieName {
        plain: "c",
        secure: "__Host-c",
    };
    const D: CookieName = CookieName {
        plain: "d",
        secure: "__Host-d",
    };
    const HTTP: CookiePolicy = CookiePolicy { secure: false };

    #[test]
    fn a_sealed_value_opens_and_is_not_readable() {
        let set = seal(
            &keys(),
            HTTP,
            C,
            "hello secret".into(),
            Duration::from_secs(60),
        );
        let text = set.to_str().unwrap();
        assert!(!text.contains("hello"), "{text}");
        assert!(
            text.contains("HttpOnly") && text.contains("SameSite=Lax") && text.contains("Path=/")
        );
        assert!(text.contains("Max-Age=60") && !text.contains("Secure"));
        assert!(!text.to_ascii_lowercase().contains("domain"), "{text}");
        assert_eq!(
            open(&keys(), HTTP, Some(&header_of(&set)), C)
                .unwrap()
                .as_deref(),
            Some("hello secret")
        );
    }

    #[test]
    fn a_secure_cookie_carries_the_host_prefix() {
        let https = CookiePolicy { secure: true };
        for set in [
            seal(&keys(), https, C, "v".into(), Duration::from_secs(60)),
            set_cookie_header(
                &with_attributes(https, C, "v".into(), Duration::from_secs(60)).to_string(),
            ),
            expire(https, C),
        ] {
            let text = set.to_str().unwrap();
            assert!(text.starts_with("__Host-c="), "{text}");
            assert!(text.contains("Secure") && text.contains("Path=/"), "{text}");
            assert!(!text.to_ascii_lowercase().contains("domain"), "{text}");
        }
        let set = seal(&keys(), https, C, "v".into(), Duration::from_secs(60));
        assert_eq!(
            open(&keys(), https, Some(&header_of(&set)), C)
                .unwrap()
                .as_deref(),
            Some("v")
        );
        // The unprefixed name, which any subdomain could set, is not read.
        let unprefixed = header_of(&set).replacen("__Host-c=", "c=", 1);
        assert_eq!(open(&keys(), https, Some(&unprefixed), C).unwrap(), None);
    }

    #[test]
    fn two_cookies_of_one_name_are_refused_not_resolved() {
        let set = seal(&keys(), HTTP, C, "v".into(), Duration::from_secs(60));
        let one = header_of(&set);
        let two = format!("{one}; other=1; c=tossed");
        let refused = open(&keys(), HTTP, Some(&two), C).unwrap_err();
        assert_eq!(refused.status, http::StatusCode::BAD_REQUEST);
        assert!(
            refused.detail.contains("two cookies named c"),
            "{}",
            refused.detail
        );
        assert!(find(Some("c=1; c=2"), "c").is_err());
        assert_eq!(find(Some("c=1; d=2"), "c").unwrap().unwrap().value(), "1");
    }

    #[test]
    fn tampering_another_key_or_another_name_opens_nothing() {
        let set = seal(&keys(), HTTP, C, "v".into(), Duration::from_secs(60));
        let header = header_of(&set);
        let other = CookieKeys::from_secret(&SecretString::from("b".repeat(32))).unwrap();
        let opened = |keys: &CookieKeys, header: &str, name: CookieName| {
            open(keys, HTTP, Some(header), name).unwrap()
        };
        assert_eq!(opened(&other, &header, C), None);
        let renamed = header.replacen("c=", "d=", 1);
        assert_eq!(opened(&keys(), &renamed, D), None);
        let mut flipped = header.clone().into_bytes();
        let last = flipped.len() - 3;
        flipped[last] = if flipped[last] == b'A' { b'B' } else { b'A' };
        assert_eq!(
            opened(&keys(), &String::from_utf8(flipped).unwrap(), C),
            None
        );
        assert_eq!(opened(&keys(), &header[..header.len() - 5], C), None);
        assert_eq!(opened(&keys(), "c=garbage", C), None);
        assert_eq!(opened(&keys(), "c=", C), None);
        assert_eq!(open(&keys(), HTTP, None, C).unwrap(), None);
    }

    #[test]
    fn expiry_clears_the_cookie() {
        let text = expire(HTTP, C).to_str().unwrap().to_string();
        assert!(text.starts_with("c=;"), "{text}");
        assert!(
            text.contains("Max-Age=0") && text.contains("1970"),
            "{text}"
        );
    }
}
