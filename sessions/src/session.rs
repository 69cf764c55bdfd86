//! The session: what the server remembers about a logged-in browser, kept
//! in that browser, encrypted.
//!
//! The cookie is sealed by stage 1's [`basic::cookies`]: *private*
//! (encrypted and authenticated), not merely *signed*. The FastAPI tutorial
//! this project grew from used a signed cookie (Starlette's
//! `SessionMiddleware`): base64 JSON anyone holding it can decode, access
//! token included. Here the holder sees only ciphertext; see
//! `tests/session_cookie.rs`, which searches the cookie for the token.

use basic::cookies;
use basic::tokens::Tokens;
use common::cookie_keys::{CookieKeys, CookiePolicy};
use http::HeaderValue;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::time::Duration;

pub const SESSION_COOKIE: &str = "session";
/// As in the FastAPI tutorial: a week, Discord's access token lifetime.
pub const SESSION_LIFETIME: Duration = Duration::from_secs(7 * 24 * 3600);

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
            .finish()
    }
}

impl Session {
    pub fn new(tokens: Tokens, user_name: String, now: u64) -> Session {
        Session {
            access_token: tokens.access_token,
            refresh_token: tokens.refresh_token,
            // A provider that leaves out expires_in gets a conservative hour.
            expires_at: tokens.expires_at.unwrap_or(now.saturating_add(3600)),
            scope: tokens.scope,
            user_name,
        }
    }

    /// The session in this request's cookies. A missing, tampered,
    /// truncated, garbage or old-key cookie is simply no session.
    pub fn from_cookies(keys: &CookieKeys, cookie_header: Option<&str>) -> Option<Session> {
        let json = cookies::open(keys, cookie_header, SESSION_COOKIE)?;
        serde_json::from_str(&json).ok()
    }

    pub fn to_cookie(&self, keys: &CookieKeys, policy: CookiePolicy) -> HeaderValue {
        let json = serde_json::to_string(self).unwrap_or_default();
        cookies::seal(keys, policy, SESSION_COOKIE, json, SESSION_LIFETIME)
    }

    pub fn clear_cookie(policy: CookiePolicy) -> HeaderValue {
        cookies::expire(policy, SESSION_COOKIE)
    }
}
