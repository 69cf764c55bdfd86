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
    // The id is no secret to the browser that holds it: stored as it is,
    // with the attributes every cookie of a stage gets.
    let cookie =
        basic::cookies::with_attributes(policy, SESSION_COOKIE, id.as_str().to_string(), lifetime);
    basic::cookies::set_cookie_header(&cookie.to_string())
}

pub fn clear(policy: CookiePolicy) -> HeaderValue {
    basic::cookies::expire(policy, SESSION_COOKIE)
}

/// 401, and the browser's cookie deleted: its session is over.
pub fn session_over(policy: CookiePolicy) -> Problem {
    Problem::not_logged_in().with_cookie(clear(policy))
}

/// 401, the cookie deleted, and why: the login gave no refresh token, so
/// its session ended with its access token. Said, not left as a bare 401,
/// because the user did nothing wrong and would otherwise wonder.
pub fn ended_without_refresh_token(policy: CookiePolicy, provider: &str) -> Problem {
    Problem::new(
        http::StatusCode::UNAUTHORIZED,
        format!(
            "Your session ended when its access token expired: {provider} gave this login no \
             refresh token (Google gives one only at the first consent to offline access). \
             Log in again at /login."
        ),
    )
    .with_cookie(clear(policy))
}
