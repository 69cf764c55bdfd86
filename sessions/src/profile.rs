//! What a session is for: `/users/me` (the provider's API, with the user's
//! token) and `/privileged` (a page only a logged-in user may see).

use crate::logged_in::{logged_in, Refusal};
use crate::session::Session;
use crate::Sessions;
use common::{Problem, UpstreamError};
use serde_json::Value;
use std::sync::Arc;
use warp::reply::Response;
use warp::Reply;

pub const CONGRATULATIONS: &str = "Congratulations, you are logged in using Discord!";

/// `GET /users/me`: Discord's `/users/@me`, called with the session's token.
pub async fn users_me(stage: Arc<Sessions>, cookies: Option<String>) -> Response {
    let user = match logged_in(&stage, cookies.as_deref()).await {
        Ok(user) => user,
        Err(refusal) => return refusal.into_response(&stage),
    };
    let app = &stage.app;
    let url = app.provider.api_url("/users/@me");
    match app
        .upstream
        .get_json::<Value>(&url, &user.session.access_token)
        .await
    {
        Ok(profile) => user.reply(
            &stage,
            common::respond::no_store(warp::reply::json(&profile).into_response()),
        ),
        // The token was revoked upstream (logged out elsewhere, app removed
        // from the user's authorized apps): the session is worthless.
        Err(UpstreamError::Unauthorized) => Refusal {
            problem: Problem::not_logged_in(),
            end_session: true,
        }
        .into_response(&stage),
        Err(error) => {
            tracing::warn!(%error, "GET /users/@me failed");
            let problem = Problem::upstream(app.provider.display_name, &error);
            user.reply(&stage, problem)
        }
    }
}

/// `GET /privileged`: only for a completed login.
pub async fn privileged(stage: Arc<Sessions>, cookies: Option<String>) -> Response {
    match logged_in(&stage, cookies.as_deref()).await {
        Ok(user) => user.reply(&stage, warp::reply::json(&CONGRATULATIONS)),
        Err(refusal) => refusal.into_response(&stage),
    }
}

/// For the home page: the session, if any, without refreshing it.
pub fn current_user_name(stage: &Sessions, cookies: Option<&str>) -> Option<String> {
    Session::from_cookies(&stage.app.keys, cookies).map(|s| s.user_name)
}
