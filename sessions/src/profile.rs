//! What a session is for: `/users/me` (the provider's API, with the user's
//! token) and `/privileged` (a page only a logged-in user may see). Both
//! stand behind the [`guard`](crate::guard): they only run for a session.

use crate::app::SessionApp;
use crate::session::Session;
use common::{Answer, Problem, UpstreamError};
use std::sync::Arc;
use warp::Reply;

pub const CONGRATULATIONS: &str = "Congratulations, you are logged in using Discord!";

/// `GET /users/me`: Discord's `/users/@me`, called with the session's token
/// (steps 14–16).
pub async fn users_me(app: Arc<SessionApp>, session: Session) -> Answer {
    let app = &app.app;
    match app
        .provider
        .profile(&app.upstream, &session.access_token)
        .await
    {
        Ok(profile) => Ok(common::respond::no_store(
            warp::reply::json(&profile.into_json()).into_response(),
        )),
        // The token was revoked upstream (logged out elsewhere, app removed
        // from the user's authorized apps): the session is worthless.
        Err(UpstreamError::Unauthorized) => {
            Err(Problem::not_logged_in().with_cookie(Session::clear_cookie(app.cookies)))
        }
        Err(error) => {
            tracing::warn!(%error, "GET /users/@me failed");
            Err(Problem::upstream(app.provider.display_name, &error))
        }
    }
}

/// `GET /privileged`: only for a completed login.
pub async fn privileged(_app: Arc<SessionApp>, _session: Session) -> Answer {
    Ok(warp::reply::json(&CONGRATULATIONS).into_response())
}
