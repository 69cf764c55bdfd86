//! What a login is for: `/users/me` (our own record of the user, from the
//! database: no call to the provider), and two guarded pages.

use crate::app::PermissionsApp;
use crate::cookie;
use crate::guard::CurrentUser;
use crate::users;
use common::Answer;
use std::sync::Arc;
use warp::Reply;

/// `GET /users/me`: the user, with identities and permissions.
pub async fn users_me(app: Arc<PermissionsApp>, user: CurrentUser) -> Answer {
    // The user may have been deleted since the guard read the session.
    let Some(record) = users::get(&app.db, user.user_id()).await? else {
        return Err(cookie::session_over(app.cookies));
    };
    Ok(common::respond::no_store(
        warp::reply::json(&record).into_response(),
    ))
}

/// `GET /privileged`, for users with `privileged`.
pub fn privileged(_user: CurrentUser) -> Answer {
    Ok(warp::reply::json(&"You are truly privileged!").into_response())
}

/// `GET /admin`, for users with `admin`.
pub fn admin(_user: CurrentUser) -> Answer {
    Ok(warp::reply::json(&"You are an admin!").into_response())
}
