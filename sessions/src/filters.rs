//! The stage's routes, one function per route. `/login` is stage 1's, not
//! declared again; the callback answers on stage 1's path.

use crate::app::SessionApp;
use crate::cross_site::same_site_only;
use crate::guard::protected;
use crate::{callback, home, logout, profile};
use common::filters::{cookie_header, raw_query};
use common::with;
use common::Answer;
use std::sync::Arc;
use warp::{Filter, Rejection};

/// `GET /`: whether you are logged in, and as whom.
pub fn home(app: Arc<SessionApp>) -> impl Filter<Extract = (Answer,), Error = Rejection> + Clone {
    warp::path::end()
        .and(warp::get())
        .and(with(app))
        .and(cookie_header())
        .map(home::page)
}

/// `GET /auth`: stage 1's checks and exchange, then a session.
pub fn callback(
    app: Arc<SessionApp>,
) -> impl Filter<Extract = (Answer,), Error = Rejection> + Clone {
    basic::filters::callback_path()
        .and(warp::get())
        .and(with(app))
        .and(raw_query())
        .and(cookie_header())
        .then(callback::auth)
}

/// `GET /users/me`: logged in only.
pub fn users_me(
    app: Arc<SessionApp>,
) -> impl Filter<Extract = (Answer,), Error = Rejection> + Clone {
    warp::path!("users" / "me")
        .and(warp::get())
        .and(protected(app, profile::users_me))
}

/// `GET /privileged`: logged in only.
pub fn privileged(
    app: Arc<SessionApp>,
) -> impl Filter<Extract = (Answer,), Error = Rejection> + Clone {
    warp::path!("privileged")
        .and(warp::get())
        .and(protected(app, profile::privileged))
}

/// `POST /logout`: same-site requests only. (`GET /logout` is a 405: a
/// link or an `<img>` must not be able to log you out.)
pub fn logout(app: Arc<SessionApp>) -> impl Filter<Extract = (Answer,), Error = Rejection> + Clone {
    warp::path!("logout")
        .and(warp::post())
        .and(same_site_only(app.app.public_origin.clone(), "logout"))
        .and(with(app))
        .and(cookie_header())
        .then(logout::logout)
}
