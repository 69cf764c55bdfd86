//! `GET /google/o/oauth2/v2/auth`: Google's authorization request, and its
//! account chooser (`POST` back to the same path).
//!
//! As for Discord, the client and redirect URI are checked first and a
//! failure there is a page, never a redirect. Google requires
//! `redirect_uri` (there is no default) and `openid` in the scope; it keeps
//! the `nonce` for the ID token.

use crate::authorization_request::AuthorizeRequest;
use crate::authorization_response::with_query;
use crate::browsers::{hold_for_consent, read_decision, Decided};
use crate::config::GoogleUser;
use crate::grants::IssuedCode;
use crate::reply::{bad_params_page, error_page, found};
use crate::request::{MockRequest, Params};
use crate::secrets::is_pkce_string;
use crate::state::MockState;
use askama::Template;
use http::StatusCode;
use warp::reply::Response;

/// The scopes Google's personality knows.
const SCOPES: &[&str] = &["openid", "email", "profile"];

#[derive(Template)]
#[template(path = "google_chooser.html")]
struct ChooserPage<'a> {
    app_name: &'a str,
    action: &'a str,
    csrf_token: &'a str,
    users: &'a [GoogleUser],
    redirect_uri: &'a str,
}

/// `GET`: checks the request, then shows the account chooser.
pub fn authorize(mock: &MockState, request: &MockRequest) -> Response {
    let params = match request.query() {
        Ok(params) => params,
        Err(bad) => return bad_params_page(&bad),
    };
    let (client_id, redirect_uri) = {
        let config = mock.config();
        let Some(client) = params
            .get("client_id")
            .and_then(|id| config.google_client(id))
        else {
            return error_page(
                StatusCode::UNAUTHORIZED,
                "Access blocked: Authorization Error",
                "Error 401: invalid_client. The OAuth client was not found.",
            );
        };
        match params.get("redirect_uri") {
            Some(sent) if client.redirect_uris.iter().any(|r| r == sent) => {
                (client.client_id.clone(), sent.to_string())
            }
            _ => {
                return error_page(
                    StatusCode::BAD_REQUEST,
                    "Access blocked: This app's request is invalid",
                    "Error 400: redirect_uri_mismatch. The redirect_uri is missing or not registered for this client.",
                )
            }
        }
    };
    let state = params.get("state").map(str::to_string);
    let authorization = match validate(&params, client_id, redirect_uri.clone(), state.clone()) {
        Ok(authorization) => authorization,
        Err((error, description)) => {
            return refuse(mock, &redirect_uri, error, description, state.as_deref())
        }
    };

    if let Some(sub) = mock.settings.auto_approve_google.clone() {
        return approve(mock, authorization, &sub);
    }
    chooser(mock, request, authorization)
}

/// Everything after the client and redirect URI, reported back to it.
fn validate(
    params: &Params,
    client_id: String,
    redirect_uri: String,
    state: Option<String>,
) -> Result<AuthorizeRequest, (&'static str, &'static str)> {
    if params.get("response_type") != Some("code") {
        return Err((
            "unsupported_response_type",
            "Only response_type=code is supported.",
        ));
    }
    let scopes: Vec<String> = params
        .get("scope")
        .unwrap_or_default()
        .split(' ')
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect();
    if scopes.iter().any(|s| !SCOPES.contains(&s.as_str())) {
        return Err(("invalid_scope", "Some requested scopes were invalid."));
    }
    if !scopes.iter().any(|s| s == "openid") {
        return Err(("invalid_scope", "Missing the openid scope."));
    }
    let code_challenge = match (
        params.get("code_challenge"),
        params.get("code_challenge_method"),
    ) {
        (None, None) => None,
        (Some(challenge), Some("S256")) if is_pkce_string(challenge) && challenge.len() == 43 => {
            Some(challenge.to_string())
        }
        _ => {
            return Err((
                "invalid_request",
                "Invalid code_challenge or code_challenge_method.",
            ))
        }
    };
    Ok(AuthorizeRequest {
        client_id,
        redirect_uri,
        scopes,
        state,
        code_challenge,
        prompt_none: false,
        nonce: params.get("nonce").map(str::to_string),
    })
}

fn chooser(mock: &MockState, request: &MockRequest, authorization: AuthorizeRequest) -> Response {
    let held = hold_for_consent(mock, request, authorization.clone(), true);
    let config = mock.config();
    let app_name = config
        .google_client(&authorization.client_id)
        .map(|c| c.name.clone())
        .unwrap_or_default();
    let page = ChooserPage {
        app_name: &app_name,
        action: &request.path,
        csrf_token: &held.csrf_token,
        users: &config.google_users,
        redirect_uri: &authorization.redirect_uri,
    };
    held.answer(crate::reply::page(&page))
}

/// `POST`: the account chosen, or cancel (see [`read_decision`]).
pub fn decide(mock: &MockState, request: &MockRequest) -> Response {
    let known = |sub: &str| mock.config().google_user(sub).is_some();
    match read_decision(mock, request, true, known) {
        Ok(Decided::Approve {
            authorization,
            user,
            ..
        }) => approve(mock, authorization, &user),
        Ok(Decided::Cancel(authorization)) => refuse(
            mock,
            &authorization.redirect_uri,
            "access_denied",
            "The user denied the request.",
            authorization.state.as_deref(),
        ),
        Err(page) => page,
    }
}

/// A code for `sub`, back to the redirect URI with `state`, `iss` and the
/// granted `scope`.
fn approve(mock: &MockState, authorization: AuthorizeRequest, sub: &str) -> Response {
    let now_ms = mock.clock.now_ms();
    let issued = IssuedCode {
        client_id: authorization.client_id.clone(),
        redirect_uri: authorization.redirect_uri.clone(),
        scopes: authorization.scopes.clone(),
        user_id: sub.to_string(),
        code_challenge: authorization.code_challenge.clone(),
        expires_at_ms: now_ms.saturating_add(mock.settings.code_lifetime.as_millis() as u64),
        nonce: authorization.nonce.clone(),
    };
    let code = {
        let mut store = mock.store();
        store.tick(now_ms);
        store.issue_code(issued)
    };
    let issuer = super::issuer(mock);
    let scope = authorization.scopes.join(" ");
    let mut pairs = vec![("code", code.as_str())];
    if let Some(state) = authorization.state.as_deref() {
        pairs.push(("state", state));
    }
    pairs.push(("scope", &scope));
    pairs.push(("iss", &issuer));
    found(&with_query(&authorization.redirect_uri, &pairs))
}

fn refuse(
    mock: &MockState,
    redirect_uri: &str,
    error: &str,
    description: &str,
    state: Option<&str>,
) -> Response {
    let issuer = super::issuer(mock);
    let mut pairs = vec![("error", error), ("error_description", description)];
    if let Some(state) = state {
        pairs.push(("state", state));
    }
    pairs.push(("iss", &issuer));
    found(&with_query(redirect_uri, &pairs))
}
