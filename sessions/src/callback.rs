//! `GET /auth`, stage 2: stage 1's checks and code exchange (steps 7 to 9),
//! then the user's name (steps 10–11) and a session instead of a page of
//! tokens (step 12).

use crate::app::SessionApp;
use crate::logout::revoke;
use crate::session::Session;
use basic::callback::complete;
use basic::transaction::InFlight;
use common::{Answer, Decision, Problem};
use std::sync::Arc;

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
        let profile = app
            .provider
            .profile(&app.upstream, &tokens.access_token)
            .await
            .map_err(|e| Problem::upstream(app.provider.display_name, &e))?;
        let session = Session::new(tokens, profile.display_name(), app.now());
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
