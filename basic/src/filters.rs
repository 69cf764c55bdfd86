//! The stage's routes, one function per route, as warp's own examples
//! write them. Each names its path and method, then the values its handler
//! needs; the handler (in the file named after its step) does the work.
//!
//! Two warp words, met here first:
//!
//! * `.map(handler)` calls a plain function with what the filters before it
//!   extracted; `.then(handler)` does the same for an `async` one (the
//!   callback waits for the provider, so it is `async`).
//! * `a.or(b)` tries `a`, then `b`. Its output could be either route's, so
//!   warp types it as "A or B"; `.unify()` says the two are the same type
//!   (here both are an [`Answer`]) and makes it one.

use crate::{callback, home, login};
use common::filters::{cookie_header, raw_query};
use common::{with, Answer, App};
use warp::{Filter, Rejection};

/// Where the provider sends the browser back: our redirect URI is
/// `PUBLIC_URL` plus this path, and the callback route matches it.
pub const CALLBACK_PATH: &str = "/auth";

/// `GET /`: the page with the login link.
pub fn home(app: App) -> impl Filter<Extract = (Answer,), Error = Rejection> + Clone {
    warp::path::end()
        .and(warp::get())
        .and(with(app))
        .map(home::page)
}

/// `GET /login`: steps 1 and 2.
pub fn login(app: App) -> impl Filter<Extract = (Answer,), Error = Rejection> + Clone {
    warp::path!("login")
        .and(warp::get())
        .and(with(app))
        .and(cookie_header())
        .map(login::login)
}

/// `GET /auth`: steps 7 to 10.
pub fn callback(app: App) -> impl Filter<Extract = (Answer,), Error = Rejection> + Clone {
    callback_path()
        .and(warp::get())
        .and(with(app))
        .and(raw_query())
        .and(cookie_header())
        .then(callback::auth)
}

/// Matches [`CALLBACK_PATH`] exactly. Stage 2 answers on the same path.
pub fn callback_path() -> impl Filter<Extract = (), Error = Rejection> + Clone {
    warp::path(CALLBACK_PATH.trim_start_matches('/')).and(warp::path::end())
}
