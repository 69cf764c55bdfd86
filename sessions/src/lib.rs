//! # Stage 2: sessions
//!
//! Stage 1 showed the tokens and forgot them. This stage keeps them, in an
//! encrypted cookie, and uses them. What is new, in the order a user meets
//! it (everything else is stage 1's, imported from the `basic` crate):
//!
//! 1. `GET /auth` ([`callback`]): stage 1's checks and code exchange, then
//!    a [`session`] cookie instead of a page of tokens, and a 303 to
//!    `/users/me`.
//! 2. Every later request: [`logged_in`] opens the session, and refreshes
//!    the access token when it is about to expire ([`refresh`], single-
//!    flight, because Discord's refresh tokens work once).
//! 3. `GET /users/me` and `GET /privileged` ([`profile`]): what a session
//!    is for. No session: 401.
//! 4. `POST /logout` ([`logout`]): revoke the token at the provider, delete
//!    the cookie.
//!
//! `GET /` ([`home`]) shows whether you are logged in.

pub mod callback;
pub mod home;
pub mod logged_in;
pub mod logout;
pub mod profile;
pub mod refresh;
pub mod session;

use common::App;
use logout::Provenance;
use refresh::Refresher;
use std::convert::Infallible;
use std::sync::Arc;
use warp::reply::Response;
use warp::Filter;

/// What this stage's handlers share: stage 1's app, plus the refreshes in
/// flight. Handed out as one `Arc`: a single reference count per request.
#[derive(Debug)]
pub struct Sessions {
    pub app: App,
    pub refresher: Refresher,
}

fn with_stage(
    stage: Arc<Sessions>,
) -> impl Filter<Extract = (Arc<Sessions>,), Error = Infallible> + Clone {
    warp::any().map(move || stage.clone())
}

fn provenance() -> impl Filter<Extract = (Provenance,), Error = Infallible> + Clone {
    warp::header::optional::<String>("sec-fetch-site")
        .and(warp::header::optional::<String>("origin"))
        .map(|sec_fetch_site, origin| Provenance {
            sec_fetch_site,
            origin,
        })
        // A header that is not even text: refused like a cross-site request.
        .or(warp::any().map(|| Provenance {
            sec_fetch_site: Some("unreadable".into()),
            origin: None,
        }))
        .unify()
}

/// The stage's routes, paths before methods (unknown path 404, wrong
/// method 405: `GET /logout` is a 405).
pub fn routes(app: App) -> impl Filter<Extract = (Response,), Error = Infallible> + Clone {
    let stage = Arc::new(Sessions {
        app: app.clone(),
        refresher: Refresher::default(),
    });
    let cookies = common::cookies::header;

    let home = warp::path::end()
        .and(warp::get())
        .and(with_stage(stage.clone()))
        .and(cookies())
        .map(home::page);

    // Stage 1's login, unchanged.
    let login = warp::path!("login")
        .and(warp::get())
        .and(common::with_app(app))
        .map(basic::login::login);

    let auth = warp::path!("auth")
        .and(warp::get())
        .and(with_stage(stage.clone()))
        .and(common::raw_query())
        .and(cookies())
        .then(callback::auth);

    let users_me = warp::path!("users" / "me")
        .and(warp::get())
        .and(with_stage(stage.clone()))
        .and(cookies())
        .then(profile::users_me);

    let privileged = warp::path!("privileged")
        .and(warp::get())
        .and(with_stage(stage.clone()))
        .and(cookies())
        .then(profile::privileged);

    let logout = warp::path!("logout")
        .and(warp::post())
        .and(with_stage(stage))
        .and(cookies())
        .and(provenance())
        .then(logout::logout);

    home.or(login)
        .unify()
        .or(auth)
        .unify()
        .or(users_me)
        .unify()
        .or(privileged)
        .unify()
        .or(logout)
        .unify()
        .recover(common::recover)
        .unify()
}
