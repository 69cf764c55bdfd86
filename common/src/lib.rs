//! # common
//!
//! The plumbing every stage shares, so that each stage's own crate holds
//! only its lesson. In the order a request meets them:
//!
//! * [`config`]: the environment (and `.env`), checked at start-up.
//! * [`provider`]: Discord's endpoints from one base URL, and the `oauth2`
//!   client built on them.
//! * [`offline`]: with no credentials, the mock Discord in this process.
//! * [`app`]: the state handlers share, and `run`, the whole of `main`.
//! * [`cookies`]: encrypted cookies and the attributes they get.
//! * [`transaction`]: state, PKCE verifier and issuer, kept in such a
//!   cookie between `/login` and `/auth`.
//! * [`upstream`]: the one strict HTTP client that talks to the provider.
//! * [`problem`]: every failure as a status and `{"detail": "…"}`.
//! * [`respond`]: redirects and `no-store`.
//! * [`server`]: logging, binding, graceful shutdown.
//! * `testing` (feature `testing`): a browser that keeps cookies over
//!   `warp::test`, and a redactor for transcripts: the stages' tests use them.

pub mod app;
pub mod config;
pub mod cookies;
pub mod offline;
pub mod problem;
pub mod provider;
pub mod respond;
pub mod server;
#[cfg(feature = "testing")]
pub mod testing;
pub mod transaction;
pub mod upstream;

pub use app::{raw_query, run, with_app, App, StageInfo};
pub use config::Config;
pub use problem::{recover, Problem};
pub use provider::Provider;
pub use transaction::Transaction;
pub use upstream::{Upstream, UpstreamError};
