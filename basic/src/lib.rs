//! # Stage 1: the authorization code flow, with state and PKCE
//!
//! The whole protocol in three routes, in the order it happens:
//!
//! 1. `GET /` ([`home`]): a page with a "Log in with Discord" link.
//! 2. `GET /login` ([`login`]): a fresh `state` and PKCE verifier are sealed
//!    in an encrypted cookie, and the browser is sent (303) to Discord's
//!    authorization page with the state and the verifier's hash.
//! 3. `GET /auth` ([`callback`]): Discord sends the browser back with a
//!    `code`. We check `state` (and `iss`) against the cookie, then trade
//!    the code and the verifier for tokens, and show them ([`tokens`]).
//!
//! Everything else (configuration, the provider's URLs, the HTTP client,
//! cookies, error answers, start-up) is plumbing from the `common` crate.

pub mod callback;
pub mod home;
pub mod login;
pub mod tokens;

use common::{with_app, App};
use std::convert::Infallible;
use warp::reply::Response;
use warp::Filter;

/// The stage's routes. Paths come before methods, so that an unknown path
/// is a 404 and a known path with the wrong method a 405.
pub fn routes(app: App) -> impl Filter<Extract = (Response,), Error = Infallible> + Clone {
    // The page with the link.
    let home = warp::path::end()
        .and(warp::get())
        .and(with_app(app.clone()))
        .map(home::page);

    // Step 1: send the browser to the provider, remembering state and PKCE.
    let login = warp::path!("login")
        .and(warp::get())
        .and(with_app(app.clone()))
        .map(login::login);

    // Step 2: the provider sends the browser back; check it, trade the code.
    let auth = warp::path!("auth")
        .and(warp::get())
        .and(with_app(app))
        .and(common::raw_query())
        .and(common::cookies::header())
        .then(callback::auth);

    home.or(login)
        .unify()
        .or(auth)
        .unify()
        .recover(common::recover)
        .unify()
}
