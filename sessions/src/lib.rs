//! # Stage 2: sessions
//!
//! Stage 1 showed the tokens and forgot them. This stage keeps them, in an
//! encrypted cookie, and uses them. What is new, in the order a user meets
//! it (everything else is stage 1's, imported from the `basic` crate):
//!
//! * Steps 7–9, `GET /auth` ([`callback`]): stage 1's checks and code
//!   exchange, then the profile is fetched once for the user's name.
//! * Step 10: a [`session`] cookie, sealed as stage 1 seals its
//!   transaction, and a 303 to `/users/me` instead of a page of tokens.
//! * Every later request: the [`guard`] opens the session, and refreshes the
//!   access token when it is about to expire ([`refresh`], single-flight,
//!   because Discord's refresh tokens work once). No session: 401.
//! * `GET /users/me` and `GET /privileged` ([`profile`]): what a session is
//!   for, behind the guard.
//! * `POST /logout` ([`logout`]): revoke the token at the provider, delete
//!   the cookie; refused when another site sent it ([`cross_site`]).
//!
//! `GET /` ([`home`]) shows whether you are logged in; [`filters`] maps each
//! route to its handler, and [`app`] is the state they share.

pub mod app;
pub mod callback;
pub mod cross_site;
pub mod filters;
pub mod guard;
pub mod home;
pub mod logout;
pub mod profile;
pub mod refresh;
pub mod session;

use app::SessionApp;
use common::{Answer, App};
use std::convert::Infallible;
use warp::Filter;

/// The stage's routes, paths before methods (unknown path 404, wrong
/// method 405).
pub fn routes(app: App) -> impl Filter<Extract = (Answer,), Error = Infallible> + Clone {
    let stage = SessionApp::new(app.clone());
    filters::home(stage.clone())
        // Stage 1's login, unchanged.
        .or(basic::filters::login(app))
        .unify()
        .or(filters::callback(stage.clone()))
        .unify()
        .or(filters::users_me(stage.clone()))
        .unify()
        .or(filters::privileged(stage.clone()))
        .unify()
        .or(filters::logout(stage))
        .unify()
        .recover(common::recover)
        .unify()
}
