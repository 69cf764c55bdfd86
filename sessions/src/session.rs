//! The session: what the server remembers about a logged-in browser, kept
//! in that browser, encrypted.
//!
//! The cookie is sealed by stage 1's [`basic::cookies`]: *private*
//! (encrypted and authenticated), not merely *signed*. The FastAPI tutorial
//! this project grew from used a signed cookie (Starlette's
//! `SessionMiddleware`): base64 JSON anyone holding it can decode, access
//! token included. Here the holder sees only ciphertext; see
//! `tests/session_cookie.rs`, which searches the cookie for the token.

use crate::{refresh, signed_cookie};
use basic::cookies::{self, CookieName};
use basic::tokens::Tokens;
use common::cookie_keys::{CookieKeys, CookiePolicy};
use common::lab::Defence;
use common::{App, Problem};
use http::HeaderValue;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::time::Duration;

pub const SESSION_COOKIE: CookieName = CookieName {
    plain: "session",
    secure: "__Host-session",
};
/// As in the FastAPI tutorial: a week, Discord's access token lifetime.
/// Counted from the login, never restarted by a refresh: otherwise a thief
/// replaying a copied cookie in the minute before each expiry would keep
/// it alive until the user logged out. Checked by the server: `Max-Age` is
/// only advice to the browser, and a copied cookie knows nothing of it.
pub const SESSION_LIFETIME: Duration = Duration::from_secs(7 * 24 * 3600);
/// Half that week: a session nobody uses for this long is over, so a
/// cookie left behind on a shared computer (or copied, then kept for
/// later) does not last the whole week. Counted from the cookie's
/// `issued_at`, which each use renews (see [`RENEW_AFTER`]).
pub const SESSION_IDLE: Duration = Duration::from_secs(7 * 24 * 3600 / 2);
/// A cookie older than this is reissued, with a new `issued_at`, on its
/// next use. Once an hour, not at every request: the idle limit then
/// counts to within an hour, and a busy page does not re-encrypt and
/// resend its cookie with every answer.
pub const RENEW_AFTER: Duration = Duration::from_secs(3600);

/// One-letter field names keep the cookie small: browsers drop cookies
/// over 4096 bytes, and every request carries this one.
#[derive(Clone, Serialize, Deserialize, PartialEq)]
pub struct Session {
    #[serde(rename = "a")]
    pub access_token: String,
    #[serde(rename = "r")]
    pub refresh_token: Option<String>,
    /// Unix seconds when the access token stops working.
    #[serde(rename = "e")]
    pub expires_at: u64,
    #[serde(rename = "s")]
    pub scope: String,
    /// The user's display name, fetched once at login for the home page.
    #[serde(rename = "n")]
    pub user_name: String,
    /// Unix seconds when this cookie was issued (at login, at each
    /// refresh, and when a use renews it): the idle limit counts from
    /// here. Sealed with the rest, so its holder cannot move it.
    #[serde(rename = "i")]
    pub issued_at: u64,
    /// Unix seconds of the login itself, kept across refreshes: the
    /// session's lifetime counts from here.
    #[serde(rename = "l")]
    pub logged_in_at: u64,
}

impl fmt::Debug for Session {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Session")
            .field("access_token", &"[REDACTED]")
            .field(
                "refresh_token",
                &self.refresh_token.as_ref().map(|_| "[REDACTED]"),
            )
            .field("expires_at", &self.expires_at)
            .field("scope", &self.scope)
            .field("user_name", &self.user_name)
            .field("issued_at", &self.issued_at)
            .field("logged_in_at", &self.logged_in_at)
            .finish()
    }
}

impl Session {
    pub fn new(tokens: Tokens, user_name: String, now: u64) -> Session {
        let expires_at = refresh::access_expires_at(&tokens, now);
        Session {
            access_token: tokens.access_token,
            refresh_token: tokens.refresh_token,
            expires_at,
            scope: tokens.scope,
            user_name,
            issued_at: now,
            logged_in_at: now,
        }
    }

    /// The same login with refreshed tokens, in a newly issued cookie: its
    /// lifetime still counts from the login.
    pub fn refreshed(self, tokens: Tokens, now: u64) -> Session {
        let tokens = refresh::keeping_refresh_token(tokens, self.refresh_token);
        Session {
            logged_in_at: self.logged_in_at,
            ..Session::new(tokens, self.user_name, now)
        }
    }

    /// Has this login outlived [`SESSION_LIFETIME`], or gone unused for
    /// [`SESSION_IDLE`]? A cookie issued (or a login made) in the future
    /// counts as over: its age would read as zero until that time came
    /// ([`common::clock::from_the_future`]).
    pub fn is_over(&self, now: u64) -> bool {
        // >>> exercise: session-over
        common::clock::from_the_future(self.issued_at, now)
            || common::clock::from_the_future(self.logged_in_at, now)
            || now.saturating_sub(self.logged_in_at) >= SESSION_LIFETIME.as_secs()
            || now.saturating_sub(self.issued_at) >= SESSION_IDLE.as_secs()
        // <<< exercise: session-over
    }

    /// Is this cookie old enough to be reissued at this use ([`RENEW_AFTER`])?
    pub fn needs_renewal(&self, now: u64) -> bool {
        now.saturating_sub(self.issued_at) >= RENEW_AFTER.as_secs()
    }

    /// The same session in a cookie issued now: its idle time starts again,
    /// its lifetime does not.
    pub fn renewed(self, now: u64) -> Session {
        Session {
            issued_at: now,
            ..self
        }
    }

    /// How long the browser should keep this cookie: until the server
    /// would refuse it anyway, unused (the idle limit) or not (what is
    /// left of the login's lifetime).
    fn max_age(&self) -> Duration {
        let used = self.issued_at.saturating_sub(self.logged_in_at);
        SESSION_LIFETIME
            .saturating_sub(Duration::from_secs(used))
            .min(SESSION_IDLE)
    }

    /// The session in this request's cookies. A missing, tampered,
    /// truncated, garbage or old-key cookie is simply no session; two
    /// session cookies are a 400 ([`cookies::find`]).
    pub fn from_cookies(
        keys: &CookieKeys,
        policy: CookiePolicy,
        cookie_header: Option<&str>,
    ) -> Result<Option<Session>, Problem> {
        let json = cookies::open(keys, policy, cookie_header, SESSION_COOKIE)?;
        Ok(json.and_then(|json| serde_json::from_str(&json).ok()))
    }

    pub fn to_cookie(&self, keys: &CookieKeys, policy: CookiePolicy) -> HeaderValue {
        // >>> exercise: sealed-cookie
        let json = serde_json::to_string(self).unwrap_or_default();
        cookies::seal(keys, policy, SESSION_COOKIE, json, self.max_age())
        // <<< exercise: sealed-cookie
    }

    /// The session in this request's cookies, as `app` seals them:
    /// encrypted, or only signed while `LAB=signed-cookie` has encryption
    /// switched off.
    pub fn in_request(app: &App, cookie_header: Option<&str>) -> Result<Option<Session>, Problem> {
        if app.lab.is_on(Defence::EncryptedCookie) {
            return Session::from_cookies(&app.keys, app.cookies, cookie_header);
        }
        let json =
            signed_cookie::open_signed(&app.keys, app.cookies, cookie_header, SESSION_COOKIE)?;
        Ok(json.and_then(|json| serde_json::from_str(&json).ok()))
    }

    /// The `Set-Cookie` header that hands this session to the browser, as
    /// `app` seals it (see [`Session::in_request`]).
    pub fn cookie_for(&self, app: &App) -> HeaderValue {
        if app.lab.is_on(Defence::EncryptedCookie) {
            return self.to_cookie(&app.keys, app.cookies);
        }
        let json = serde_json::to_string(self).unwrap_or_default();
        signed_cookie::sign_only(&app.keys, app.cookies, SESSION_COOKIE, json, self.max_age())
    }

    pub fn clear_cookie(policy: CookiePolicy) -> HeaderValue {
        cookies::expire(policy, SESSION_COOKIE)
    }
}
