//! Discord's token endpoint (RFC 6749 §4.1.3, §6) and revocation endpoint
//! (RFC 7009). The client authentication both share is
//! [`crate::oauth::client_auth`]'s.

use crate::oauth::client_auth::{authenticate_client, form_params};
use crate::oauth::grants::{RedeemError, TokenKind};
use crate::oauth::pkce::PkceCheck;
use crate::oauth::reply::{invalid_grant, invalid_request, json, no_store, oauth_error};
use crate::oauth::request::{MockRequest, Params};
use crate::oauth::scope;
use crate::state::{MockState, Store};
use http::StatusCode;
use serde::Serialize;
use warp::reply::Response;

/// The successful token response, RFC 6749 §5.1, with Discord's fields.
#[derive(Serialize)]
struct TokenResponse<'a> {
    access_token: &'a str,
    token_type: &'static str,
    expires_in: u64,
    refresh_token: &'a str,
    scope: String,
}

/// `POST /api/oauth2/token`.
pub fn token(mock: &MockState, request: &MockRequest) -> Response {
    let (params, client_id) = match client_form(mock, request) {
        Ok(found) => found,
        Err(response) => return response,
    };
    match params.get("grant_type") {
        Some("authorization_code") => redeem_code(mock, &params, &client_id),
        Some("refresh_token") => refresh(mock, &params, &client_id),
        Some(_) => oauth_error(StatusCode::BAD_REQUEST, "unsupported_grant_type", None),
        None => invalid_request("Missing \"grant_type\" in request."),
    }
}

/// What both endpoints start with: the form, and the client it proves.
fn client_form(mock: &MockState, request: &MockRequest) -> Result<(Params, String), Response> {
    let params = form_params(request)?;
    let client_id = authenticate_client(request, &params, |id| {
        mock.config().client(id).map(|c| c.client_secret.clone())
    })?;
    Ok((params, client_id))
}

/// `grant_type=authorization_code`: the code, checked against everything
/// it was bound to at the authorization step.
fn redeem_code(mock: &MockState, params: &Params, client_id: &str) -> Response {
    let Some(code) = params.get("code") else {
        return invalid_request("Missing \"code\" in request.");
    };
    let now_ms = mock.clock.now_ms();
    let mut store = mock.store();
    store.tick(now_ms);
    let issued = match store.grants.take_code(code, client_id, now_ms) {
        Ok(issued) => issued,
        Err(RedeemError::Invalid) | Err(RedeemError::Replayed) => return invalid_grant("code"),
    };

    // RFC 6749 §4.1.3: if redirect_uri was in the authorization request,
    // the same value must come here ("REQUIRED"). It stops a code stolen
    // from one redirect being redeemed as if it came from another. A wrong
    // one is the grant's fault (invalid_grant, §5.2); a missing one, the
    // request's.
    match params.get("redirect_uri") {
        Some(sent) if sent != issued.redirect_uri => {
            return oauth_error(
                StatusCode::BAD_REQUEST,
                "invalid_grant",
                Some("Invalid \"redirect_uri\" in request."),
            );
        }
        None if issued.redirect_uri_given => {
            return invalid_request("Missing \"redirect_uri\" in request.");
        }
        _ => {}
    }

    // RFC 7636 §4.6: the verifier must hash to the challenge. Only the party
    // that started the login knows the verifier, so an intercepted code is
    // useless on its own.
    let pkce = PkceCheck::of(
        issued.code_challenge.as_deref(),
        params.get("code_verifier"),
    );
    if !pkce.matches {
        return pkce.attach_to(invalid_grant("code_verifier"));
    }

    let expires_at = (now_ms / 1000).saturating_add(mock.settings.token_lifetime.as_secs());
    let id = store.grant_for_code(code, issued, expires_at);
    pkce.attach_to(token_response(mock, &store, id))
}

/// `grant_type=refresh_token`: rotation. Each refresh token works once; its
/// successor comes with the new access token.
fn refresh(mock: &MockState, params: &Params, client_id: &str) -> Response {
    let Some(refresh_token) = params.get("refresh_token") else {
        return invalid_request("Missing \"refresh_token\" in request.");
    };
    let now_ms = mock.clock.now_ms();
    let mut store = mock.store();
    let found = store.grants.find_token(refresh_token);
    let owned = |id: u64| {
        store
            .grants
            .grant(id)
            .is_some_and(|g| g.client_id == client_id)
    };
    let id = match found {
        Some((id, TokenKind::Refresh)) if owned(id) => id,
        Some((id, TokenKind::RetiredRefresh)) if owned(id) => {
            // A rotated-away token came back: someone kept a copy. The
            // whole authorization is ended, as OAuth 2.0 Security BCP
            // (RFC 9700 §4.14.2) recommends.
            store.grants.revoke(id);
            return invalid_grant("refresh_token");
        }
        _ => return invalid_grant("refresh_token"),
    };
    if let Some(scope) = params.get("scope") {
        // RFC 6749 §6: a refresh may not widen the grant.
        let granted = &store
            .grants
            .grant(id)
            .map(|g| g.scopes.clone())
            .unwrap_or_default();
        let granted: Vec<&str> = granted.iter().map(String::as_str).collect();
        if scope::parse(scope, &granted).is_err() {
            return oauth_error(
                StatusCode::BAD_REQUEST,
                "invalid_scope",
                Some("The requested scope exceeds the scope granted."),
            );
        }
    }
    let expires_at = (now_ms / 1000).saturating_add(mock.settings.token_lifetime.as_secs());
    store.rotate(id, expires_at);
    token_response(mock, &store, id)
}

fn token_response(mock: &MockState, store: &Store, id: u64) -> Response {
    let Some(grant) = store.grants.grant(id) else {
        return invalid_grant("code");
    };
    no_store(json(
        StatusCode::OK,
        &TokenResponse {
            access_token: &grant.access_token,
            token_type: "Bearer",
            expires_in: mock.settings.token_lifetime.as_secs(),
            refresh_token: &grant.refresh_token,
            scope: grant.scopes.join(" "),
        },
    ))
}

/// `POST /api/oauth2/token/revoke` (RFC 7009).
pub fn revoke(mock: &MockState, request: &MockRequest) -> Response {
    let (params, client_id) = match client_form(mock, request) {
        Ok(found) => found,
        Err(response) => return response,
    };
    let Some(token) = params.get("token") else {
        return invalid_request("Missing \"token\" in request.");
    };
    match params.get("token_type_hint") {
        None | Some("access_token") | Some("refresh_token") => {}
        Some(_) => return oauth_error(StatusCode::BAD_REQUEST, "unsupported_token_type", None),
    }
    let mut store = mock.store();
    if let Some((id, _)) = store.grants.find_token(token) {
        // Revoking either token ends the whole authorization. A token of
        // another client is left alone and answered like an unknown one,
        // so this endpoint cannot be used to probe for valid tokens.
        if store
            .grants
            .grant(id)
            .is_some_and(|g| g.client_id == client_id)
        {
            store.grants.revoke(id);
        }
    }
    // RFC 7009 §2.2: 200 whether or not the token was known.
    json(StatusCode::OK, &serde_json::json!({}))
}
