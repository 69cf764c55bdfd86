//! The stage's routes, one function per route, each with the guard it
//! stands behind: `logged_in` (else 401) or `require(…, "permission")`
//! (else 401 or 403). `/login` and the callback's path are stage 1's.

use crate::app::PermissionsApp;
use crate::guard::{logged_in, require};
use crate::{admin, callback, home, linking, logout, profile};
use common::filters::{cookie_header, raw_query};
use common::with;
use common::Answer;
use sessions::cross_site::same_site_only;
use std::sync::Arc;
use warp::{Filter, Rejection};

type Route = warp::filters::BoxedFilter<(Answer,)>;

/// The largest form the admin page sends is a few dozen bytes.
const MAX_FORM_BYTES: u64 = 4 * 1024;

fn same_site(
    app: &PermissionsApp,
    action: &'static str,
) -> impl Filter<Extract = (), Error = Rejection> + Clone {
    same_site_only(app.public_origin.clone(), action)
}

/// `GET /`.
pub fn home(app: Arc<PermissionsApp>) -> Route {
    warp::path::end()
        .and(warp::get())
        .and(with(app))
        .and(cookie_header())
        .then(home::page)
        .boxed()
}

/// `GET /login`: the providers, as buttons.
pub fn login_page(app: Arc<PermissionsApp>) -> Route {
    warp::path!("login")
        .and(warp::get())
        .and(with(app))
        .map(home::login_page)
        .boxed()
}

/// `GET /login/{provider}`: a login with that provider (404 for another).
pub fn login(app: Arc<PermissionsApp>) -> Route {
    warp::path!("login" / String)
        .and(warp::get())
        .and(with(app))
        .and(cookie_header())
        .map(|name, app, cookies| callback::login(app, name, cookies))
        .boxed()
}

/// `GET /auth/{provider}`: that provider's callback: stage 1's checks, the
/// mix-up check, the exchange, then a server-side session.
pub fn callback(app: Arc<PermissionsApp>) -> Route {
    warp::path!("auth" / String)
        .and(warp::get())
        .and(with(app))
        .and(raw_query())
        .and(cookie_header())
        .then(|name, app, raw_query, cookies| callback::auth(app, name, raw_query, cookies))
        .boxed()
}

/// `GET /users/me`: logged in.
pub fn users_me(app: Arc<PermissionsApp>) -> Route {
    warp::path!("users" / "me")
        .and(warp::get())
        .and(with(app.clone()))
        .and(logged_in(app))
        .then(profile::users_me)
        .boxed()
}

/// `GET /privileged`: needs `privileged`.
pub fn privileged(app: Arc<PermissionsApp>) -> Route {
    warp::path!("privileged")
        .and(warp::get())
        .and(require(app, "privileged"))
        .map(profile::privileged)
        .boxed()
}

/// `GET /admin`: needs `admin`.
pub fn admin(app: Arc<PermissionsApp>) -> Route {
    warp::path!("admin")
        .and(warp::get())
        .and(require(app, "admin"))
        .map(profile::admin)
        .boxed()
}

/// `GET /admin/users`: the admin page.
pub fn admin_page(app: Arc<PermissionsApp>) -> Route {
    warp::path!("admin" / "users")
        .and(warp::get())
        .and(with(app.clone()))
        .and(require(app, "admin"))
        .then(admin::page)
        .boxed()
}

/// `POST /admin/users/{id}/permissions`: the admin page's forms.
pub fn admin_change(app: Arc<PermissionsApp>) -> Route {
    warp::path!("admin" / "users" / i64 / "permissions")
        .and(warp::post())
        .and(same_site(&app, "change"))
        .and(with(app.clone()))
        .and(require(app, "admin"))
        .and(warp::body::content_length_limit(MAX_FORM_BYTES))
        .and(warp::body::form())
        .then(admin::change)
        .boxed()
}

/// `GET /admin/api/users`: the users, as JSON.
pub fn admin_api_list(app: Arc<PermissionsApp>) -> Route {
    warp::path!("admin" / "api" / "users")
        .and(warp::get())
        .and(with(app.clone()))
        .and(require(app, "admin"))
        .then(admin::list)
        .boxed()
}

/// `PUT` and `DELETE /admin/api/users/{id}/permissions/{name}`.
pub fn admin_api_change(app: Arc<PermissionsApp>) -> Route {
    let path = || warp::path!("admin" / "api" / "users" / i64 / "permissions" / String);
    let grant = path()
        .and(warp::put())
        .and(same_site(&app, "change"))
        .and(with(app.clone()))
        .and(require(app.clone(), "admin"))
        .then(admin::api_grant);
    let revoke = path()
        .and(warp::delete())
        .and(same_site(&app, "change"))
        .and(with(app.clone()))
        .and(require(app, "admin"))
        .then(admin::api_revoke);
    grant.or(revoke).unify().boxed()
}

/// `POST /link/{provider}`: link another account (logged in, same site).
pub fn link(app: Arc<PermissionsApp>) -> Route {
    warp::path!("link" / String)
        .and(warp::post())
        .and(same_site(&app, "link"))
        .and(with(app.clone()))
        .and(logged_in(app))
        .and(cookie_header())
        .map(|name, app, user, cookies| linking::start(app, name, user, cookies))
        .boxed()
}

/// `POST /identities/{provider}/{subject}/unlink` (logged in, same site).
pub fn unlink(app: Arc<PermissionsApp>) -> Route {
    warp::path!("identities" / String / String / "unlink")
        .and(warp::post())
        .and(same_site(&app, "unlink"))
        .and(with(app.clone()))
        .and(logged_in(app))
        .then(|provider, subject, app, user| linking::unlink(app, provider, subject, user))
        .boxed()
}

/// `POST /logout`: this browser's session.
pub fn logout(app: Arc<PermissionsApp>) -> Route {
    warp::path!("logout")
        .and(warp::post())
        .and(same_site(&app, "logout"))
        .and(with(app))
        .and(cookie_header())
        .then(logout::logout)
        .boxed()
}

/// `POST /logout/all`: every session of the logged-in user.
pub fn logout_all(app: Arc<PermissionsApp>) -> Route {
    warp::path!("logout" / "all")
        .and(warp::post())
        .and(same_site(&app, "logout"))
        .and(with(app.clone()))
        .and(logged_in(app))
        .then(logout::logout_all)
        .boxed()
}
