//! The session cookie of `LAB=signed-cookie`: what the FastAPI tutorial's
//! session cookie was. Signed, not encrypted: nobody can change it without
//! the key, but anyone holding it can read it, the token included. The
//! lab shows that; every other run seals the session ([`basic::cookies`]).

use base64::Engine;
use basic::cookies::{find, set_cookie_from, with_attributes, CookieName};
use common::cookie_keys::{CookieKeys, CookiePolicy};
use common::Problem;
use cookie::CookieJar;
use http::HeaderValue;
use std::time::Duration;

/// `value`, base64-encoded and *signed*, as a `Set-Cookie` value.
pub fn sign_only(
    keys: &CookieKeys,
    policy: CookiePolicy,
    name: CookieName,
    value: String,
    max_age: Duration,
) -> HeaderValue {
    let encoded = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(value);
    let mut jar = CookieJar::new();
    jar.signed_mut(keys.key())
        .add(with_attributes(policy, name, encoded, max_age));
    set_cookie_from(&jar, policy, name)
}

/// Reads a cookie made by [`sign_only`]: the signature checked, the value
/// decoded.
pub fn open_signed(
    keys: &CookieKeys,
    policy: CookiePolicy,
    cookie_header: Option<&str>,
    name: CookieName,
) -> Result<Option<String>, Problem> {
    let Some(signed) = find(cookie_header, name.under(policy))? else {
        return Ok(None);
    };
    // `verify` checks the signature and gives back the value without it.
    Ok(CookieJar::new()
        .signed(keys.key())
        .verify(signed.into_owned())
        .and_then(|cookie| decode(cookie.value())))
}

/// What anyone holding a [`sign_only`] cookie can read, with no key: skip
/// the signature (44 characters of base64), decode the rest.
pub fn read_signed_value(value: &str) -> Option<String> {
    decode(value.get(44..).unwrap_or(value))
}

fn decode(encoded: &str) -> Option<String> {
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(encoded)
        .ok()?;
    String::from_utf8(bytes).ok()
}
