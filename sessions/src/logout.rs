//! `POST /logout`: end the login at the provider (step 22), then here
//! (step 23). The route
//! stands behind [`same_site_only`](crate::cross_site::same_site_only), so
//! another site cannot log you out.

use crate::app::SessionApp;
use crate::session::Session;
use common::{Answer, App, Decision};
use secrecy::ExposeSecret;
use std::sync::Arc;

pub async fn logout(app: Arc<SessionApp>, cookies: Option<String>) -> Answer {
    let app = &app.app;
    // Even a session past its lifetime is revoked: its grant is still live
    // at the provider.
    if let Some(session) = Session::in_request(app, cookies.as_deref())? {
        revoke(app, &session.access_token, session.refresh_token.as_deref()).await;
    }
    app.report.report(Decision::SessionEnded);
    let mut response = common::respond::see_other("/");
    response
        .headers_mut()
        .append(http::header::SET_COOKIE, Session::clear_cookie(app.cookies));
    Ok(response)
}

/// Ends the grant at the provider (RFC 7009). Revoking the refresh token
/// ends the whole grant, its access tokens too; Discord ends it whichever
/// token it gets. Stage 3 revokes the same way.
pub async fn revoke(app: &App, access_token: &str, refresh_token: Option<&str>) {
    let (token, hint) = match refresh_token {
        Some(refresh) => (refresh, "refresh_token"),
        None => (access_token, "access_token"),
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
    // Logging out must never fail for the user: if the provider cannot be
    // told, the session still ends here, and the operator is told.
    if let Err(error) = revoked {
        tracing::warn!(%error, "token revocation failed; logged out locally only");
    }
}
