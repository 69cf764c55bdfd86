//! Step 10: the tokens a login ends with, as the page shows them.

use oauth2::TokenResponse;
use serde::{Deserialize, Serialize};
use std::fmt;

/// RFC 6749 §5.1's token response, plus `expires_at`: the moment (Unix
/// seconds) the access token stops working, which is what a client must
/// actually remember (`expires_in` is relative to an instant now gone).
#[derive(Clone, Serialize, Deserialize, PartialEq)]
pub struct Tokens {
    pub access_token: String,
    pub token_type: String,
    pub expires_in: Option<u64>,
    pub refresh_token: Option<String>,
    pub scope: String,
    pub expires_at: Option<u64>,
}

// Tokens are bearer credentials: whoever holds one is you. `{:?}` must
// never print them, or the first debug log line leaks a login.
impl fmt::Debug for Tokens {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Tokens")
            .field("access_token", &"[REDACTED]")
            .field("token_type", &self.token_type)
            .field("expires_in", &self.expires_in)
            .field(
                "refresh_token",
                &self.refresh_token.as_ref().map(|_| "[REDACTED]"),
            )
            .field("scope", &self.scope)
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

/// The longest access-token lifetime believed. Discord's is a week and
/// Google's an hour; a provider claiming more than a year is broken, and a
/// number near `u64::MAX` would overflow `now + expires_in`.
pub const MAX_EXPIRES_IN_SECS: u64 = 365 * 24 * 3600;

/// Why a token response that parsed cannot be used.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Unusable {
    /// RFC 6750: this client only knows how to present Bearer tokens. A
    /// token of another type (MAC, DPoP) sent as a Bearer token would fail,
    /// or worse, be accepted where it should not be.
    #[error("its token_type is {0:?}, not Bearer")]
    NotBearer(String),
    #[error("its expires_in ({0} s) is more than a year")]
    ImplausibleLifetime(u64),
}

impl Tokens {
    /// `now`: the moment the response arrived, in Unix seconds.
    /// Any provider's token response: OAuth2's (Discord) or OpenID
    /// Connect's, which adds an ID token (Google).
    pub fn from_response<R>(response: &R, now: u64) -> Result<Tokens, Unusable>
    where
        R: TokenResponse,
        R::TokenType: AsRef<str>,
    {
        // RFC 6749 §5.1: the type is case-insensitive.
        let token_type = response.token_type().as_ref();
        if !token_type.eq_ignore_ascii_case("bearer") {
            return Err(Unusable::NotBearer(token_type.to_string()));
        }
        let token_type = "Bearer".to_string();
        let expires_in = response.expires_in().map(|d| d.as_secs());
        if let Some(seconds) = expires_in.filter(|s| *s > MAX_EXPIRES_IN_SECS) {
            return Err(Unusable::ImplausibleLifetime(seconds));
        }
        let scope = response
            .scopes()
            .map(|scopes| {
                scopes
                    .iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .unwrap_or_default();
        Ok(Tokens {
            access_token: response.access_token().secret().clone(),
            token_type,
            expires_in,
            refresh_token: response.refresh_token().map(|t| t.secret().clone()),
            scope,
            // Bounded above, and saturating: no input can overflow it.
            expires_at: expires_in.map(|seconds| now.saturating_add(seconds)),
        })
    }
}
