//! # Stage 1: the authorization code flow, with state and PKCE
//!
//! The whole protocol (RFC 6749 §4.1), in the order it happens. The step
//! numbers are those of the diagram in this crate's README.md:
//!
//! * Steps 1–2, `GET /login` ([`login`]): a fresh `state` and PKCE
//!   verifier go into a [`transaction`], sealed in an encrypted cookie
//!   ([`cookies`]), and the browser is sent (303) to Discord's
//!   authorization page with the state and the verifier's hash.
//! * Steps 3–6 happen at Discord: the consent page, and the redirect back
//!   to us with a `code`.
//! * Step 7, `GET /auth` ([`callback`]): `state` (and `iss`) are checked
//!   against the cookie.
//! * Steps 8–9: the code and the verifier are traded for [`tokens`].
//! * Step 10: the tokens are shown.
//!
//! `GET /` ([`home`]) is the page with the "Log in with Discord" link, and
//! [`filters`] maps each route to its handler. [`lab`] holds the attack
//! labs (`LAB=no-state`, `LAB=no-pkce`): each switches a defence above
//! off, to show what it stops.
//!
//! Everything a lesson does not explain (configuration, the provider's URLs,
//! the HTTP client, error answers, start-up) is plumbing from `common`.

pub mod callback;
pub mod cookies;
pub mod filters;
pub mod home;
pub mod lab;
pub mod login;
pub mod tokens;
pub mod transaction;

use common::{Answer, App};
use std::convert::Infallible;
use warp::Filter;

/// The stage's routes. Paths come before methods, so that an unknown path
/// is a 404 and a known path with the wrong method a 405; [`common::recover`]
/// answers both, in the same JSON as every other failure.
pub fn routes(app: App) -> impl Filter<Extract = (Answer,), Error = Infallible> + Clone {
    let lab = app.lab.clone();
    let routes = filters::home(app.clone())
        .or(filters::login(app.clone()))
        .unify()
        .or(filters::callback(app.clone()))
        .unify()
        .or(common::lab_page::routes(
            app.lab.clone(),
            app.public_origin.clone(),
            lab::BasicLabs(app),
        ))
        .unify();
    common::respond::every_answer(routes, lab)
}
