//! # common
//!
//! The plumbing every stage shares, and nothing a lesson explains: the
//! OAuth2 flow, cookie sealing and sessions live in the stages' own crates.
//! In the order a request meets them:
//!
//! * [`config`]: the environment (and `.env`), checked at start-up, and
//!   what a base URL from it may be.
//! * [`stage`]: `run`, the whole of a stage's `main`.
//! * [`offline`]: with no credentials, the mock Discord in this process.
//! * [`provider`]: Discord's endpoints from one base URL, and the `oauth2`
//!   client built on them.
//! * [`app`]: the state handlers share.
//! * [`filters`]: [`with`], the filter that hands a handler its state, and
//!   reading a request: its raw query, its `Cookie` header.
//! * [`cookie_keys`]: the key that seals cookies, and their `Secure` flag.
//! * [`clock`]: the time every expiry is checked against.
//! * [`upstream`]: the one strict HTTP client that talks to the provider.
//! * [`lab`], [`lab_banner`], [`lab_page`], [`lab_guard`]: `LAB=<name>`,
//!   the attack labs: their switches, their banners, their page at
//!   `/__lab`, and who may reach it.
//! * [`flow_report`]: the stage's decisions (state compared, session
//!   opened…), told to the mock's live inspector in offline mode.
//! * [`problem`]: every failure as a status and `{"detail": "…"}`, and
//!   [`shown`]: how much of someone else's text it may quote.
//! * [`respond`]: redirects, pages, `no-store`, and what every answer of a
//!   stage goes through ([`respond::every_answer`]).
//! * [`headers`]: the headers every answer carries.
//! * [`server`]: logging, binding, graceful shutdown; [`log_buffer`], where
//!   log lines wait to be written out, so that no request waits for one.
//! * `testing` (feature `testing`): a browser that keeps cookies over
//!   `warp::test`, and a redactor for transcripts: the stages' tests use them.

pub mod app;
pub mod clock;
pub mod config;
pub mod cookie_keys;
pub mod filters;
pub mod flow_report;
pub mod headers;
pub mod lab;
pub mod lab_banner;
pub mod lab_guard;
pub mod lab_page;
pub mod log_buffer;
pub mod offline;
pub mod problem;
pub mod provider;
pub mod respond;
pub mod server;
pub mod shown;
pub mod stage;
#[cfg(feature = "testing")]
pub mod testing;
pub mod upstream;

pub use app::App;
pub use clock::Clock;
pub use config::Config;
pub use cookie_keys::{CookieKeys, CookiePolicy};
pub use filters::with;
pub use flow_report::{Decision, FlowReport};
pub use problem::{recover, Answer, Problem};
pub use provider::Provider;
pub use stage::{run, StageInfo};
pub use upstream::{Upstream, UpstreamError};
