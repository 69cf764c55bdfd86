//! # Stage 3: users, permissions and server-side sessions
//!
//! Stage 2 kept the session in the cookie and knew users only as Discord
//! tokens. This stage keeps users, their identities and their permissions
//! in a database (SQLite by default, PostgreSQL when `DATABASE_URL` says
//! so), and keeps sessions there too, so that the server can end them. What
//! is new, in the order a user meets it (the callback's checks are stage
//! 1's; refresh and revocation are stage 2's):
//!
//! * Two providers ([`providers`]): Discord, and Google, which speaks
//!   OpenID Connect ([`google`]: the ID token and its nonce, which the
//!   login's transaction carries with [`carried`]; its discovery document
//!   in [`google_discovery`]; its signing keys, fetched again after a
//!   rotation, in [`google_keys`]; who logged in, with userinfo, in
//!   [`google_profile`]).
//!   `GET /login` lists them; `/login/{provider}` starts a login.
//! * `GET /auth/{provider}` ([`callback`]): a login started with another
//!   provider is refused before any token request (the mix-up attack); the
//!   user is found by the identity's issuer and subject ([`identities`])
//!   or created ([`users`]), never by e-mail; any session this browser had ends, and a new row is made
//!   ([`store`]): the cookie holds only its random id ([`session_id`],
//!   [`cookie`]); the tokens are sealed at rest ([`token_seal`]).
//! * Linking another provider's identity to the logged-in user, and
//!   unlinking one ([`linking`]).
//! * Every later request: the [`guard`] reads the row (idle and absolute
//!   timeouts, refresh across instances in [`refresh`]), and [`guard::require`]
//!   checks a permission: 401 "who are you?", 403 "you may not". Under
//!   load, the rows of concurrent requests come in one query ([`lookup`]).
//! * `GET /users/me`, `/privileged`, `/admin` ([`profile`]), and the admin
//!   page and API ([`admin`]).
//! * `POST /logout` and `/logout/all` ([`logout`]): the rows go, so every
//!   copy of the cookie dies with them. However a session ends (logout, a
//!   timeout, or a sweep of the abandoned ones), its grant is revoked at
//!   the provider ([`ending`]).
//!
//! [`app`] is what the handlers share (stage 1's `App`, and the database
//! beside it), [`filters`] maps each route to its handler, and [`home`] is
//! `GET /` and the login page. [`db`] opens the database and runs the
//! migrations; [`settings`] reads
//! `DATABASE_URL`, `SESSION_IDLE` and `SESSION_LIFETIME`; [`cli`] works on
//! the database without the server; [`offline`] gives the mock's users
//! their starting permissions and keeps them out of online databases;
//! [`lab`] holds the attack labs
//! (`LAB=stateless-logout`, `LAB=mix-up`).

pub mod admin;
pub mod app;
pub mod callback;
pub mod carried;
pub mod cli;
pub mod cookie;
pub mod db;
pub mod ending;
pub mod filters;
pub mod google;
pub mod google_discovery;
pub mod google_keys;
pub mod google_profile;
pub mod guard;
pub mod home;
pub mod identities;
pub mod lab;
pub mod linking;
pub mod logout;
pub mod lookup;
pub mod offline;
pub mod profile;
pub mod providers;
pub mod refresh;
pub mod session_id;
pub mod settings;
pub mod store;
pub mod token_seal;
pub mod users;

use app::PermissionsApp;
use common::Answer;
use std::convert::Infallible;
use std::sync::Arc;
use warp::Filter;

/// Every permission a route checks, declared beside the routes: granting
/// anything else is refused.
pub const PERMISSIONS: [&str; 2] = ["privileged", "admin"];

/// The stage's routes, paths before methods (unknown path 404, wrong
/// method 405).
pub fn routes(
    app: Arc<PermissionsApp>,
) -> impl Filter<Extract = (Answer,), Error = Infallible> + Clone {
    let labs = common::lab_page::routes(
        app.lab.clone(),
        app.public_origin.clone(),
        lab::PermissionsLabs(app.clone()),
    );
    let lab_switches = app.lab.clone();
    let logging_in = filters::home(app.clone())
        .or(filters::login_page(app.clone()))
        .unify()
        .or(filters::login(app.clone()))
        .unify()
        .or(filters::callback(app.clone()))
        .unify();
    let guarded = filters::users_me(app.clone())
        .or(filters::privileged(app.clone()))
        .unify()
        .or(filters::admin(app.clone()))
        .unify()
        .or(filters::admin_page(app.clone()))
        .unify()
        .or(filters::admin_change(app.clone()))
        .unify()
        .or(filters::admin_api_list(app.clone()))
        .unify()
        .or(filters::admin_api_change(app.clone()))
        .unify();
    let linking = filters::link(app.clone())
        .or(filters::unlink(app.clone()))
        .unify();
    let logging_out = filters::logout(app.clone())
        .or(filters::logout_all(app))
        .unify();
    let routes = logging_in
        .or(guarded)
        .unify()
        .or(linking)
        .unify()
        .or(logging_out)
        .unify()
        .or(labs)
        .unify();
    common::respond::every_answer(routes, lab_switches)
}
