//! The session cookie of stage 3: only the random [`SessionId`], with the
//! attributes stage 1 taught (HttpOnly, SameSite=Lax, Path=/, Secure
//! unless plain http on loopback).
//!
//! Stage 2's cookie name: `session`, or `__Host-session` when `Secure`
//! (see [`basic::cookies::CookieName`]).

use crate::session_id::SessionId;
use common::{CookiePolicy, Problem};
use http::HeaderValue;
use sessions::session::SESSION_COOKIE;
use std::time::Duration;

/// The session id in this request's cookies, if there is a well-formed
/// one; two session cookies are a 400.
pub fn read(
    policy: CookiePolicy,
    cookie_header: Option<&str>,
) -> Result<Option<SessionId>, Problem> {
    let cookie = basic::cookies::find(cookie_header, SESSION_COOKIE.under(policy))?;
    Ok(cookie.and_then(|cookie| SessionId::parse(cookie.value())))
}

pub fn set(policy: CookiePolicy, id: &SessionId, lifetime: Duration) -> HeaderValue {
    basic::cookies::plain(policy, SESSION_COOKIE, id.as_str().to_string(), lifetime)
}

pub fn clear(policy: CookiePolicy) -> HeaderValue {
    basic::cookies::expire(policy, SESSION_COOKIE)
}

/// 401, and the browser's cookie deleted: its session is over.
pub fn session_over(policy: CookiePolicy) -> Problem {
    Problem::not_logged_in().with_cookie(clear(policy))
}
