//! Refresh: a new access token before the old one runs out (RFC 6749 §6),
//! steps 18–19 in the README's diagram.
//!
//! Discord rotates refresh tokens: each one works once, and presenting a
//! used one again is treated as theft and ends the whole login. That makes
//! a race dangerous: a page that fires two requests just as the token
//! expires would refresh twice with the same refresh token, and the second
//! refresh would log the user out. So refreshes are *single-flight*: the
//! first request for a given refresh token starts the work, and every other
//! request holding the same token waits for, and shares, its result.
//!
//! Three details make that hold:
//!
//! * The refresh runs in a task of its own. If it ran inside the request
//!   that started it, a browser closing that request (a tab closed, a
//!   reload) would abandon it midway, perhaps after the provider rotated
//!   the token, and the next request would present the spent token: theft,
//!   as far as the provider can tell, and the user is logged out.
//! * Only a success is remembered. A failure (the provider answered 503
//!   once) is shared with the requests that were already waiting for it,
//!   then forgotten, so the next request tries again.
//! * A success is remembered for [`GRACE`] only: long enough for a request
//!   that left the browser with the old cookie just before the new cookie
//!   arrived, no longer. Past that, the old cookie's refresh token is just
//!   spent, and the provider says so.

use basic::tokens::Tokens;
use common::{App, Problem, UpstreamError};
use http::StatusCode;
use oauth2::{
    ErrorResponseType, RefreshToken, RequestTokenError, StandardErrorResponse, TokenResponse,
};
use parking_lot::Mutex;
use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::watch;

/// Refresh when the access token has expired or will within this margin,
/// so that it does not expire between our check and the provider's.
pub const REFRESH_MARGIN_SECS: u64 = 60;

/// How long a finished refresh is shared with stragglers: requests already
/// on their way with the old cookie when the new one was sent. Those are in
/// flight for a round trip or two, so a few seconds cover them; every
/// second more is a second in which a stolen old cookie would get the new
/// tokens too.
pub const GRACE: Duration = Duration::from_secs(5);

/// A flight that never finished (its task died) is forgotten after this:
/// longer than any refresh can take, given the upstream timeouts.
const ABANDONED_AFTER: Duration = Duration::from_secs(60);

/// What a refresh ended with.
#[derive(Clone, Debug)]
pub enum Refreshed {
    Tokens(Tokens),
    /// The provider refused the refresh token (`invalid_grant`): revoked,
    /// expired or already used. The login is over.
    LoginEnded,
    Failed(Problem),
}

/// One refresh, started or finished.
struct Flight {
    started: Instant,
    /// When it succeeded; `None` while it runs.
    succeeded: Option<Instant>,
    result: watch::Receiver<Option<Refreshed>>,
}

impl Flight {
    fn is_over(&self) -> bool {
        match self.succeeded {
            Some(at) => at.elapsed() > GRACE,
            None => self.started.elapsed() > ABANDONED_AFTER,
        }
    }
}

type Flights = Arc<Mutex<HashMap<String, Flight>>>;

/// The refreshes in flight (and just succeeded), by refresh token.
/// Single-flight holds within one process: several replicas behind a load
/// balancer would need a shared store, which is stage 3's business.
#[derive(Default)]
pub struct Refresher {
    flights: Flights,
}

/// The map's keys are live refresh tokens: `{:?}` shows only how many.
impl fmt::Debug for Refresher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let in_flight = self.flights.lock().len();
        f.debug_struct("Refresher")
            .field("flights", &in_flight)
            .finish()
    }
}

impl Refresher {
    pub async fn refresh(&self, app: &App, refresh_token: &str) -> Refreshed {
        let mut result = {
            let mut flights = self.flights.lock();
            flights.retain(|_, flight| !flight.is_over());
            match flights.get(refresh_token) {
                Some(flight) => flight.result.clone(),
                None => {
                    let (done, result) = watch::channel(None);
                    flights.insert(
                        refresh_token.to_string(),
                        Flight {
                            started: Instant::now(),
                            succeeded: None,
                            result: result.clone(),
                        },
                    );
                    tokio::spawn(fly(
                        self.flights.clone(),
                        app.clone(),
                        refresh_token.to_string(),
                        done,
                    ));
                    result
                }
            }
        };
        // Dropping this wait (the request was cancelled) leaves the task
        // running: the refresh completes, and the next request shares it.
        let finished = match result.wait_for(Option::is_some).await {
            Ok(finished) => finished.clone(),
            Err(_) => None,
        };
        finished.unwrap_or_else(|| {
            Refreshed::Failed(Problem::new(
                StatusCode::BAD_GATEWAY,
                "The token refresh stopped unfinished. Try again.",
            ))
        })
    }
}

/// The refresh task: asks the provider, records a success for the grace
/// window or forgets a failure, then wakes every waiter.
async fn fly(
    flights: Flights,
    app: App,
    refresh_token: String,
    done: watch::Sender<Option<Refreshed>>,
) {
    let refreshed = ask_provider(&app, refresh_token.clone()).await;
    {
        let mut flights = flights.lock();
        match refreshed {
            Refreshed::Tokens(_) => {
                if let Some(flight) = flights.get_mut(&refresh_token) {
                    flight.succeeded = Some(Instant::now());
                }
            }
            Refreshed::LoginEnded | Refreshed::Failed(_) => {
                flights.remove(&refresh_token);
            }
        }
    }
    let _ = done.send(Some(refreshed));
}

/// One refresh at the provider, with no single-flight: the [`Refresher`]
/// (and stage 3's database) make sure it runs once per refresh token.
pub async fn ask_provider(app: &App, refresh_token: String) -> Refreshed {
    let answer = app
        .oauth
        .exchange_refresh_token(&RefreshToken::new(refresh_token))
        .request_async(&app.upstream)
        .await;
    Refreshed::from_answer(app.provider.display_name, answer, app.now())
}

impl Refreshed {
    /// What `provider`'s answer to a refresh request means for the session
    /// (any provider's: OAuth2's token response, or OpenID Connect's).
    pub fn from_answer<R, T>(
        provider: &str,
        answer: Result<R, RequestTokenError<UpstreamError, StandardErrorResponse<T>>>,
        now: u64,
    ) -> Refreshed
    where
        R: TokenResponse,
        R::TokenType: AsRef<str>,
        T: ErrorResponseType + AsRef<str> + fmt::Display + 'static,
    {
        match answer {
            Ok(response) => match Tokens::from_response(&response, now) {
                Ok(tokens) => Refreshed::Tokens(tokens),
                Err(why) => Refreshed::Failed(basic::callback::unusable_tokens(provider, why)),
            },
            // The refresh token is dead (revoked, expired, used before).
            Err(RequestTokenError::ServerResponse(refusal))
                if refusal.error().as_ref() == "invalid_grant" =>
            {
                tracing::info!(
                    "{provider} refused the refresh token (invalid_grant): the session ends"
                );
                Refreshed::LoginEnded
            }
            Err(error) => Refreshed::Failed(basic::callback::token_request_failed(provider, error)),
        }
    }
}

/// When a session's access token stops working: as the provider said, or,
/// when it did not say (`expires_in` is optional, RFC 6749 §5.1), a
/// conservative hour from `now`.
pub fn access_expires_at(tokens: &Tokens, now: u64) -> u64 {
    tokens.expires_at.unwrap_or(now.saturating_add(3600))
}

/// The tokens a refresh answered, keeping `old` refresh token when the
/// answer has none: RFC 6749 §6, the provider "MAY issue a new refresh
/// token", and when it does not (Google never does), the old one stays
/// good.
pub fn keeping_refresh_token(mut tokens: Tokens, old: Option<String>) -> Tokens {
    tokens.refresh_token = tokens.refresh_token.or(old);
    tokens
}
