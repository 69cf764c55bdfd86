//! `GET /oauth2/authorize`: RFC 6749 §4.1.1, the authorization request.
//!
//! The order of the checks matters. The client and its redirect URI are
//! checked first, and a failure there is shown as a page, never redirected:
//! redirecting an error to an unverified URI would make the mock an open
//! redirector (RFC 6749 §4.1.2.1). Only once the redirect URI is known to be
//! the client's own do errors travel back to it as `?error=…`.

use crate::authorization_request::validate;
use crate::authorization_response::{approve, refuse};
use crate::browsers::BROWSER_COOKIE;
use crate::consent;
use crate::reply::{bad_params_page, error_page};
use crate::request::MockRequest;
use crate::state::MockState;
use http::StatusCode;
use warp::reply::Response;

/// `GET /oauth2/authorize`.
pub fn authorize(mock: &MockState, request: &MockRequest) -> Response {
    let params = match request.query() {
        Ok(params) => params,
        Err(bad) => return bad_params_page(&bad),
    };

    // 1. Who is asking, and where does the answer go? Shown, never redirected.
    let (client_id, redirect_uri) = {
        let config = mock.config();
        let Some(client) = params.get("client_id").and_then(|id| config.client(id)) else {
            return error_page(
                StatusCode::BAD_REQUEST,
                "Unknown Application",
                "Invalid OAuth2 client_id. The application asking you to log in is not registered.",
            );
        };
        let redirect_uri = match params.get("redirect_uri") {
            // Exact string comparison: no prefix match, no case folding, no
            // normalisation. Anything looser has leaked codes in the wild.
            Some(sent) if client.redirect_uris.iter().any(|r| r == sent) => sent.to_string(),
            Some(_) => {
                return error_page(
                    StatusCode::BAD_REQUEST,
                    "Invalid OAuth2 redirect_uri",
                    "The redirect_uri is not one of the application's registered redirects.",
                )
            }
            None => client.redirect_uris[0].clone(),
        };
        (client.client_id.clone(), redirect_uri)
    };
    let state = params.get("state").map(str::to_string);

    // 2. Everything else is the client's mistake, reported to the client.
    let authorization = match validate(&params, client_id, redirect_uri.clone(), state.clone()) {
        Ok(authorization) => authorization,
        Err(error) => {
            return refuse(
                mock,
                &redirect_uri,
                error.error,
                &error.description,
                state.as_deref(),
            )
        }
    };

    // 3. Scripted runs approve at once.
    if let Some(user_id) = mock.settings.auto_approve.clone() {
        return approve(mock, authorization, &user_id, None);
    }

    // 4. `prompt=none`: skip the page if this browser already said yes.
    let browser = request.cookie(BROWSER_COOKIE);
    if authorization.prompt_none {
        let remembered_user = browser
            .as_deref()
            .and_then(|browser| mock.store().approved_user(browser, &authorization));
        if let Some(user_id) = remembered_user {
            return approve(mock, authorization, &user_id, None);
        }
    }

    // 5. Ask the person.
    consent::page(mock, request, authorization)
}
