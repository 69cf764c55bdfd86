//! # Stage 2: sessions
//!
//! Stage 1 showed the tokens and forgot them. This stage keeps them, in an
//! encrypted cookie, and uses them. What is new, in the order a user meets
//! it; the step numbers continue stage 1's, as in this crate's README.md
//! (steps 1–6, `/login` and the consent page, are stage 1's, imported from
//! the `basic` crate):
//!
//! * Steps 7–9, `GET /auth` ([`callback`]): stage 1's checks and code
//!   exchange. Steps 10–11: the profile, fetched once for the user's name.
//! * Step 12: a [`session`] cookie, sealed as stage 1 seals its
//!   transaction, and a 303 to `/users/me` instead of a page of tokens.
//! * Step 13, and every later request: the [`guard`] opens the session, or
//!   answers 401 (none, or over: a week after login, or half a week
//!   unused). Steps 14–16, `GET /users/me` ([`profile`]): the
//!   provider's API, called with the user's token.
//! * Steps 17–20: when the access token is about to expire, the guard
//!   trades the refresh token for new ones ([`refresh`], single-flight,
//!   because Discord's refresh tokens work once) and reissues the cookie.
//! * Steps 21–23, `POST /logout` ([`logout`]): revoke the token at the
//!   provider, delete the cookie; refused when another site sent it
//!   ([`cross_site`]).
//!
//! `GET /` ([`home`]) shows whether you are logged in, and `/privileged`
//! ([`profile`]) who may see it; [`filters`] maps each route to its
//! handler, and [`app`] is the state they share. [`lab`] holds the attack
//! labs that switch a defence of this stage off (`LAB=signed-cookie`…),
//! and [`signed_cookie`] the cookie that only signs, which that lab
//! shows.

pub mod app;
pub mod callback;
pub mod cross_site;
pub mod filters;
pub mod guard;
pub mod home;
pub mod lab;
pub mod logout;
pub mod profile;
pub mod refresh;
pub mod session;
pub mod signed_cookie;

use app::SessionApp;
use common::{Answer, App};
use std::convert::Infallible;
use warp::Filter;

/// The stage's routes, paths before methods (unknown path 404, wrong
/// method 405).
pub fn routes(app: App) -> impl Filter<Extract = (Answer,), Error = Infallible> + Clone {
    let stage = SessionApp::new(app.clone());
    let labs = common::lab_page::routes(
        app.lab.clone(),
        app.public_origin.clone(),
        lab::SessionLabs(stage.clone()),
    );
    let lab_switches = app.lab.clone();
    let logging_in = filters::home(stage.clone())
        // Stage 1's login, unchanged.
        .or(basic::filters::login(app))
        .unify()
        .or(filters::callback(stage.clone()))
        .unify();
    // Behind the guard (logout behind the cross-site check).
    let logged_in = filters::users_me(stage.clone())
        .or(filters::privileged(stage.clone()))
        .unify()
        .or(filters::logout(stage))
        .unify();
    let routes = logging_in.or(logged_in).unify().or(labs).unify();
    common::respond::every_answer(routes, lab_switches)
}
