//! Google's signing keys, as the stage holds them: fetched at discovery,
//! and fetched again when an ID token names a key the stage does not know.
//!
//! Google rotates its keys. A stage that read them once, at start-up,
//! would refuse every Google login after a rotation until it restarted.
//! So an unknown `kid` (no matching key) sends it back to the JWKS, at
//! most once a minute: a stream of tokens with made-up `kid`s then costs
//! Google one request a minute, not one each.

use common::Upstream;
use openidconnect::core::CoreJsonWebKeySet;
use openidconnect::JsonWebKeySetUrl;
use parking_lot::{Mutex, RwLock};

/// How long after one fetch another may be made.
pub const REFETCH_AT_MOST_EVERY_SECS: u64 = 60;

pub struct GoogleKeys {
    keys: RwLock<CoreJsonWebKeySet>,
    jwks_uri: JsonWebKeySetUrl,
    /// When the keys were last fetched again (the stage's clock).
    refetched_at: Mutex<Option<u64>>,
}

impl GoogleKeys {
    /// The keys discovery found, at `jwks_uri`.
    pub fn new(keys: CoreJsonWebKeySet, jwks_uri: JsonWebKeySetUrl) -> GoogleKeys {
        GoogleKeys {
            keys: RwLock::new(keys),
            jwks_uri,
            refetched_at: Mutex::new(None),
        }
    }

    pub fn current(&self) -> CoreJsonWebKeySet {
        self.keys.read().clone()
    }

    /// Fetches the keys again, unless that was done in the last minute.
    /// Whether there are new keys to try.
    pub async fn refetch(&self, upstream: &Upstream, now: u64) -> bool {
        {
            let mut last = self.refetched_at.lock();
            let recent = last.is_some_and(|at| now.saturating_sub(at) < REFETCH_AT_MOST_EVERY_SECS);
            if recent {
                return false;
            }
            *last = Some(now);
        }
        match CoreJsonWebKeySet::fetch_async(&self.jwks_uri, upstream).await {
            Ok(keys) => {
                *self.keys.write() = keys;
                tracing::info!("Google's signing keys fetched again: a token named a new key");
                true
            }
            Err(error) => {
                tracing::warn!(%error, "Google's signing keys could not be fetched again");
                false
            }
        }
    }
}
