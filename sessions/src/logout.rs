//! `POST /logout`: end the login at the provider, then here.

use crate::session::Session;
use crate::Sessions;
use common::Problem;
use http::StatusCode;
use secrecy::ExposeSecret;
use std::sync::Arc;
use warp::reply::Response;
use warp::Reply;

/// The two headers a browser sends that say where a request came from.
#[derive(Debug, Default)]
pub struct Provenance {
    pub sec_fetch_site: Option<String>,
    pub origin: Option<String>,
}

impl Provenance {
    /// Refuses requests that another site made the browser send (CSRF):
    /// a cross-site page could otherwise log you out, or worse, on a route
    /// that changes more. `SameSite=Lax` already keeps our cookie off
    /// cross-site POSTs; this check says so out loud, with a 403.
    fn is_cross_site(&self, public_origin: &str) -> bool {
        if let Some(site) = &self.sec_fetch_site {
            // same-origin: our own page. none: typed or bookmarked.
            return !matches!(site.as_str(), "same-origin" | "none");
        }
        if let Some(origin) = &self.origin {
            return origin != public_origin;
        }
        // Neither header: not a modern browser (curl, a script), which
        // cannot be tricked by another site into sending our cookie.
        false
    }
}

pub async fn logout(
    stage: Arc<Sessions>,
    cookies: Option<String>,
    provenance: Provenance,
) -> Response {
    let app = &stage.app;
    if provenance.is_cross_site(&app.public_origin) {
        return Problem::new(StatusCode::FORBIDDEN, "Cross-site logout refused").into_response();
    }

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
    response
}
