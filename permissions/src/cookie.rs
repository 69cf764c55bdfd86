//! The session cookie of stage 3: only the random [`SessionId`], with the
//! attributes stage 1 taught (HttpOnly, SameSite=Lax, Path=/, Secure
//! unless plain http on loopback).
//!
//! When the cookie is `Secure`, its name carries the `__Host-` prefix: a
//! browser then accepts it only from a secure origin, with `Path=/` and no
//! `Domain`, so a sibling subdomain cannot plant a session of its choosing.

use crate::session_id::SessionId;
use common::CookiePolicy;
use http::HeaderValue;
use std::time::Duration;

/// The cookie's name under this policy.
pub fn name(policy: CookiePolicy) -> &'static str {
    if policy.secure {
        "__Host-session"
    } else {
        "session"
    }
}

/// The session id in this request's cookies, if there is a well-formed one.
pub fn read(policy: CookiePolicy, cookie_header: Option<&str>) -> Option<SessionId> {
    let cookie = basic::cookies::find(cookie_header, name(policy))?;
    SessionId::parse(cookie.value())
}

pub fn set(policy: CookiePolicy, id: &SessionId, lifetime: Duration) -> HeaderValue {
    basic::cookies::plain(policy, name(policy), id.as_str().to_string(), lifetime)
}

pub fn clear(policy: CookiePolicy) -> HeaderValue {
    basic::cookies::expire(policy, name(policy))
}
