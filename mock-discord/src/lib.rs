//! # mock-discord
//!
//! A strict, faithful fake of Discord's OAuth2 provider and the slice of its
//! REST API that a login uses. Every stage of the tutorial, every test and
//! the offline default run against it.
//!
//! ## A tour, in the order a login happens
//!
//! * [`authorize`]: `GET /oauth2/authorize` checks the client and redirect
//!   URI, then the rest ([`authorization_request`]), then asks the person.
//! * [`consent`]: the consent page, and its `POST`: the person's decision,
//!   bound to the browser ([`browsers`]) by a single-use CSRF token.
//! * [`authorization_response`]: the browser goes back to the client with a
//!   code (or an error), `state` and `iss`.
//! * [`token`]: `POST /api/oauth2/token` redeems the code (checking PKCE)
//!   or rotates a refresh token; `/token/revoke` ends a grant.
//! * [`api`]: `/users/@me`, `/oauth2/@me` and `/users/@me/guilds`, the API
//!   calls the access token is for.
//! * [`metadata`]: the RFC 8414 document that describes all of the above.
//!
//! And what supports them:
//!
//! * [`config`]: the registered client and the users one can log in as
//!   (`defaults.toml` unless a file says otherwise).
//! * [`grants`]: the codes and token pairs handed out, and their rules.
//! * [`secrets`]: random values, PKCE, constant-time comparison.
//! * [`clock`]: time that tests can move forward.
//! * [`ratelimit`], [`faults`]: Discord's 429s and injected failures.
//! * [`journal`], [`inspect`]: what the mock saw, and its control routes
//!   at `/__mock`.
//! * [`timeline`], [`explain`], [`inspector`]: the live inspector at
//!   `/__mock`, a sequence diagram of each login that grows as it happens
//!   (server-sent events), with the app's own decisions beside the
//!   provider's exchanges.
//! * [`request`], [`reply`]: strict parsing in, Discord's shapes out.
//! * [`server`], [`handle`]: one filter for everything; starting and stopping.
//! * [`consent_client`]: clicking through the consent page from a test.
//! * `loadgen` (feature `loadgen`): a load generator for benchmarks.
//!
//! ## Using it from a test
//!
//! ```no_run
//! # async fn example() -> Result<(), Box<dyn std::error::Error>> {
//! use mock_discord::MockDiscord;
//! let mock = MockDiscord::builder()
//!     .redirect_uri("http://127.0.0.1:9999/auth")
//!     .spawn()
//!     .await?;
//! // ... point a client at mock.base_url(), log in, then:
//! assert!(mock.requests_to("/api/oauth2/token").is_empty());
//! # Ok(()) }
//! ```

pub mod api;
pub mod authorization_request;
pub mod authorization_response;
pub mod authorize;
pub mod browsers;
pub mod clock;
pub mod config;
pub mod consent;
pub mod consent_client;
pub mod explain;
pub mod faults;
pub mod google;
pub mod grants;
pub mod handle;
pub mod inspect;
pub mod inspector;
pub mod journal;
#[cfg(feature = "loadgen")]
pub mod loadgen;
pub mod metadata;
pub mod ratelimit;
pub mod reply;
pub mod request;
pub mod scopes;
pub mod secrets;
pub mod server;
pub mod state;
pub mod timeline;
pub mod token;

pub use config::{Client, MockConfig, User, DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET};
pub use consent_client::{submit_consent, Decision};
pub use explain::Explanation;
pub use faults::{Endpoint, Fault, FaultRule, IdTokenSpoil};
pub use handle::{MockDiscord, MockHandle, StartError};
pub use journal::Exchange;
pub use timeline::{AppDecision, AppNotes, Party, Step};
