//! Discord's rate limits, in miniature.
//!
//! Every API answer carries Discord's `X-RateLimit-*` headers, so that a
//! client can be written to read them. When a bucket is used up the mock
//! answers 429 with Discord's body and `Retry-After`, as the real API does.

use crate::oauth::request::MockRequest;
use crate::personalities::Endpoint;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use http::HeaderValue;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use warp::reply::Response;

/// How many requests one caller may make to one bucket per window.
#[derive(Clone, Copy, Debug, Serialize, Deserialize)]
pub struct RateLimit {
    pub limit: u32,
    pub window_ms: u64,
}

impl Default for RateLimit {
    /// Discord's global limit: 50 requests per second.
    fn default() -> Self {
        RateLimit {
            limit: 50,
            window_ms: 1000,
        }
    }
}

/// The verdict on one request.
#[derive(Debug, Clone, Copy)]
pub struct Verdict {
    pub allowed: bool,
    pub limit: u32,
    pub remaining: u32,
    pub reset_at_ms: u64,
    pub reset_after_ms: u64,
    pub bucket: &'static str,
}

struct Window {
    started_ms: u64,
    used: u32,
}

#[derive(Default)]
pub struct Limiter {
    windows: HashMap<(&'static str, String), Window>,
}

impl Limiter {
    /// Counts one request by `caller` (a token or a client id) to `bucket`.
    pub fn check(
        &mut self,
        rule: RateLimit,
        bucket: &'static str,
        caller: &str,
        now_ms: u64,
    ) -> Verdict {
        if self.windows.len() > 10_000 {
            self.windows
                .retain(|_, w| now_ms < w.started_ms.saturating_add(rule.window_ms));
        }
        let window = self
            .windows
            .entry((bucket, caller.to_string()))
            .or_insert(Window {
                started_ms: now_ms,
                used: 0,
            });
        if now_ms >= window.started_ms.saturating_add(rule.window_ms) {
            *window = Window {
                started_ms: now_ms,
                used: 0,
            };
        }
        let allowed = window.used < rule.limit;
        if allowed {
            window.used += 1;
        }
        let reset_at_ms = window.started_ms.saturating_add(rule.window_ms);
        Verdict {
            allowed,
            limit: rule.limit,
            remaining: rule.limit.saturating_sub(window.used),
            reset_at_ms,
            reset_after_ms: reset_at_ms.saturating_sub(now_ms),
            bucket,
        }
    }

    pub fn clear(&mut self) {
        self.windows.clear();
    }
}

fn seconds(ms: u64) -> String {
    format!("{}.{:03}", ms / 1000, ms % 1000)
}

impl Verdict {
    /// Adds Discord's headers to an answer.
    pub fn stamp(&self, response: &mut Response) {
        let headers = response.headers_mut();
        let mut set = |name: &'static str, value: String| {
            if let Ok(value) = HeaderValue::from_str(&value) {
                headers.insert(name, value);
            }
        };
        set("x-ratelimit-limit", self.limit.to_string());
        set("x-ratelimit-remaining", self.remaining.to_string());
        set("x-ratelimit-reset", seconds(self.reset_at_ms));
        set("x-ratelimit-reset-after", seconds(self.reset_after_ms));
        set("x-ratelimit-bucket", self.bucket.to_string());
    }

    /// Discord's 429.
    pub fn too_many_requests(&self) -> Response {
        let retry_after = self.reset_after_ms as f64 / 1000.0;
        let mut response = crate::oauth::reply::json(
            http::StatusCode::TOO_MANY_REQUESTS,
            &serde_json::json!({
                "message": "You are being rate limited.",
                "retry_after": retry_after,
                "global": false,
            }),
        );
        let whole_seconds = self.reset_after_ms.div_ceil(1000).max(1);
        if let Ok(value) = HeaderValue::from_str(&whole_seconds.to_string()) {
            response.headers_mut().insert("retry-after", value);
        }
        response
            .headers_mut()
            .insert("x-ratelimit-scope", HeaderValue::from_static("user"));
        self.stamp(&mut response);
        response
    }
}

/// The bucket an endpoint's requests count against, if it is limited.
/// Discord limits its API per route; the browser-facing pages are not,
/// and Google's personality does not imitate Google's quotas. Discord
/// names buckets with opaque hashes; these are fixed per route.
pub fn bucket_of(endpoint: Endpoint) -> Option<&'static str> {
    match endpoint {
        Endpoint::Token | Endpoint::Revoke => Some("2e6b1f2ab6e0e4f7a3d1c5c8f0b9a7d4"),
        Endpoint::UsersMe => Some("78f3b2e4c8c2a9a1f0d6e5b4a3c2d1e0"),
        Endpoint::OAuth2Me => Some("a1b2c3d4e5f60718293a4b5c6d7e8f90"),
        Endpoint::Guilds => Some("0f9e8d7c6b5a49382716051f2e3d4c5b"),
        _ => None,
    }
}

/// Who is counted against the limit: a digest of the credentials the
/// request presents (bearer token, Basic header, or form client id *and*
/// secret), else everyone anonymous together.
///
/// Keying by the form's `client_id` alone would let a stranger, who knows
/// the id (it is public: it sits in every authorization URL), use up the
/// real client's budget. A stranger cannot present the secret, so their
/// requests count in buckets of their own. The digest also keeps secrets
/// out of the limiter's memory.
pub fn caller_of(request: &MockRequest) -> String {
    let credentials = if let Some(token) = request.bearer_token() {
        format!("token:{token}")
    } else if let Some(basic) = request.header("authorization") {
        format!("client:{basic}")
    } else {
        let form = request.form().unwrap_or_default();
        match (form.get("client_id"), form.get("client_secret")) {
            (None, None) => return "anonymous".to_string(),
            (id, secret) => format!(
                "client:{}:{}",
                id.unwrap_or_default(),
                secret.unwrap_or_default()
            ),
        }
    };
    let digest = Sha256::digest(credentials.as_bytes());
    URL_SAFE_NO_PAD.encode(&digest[..16])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_fills_then_resets() {
        let rule = RateLimit {
            limit: 2,
            window_ms: 1000,
        };
        let mut limiter = Limiter::default();
        assert!(limiter.check(rule, "b", "t", 0).allowed);
        let second = limiter.check(rule, "b", "t", 10);
        assert!(second.allowed);
        assert_eq!(second.remaining, 0);
        let third = limiter.check(rule, "b", "t", 20);
        assert!(!third.allowed);
        assert_eq!(third.reset_after_ms, 980);
        assert!(limiter.check(rule, "b", "other", 20).allowed);
        assert!(limiter.check(rule, "b", "t", 1000).allowed);
    }
}
