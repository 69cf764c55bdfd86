//! # mock-discord
//!
//! A strict, faithful fake of Discord's OAuth2 provider and the slice of its
//! REST API that a login uses, and of Google's OpenID Connect provider.
//! Every stage of the tutorial, every test and the offline default run
//! against it.
//!
//! ## A tour, by role
//!
//! * [`personalities`]: the providers it plays, one folder each around one
//!   `Personality` type: `discord` (OAuth2, its REST API, its rate limits)
//!   and `google` (OpenID Connect: discovery, ID tokens, userinfo).
//! * [`oauth`]: the machinery they share, in the order a login meets it:
//!   the authorization request and its consent form, the authorization
//!   response, client authentication, codes and grants, PKCE.
//! * [`server`]: one filter for every request, one routes table, and the
//!   handle that starts and stops the mock (`MockDiscord`, `MockHandle`).
//! * [`state`]: what every request shares: the world, the clock, the
//!   store of what was issued.
//! * [`config`]: the registered clients and the users one can log in as
//!   (`defaults.toml` unless a file says otherwise).
//! * [`clock`]: time that tests can move forward.
//! * [`control`]: the mock's own routes under `/__mock` (reset, clock,
//!   faults), the injected faults, and the journal of every exchange.
//! * [`inspector`]: the live page at `/__mock`, a sequence diagram of each
//!   login that grows as it happens, with the app's own decisions beside
//!   the provider's exchanges.
//! * [`consent_client`]: clicking through a consent page from a test;
//!   [`cookie_jar`]: the cookies a client that acts as a browser keeps.
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

pub mod clock;
pub mod config;
pub mod consent_client;
pub mod control;
pub mod cookie_jar;
pub mod inspector;
#[cfg(feature = "loadgen")]
pub mod loadgen;
pub mod oauth;
pub mod personalities;
pub mod server;
pub mod state;

pub use config::{Client, MockConfig, User, DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET};
pub use consent_client::{submit_consent, Consent};
pub use control::faults::{Fault, FaultRule, IdTokenSpoil};
pub use control::journal::Exchange;
pub use inspector::explain::Explanation;
pub use inspector::notes::AppNotes;
pub use inspector::timeline::{AppNote, Party, Step};
pub use personalities::{Endpoint, Personality};
pub use server::handle::{MockDiscord, MockHandle, StartError};
