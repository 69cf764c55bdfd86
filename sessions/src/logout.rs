//! `POST /logout`: end the login at the provider (step 22), then here
//! (step 23). The route
//! stands behind [`same_site_only`](crate::cross_site::same_site_only), so
//! another site cannot log you out.

use crate::app::SessionApp;
use crate::session::Session;
use common::{Answer, App, Decision, Upstream};
use secrecy::ExposeSecret;
use std::sync::Arc;

pub async fn logout(app: Arc<SessionApp>, cookies: Option<String>) -> Answer {
    let app = &app.app;
    // Even a session past its lifetime is revoked: its grant is still live
    // at the provider.
    // >>> exercise: logout-revokes
    if let Some(session) = Session::in_request(app, cookies.as_deref())? {
        revoke(app, &session.access_token, session.refresh_token.as_deref()).await;
    }
    // <<< exercise: logout-revokes
    logged_out(app)
}

/// The end of every logout, here and in stage 3: the session cookie
/// cleared, and the browser sent home (303).
pub fn logged_out(app: &App) -> Answer {
    app.report.report(Decision::SessionEnded);
    let mut response = common::respond::see_other("/");
    response
        .headers_mut()
        .append(http::header::SET_COOKIE, Session::clear_cookie(app.cookies));
    Ok(response)
}

/// Ends the grant at Discord (RFC 7009), as [`revoke_at`] does.
pub async fn revoke(app: &App, access_token: &str, refresh_token: Option<&str>) {
    let provider = &app.provider;
    let endpoint = Revocation {
        provider: provider.display_name,
        url: provider.revoke_url.as_str(),
        client_id: &provider.client_id,
        client_secret: provider.client_secret.expose_secret(),
    };
    revoke_at(&app.upstream, endpoint, access_token, refresh_token).await;
}

/// A provider's revocation endpoint, and the client that calls it.
pub struct Revocation<'a> {
    /// The provider's name, for the log.
    pub provider: &'a str,
    pub url: &'a str,
    pub client_id: &'a str,
    pub client_secret: &'a str,
}

/// Ends a grant at its provider (RFC 7009). Revoking the refresh token ends
/// the whole grant, its access tokens too, so it goes when there is one;
/// Discord ends the grant whichever token it gets. Stage 3 revokes this
/// way at both of its providers.
pub async fn revoke_at(
    upstream: &Upstream,
    endpoint: Revocation<'_>,
    access_token: &str,
    refresh_token: Option<&str>,
) {
    let (token, hint) = match refresh_token {
        Some(refresh) => (refresh, "refresh_token"),
        None => (access_token, "access_token"),
    };
    let revoked = upstream
        .post_form(
            endpoint.url,
            endpoint.client_id,
            endpoint.client_secret,
            &[("token", token), ("token_type_hint", hint)],
        )
        .await;
    // Logging out must never fail for the user: if the provider cannot be
    // told, the session still ends here, and the operator is told.
    if let Err(error) = revoked {
        let provider = endpoint.provider;
        tracing::warn!(%error, "{provider} token revocation failed; logged out locally only");
    }
}
