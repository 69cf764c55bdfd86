//! `POST /logout`: end the login at the provider (step 22), then here
//! (step 23). The route
//! stands behind [`same_site_only`](crate::cross_site::same_site_only), so
//! another site cannot log you out.

use crate::app::SessionApp;
use crate::session::Session;
use common::Answer;
use secrecy::ExposeSecret;
use std::sync::Arc;

pub async fn logout(app: Arc<SessionApp>, cookies: Option<String>) -> Answer {
    let app = &app.app;
    if let Some(session) = Session::from_cookies(&app.keys, cookies.as_deref()) {
        // RFC 7009: revoking the refresh token ends the whole grant (its
        // access tokens too); Discord ends it whichever token it gets.
        let (token, hint) = match &session.refresh_token {
            Some(refresh) => (refresh.as_str(), "refresh_token"),
            None => (session.access_token.as_str(), "access_token"),
        };
        let revoked = app
            .upstream
            .post_form(
                app.provider.revoke_url.as_str(),
                &app.provider.client_id,
                app.provider.client_secret.expose_secret(),
                &[("token", token), ("token_type_hint", hint)],
            )
            .await;
        // Logging out must never fail for the user: if the provider cannot
        // be told, the session still ends here, and the operator is told.
        if let Err(error) = revoked {
            tracing::warn!(%error, "token revocation failed; logged out locally only");
        }
    }

    let mut response = common::respond::see_other("/");
    response
        .headers_mut()
        .append(http::header::SET_COOKIE, Session::clear_cookie(app.cookies));
    Ok(response)
}
