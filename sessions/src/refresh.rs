//! Refresh: a new access token before the old one runs out (RFC 6749 §6),
//! steps 18–19 in the README's diagram.
//!
//! Discord rotates refresh tokens: each one works once, and presenting a
//! used one again is treated as theft and ends the whole login. That makes
//! a race dangerous: a page that fires two requests just as the token
//! expires would refresh twice with the same refresh token, and the second
//! refresh would log the user out. So refreshes are *single-flight*: the
//! first request for a given refresh token does the work, and every other
//! request holding the same token waits for, and shares, its result.

use basic::tokens::Tokens;
use common::{App, Problem};
use oauth2::basic::BasicErrorResponseType;
use oauth2::{RefreshToken, RequestTokenError};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::OnceCell;

/// Refresh when the access token has expired or will within this margin,
/// so that it does not expire between our check and the provider's.
pub const REFRESH_MARGIN_SECS: u64 = 60;

/// How long a finished refresh is remembered: a request that left the
/// browser with the old cookie just before the new one arrived still gets
/// the new tokens instead of replaying a used refresh token.
const REMEMBER_RESULT_FOR: Duration = Duration::from_secs(120);

/// What a refresh ended with.
#[derive(Clone, Debug)]
pub enum Refreshed {
    Tokens(Tokens),
    /// The provider refused the refresh token (`invalid_grant`): revoked,
    /// expired or already used. The login is over.
    LoginEnded,
    Failed(Problem),
}

type Flight = Arc<OnceCell<Refreshed>>;

/// The refreshes in flight (and recently finished), by refresh token.
/// Single-flight holds within one process: several replicas behind a load
/// balancer would need a shared store, which is stage 3's business.
#[derive(Default, Debug)]
pub struct Refresher {
    flights: Mutex<HashMap<String, (Instant, Flight)>>,
}

impl Refresher {
    pub async fn refresh(&self, app: &App, refresh_token: &str) -> Refreshed {
        let flight = {
            let mut flights = self.flights.lock().unwrap_or_else(|p| p.into_inner());
            flights.retain(|_, (started, _)| started.elapsed() < REMEMBER_RESULT_FOR);
            flights
                .entry(refresh_token.to_string())
                .or_insert_with(|| (Instant::now(), Arc::new(OnceCell::new())))
                .1
                .clone()
        };
        flight
            .get_or_init(|| ask_provider(app, refresh_token.to_string()))
            .await
            .clone()
    }
}

/// One refresh at the provider, with no single-flight: the [`Refresher`]
/// (and stage 3's database) make sure it runs once per refresh token.
pub async fn ask_provider(app: &App, refresh_token: String) -> Refreshed {
    let result = app
        .oauth
        .exchange_refresh_token(&RefreshToken::new(refresh_token))
        .request_async(&app.upstream)
        .await;
    match result {
        Ok(response) => Refreshed::Tokens(Tokens::from_response(&response, app.now())),
        Err(RequestTokenError::ServerResponse(refusal))
            if *refusal.error() == BasicErrorResponseType::InvalidGrant =>
        {
            tracing::info!("refresh token refused (invalid_grant): the session ends");
            Refreshed::LoginEnded
        }
        Err(error) => Refreshed::Failed(basic::callback::token_request_failed(app, error)),
    }
}
