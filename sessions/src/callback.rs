//! `GET /auth`, stage 2: stage 1's checks and code exchange (steps 7 to 9),
//! then the user's name (steps 10–11) and a session instead of a page of
//! tokens (step 12).

use crate::app::SessionApp;
use crate::logout::revoke;
use crate::session::Session;
use basic::callback::complete;
use basic::transaction::InFlight;
use common::{Answer, Decision, Problem};
use serde::Deserialize;
use std::sync::Arc;

/// The part of Discord's user object the session keeps: the names. The id
/// is required although unused here: a user object without one is not a
/// user object, and is refused (502) rather than half-believed.
#[derive(Deserialize)]
pub struct DiscordUserNames {
    #[allow(dead_code)]
    pub id: String,
    pub username: String,
    pub global_name: Option<String>,
}

impl DiscordUserNames {
    /// What Discord shows: the display name, or else the username.
    pub fn display_name(self) -> String {
        self.global_name.unwrap_or(self.username)
    }
}

pub async fn auth(app: Arc<SessionApp>, raw_query: String, cookies: Option<String>) -> Answer {
    let app = &app.app;
    let mut in_flight =
        InFlight::from_cookies(&app.keys, app.cookies, cookies.as_deref(), app.now())?;
    // A session this browser already had: logging in again replaces it.
    let earlier = Session::in_request(app, cookies.as_deref())?;
    let logged_in = async {
        let tokens = complete(app, &raw_query, &mut in_flight).await?;
        // Steps 10–11: ask once who logged in, for the home page's
        // "Logged in as …".
        let names: DiscordUserNames = app
            .upstream
            .get_json(&app.provider.api_url("/users/@me"), &tokens.access_token)
            .await
            .map_err(|e| Problem::upstream(app.provider.display_name, &e))?;
        let session = Session::new(tokens, names.display_name(), app.now());
        // The replaced session's grant is ended at the provider. Left live,
        // a copy of the old cookie would keep working for its week.
        if let Some(earlier) = earlier {
            if earlier.refresh_token != session.refresh_token {
                revoke(app, &earlier.access_token, earlier.refresh_token.as_deref()).await;
            }
        }
        // Step 12. 303: the browser GETs /users/me, and a reload there does
        // not replay this callback.
        let mut response = common::respond::see_other("/users/me");
        response
            .headers_mut()
            .append(http::header::SET_COOKIE, session.cookie_for(app));
        app.report.report(Decision::SessionOpened);
        Ok(response)
    };
    let answer = logged_in.await;
    in_flight.end_with(&app.keys, app.cookies, answer)
}
