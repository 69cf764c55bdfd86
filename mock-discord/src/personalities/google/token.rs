//! Google's token endpoint (with the ID token), userinfo and revocation.

use super::{google_error, ACCESS_TOKEN_SECS, ID_TOKEN_SECS};
use crate::control::faults::IdTokenSpoil;
use crate::oauth::authorization_request::RefreshTokenRule;
use crate::oauth::client_auth::{authenticate_client, form_params};
use crate::oauth::grants::TokenKind;
use crate::oauth::pkce::PkceCheck;
use crate::oauth::reply::{json, no_store};
use crate::oauth::request::{MockRequest, Params};
use crate::state::MockState;
use http::{HeaderValue, StatusCode};
use serde_json::{json, Value};
use warp::reply::Response;

/// Google answers most refusals of the token endpoint this way.
fn bad_request(error: &str) -> Response {
    google_error(StatusCode::BAD_REQUEST, error, "Bad Request")
}

/// `POST /google/token`. `spoil`: a fault asked for a bad ID token.
pub fn token(mock: &MockState, request: &MockRequest, spoil: Option<IdTokenSpoil>) -> Response {
    let params = match form_params(request) {
        Ok(params) => params,
        Err(_) => return bad_request("invalid_request"),
    };
    let client_id = match authenticate_client(request, &params, |id| {
        mock.config()
            .google_client(id)
            .map(|c| c.client_secret.clone())
    }) {
        Ok(client_id) => client_id,
        Err(_) => return google_error(StatusCode::UNAUTHORIZED, "invalid_client", "Unauthorized"),
    };
    match params.get("grant_type") {
        Some("authorization_code") => redeem_code(mock, &params, &client_id, spoil),
        Some("refresh_token") => refresh(mock, &params, &client_id, spoil),
        Some(_) => bad_request("unsupported_grant_type"),
        None => bad_request("invalid_request"),
    }
}

fn redeem_code(
    mock: &MockState,
    params: &Params,
    client_id: &str,
    spoil: Option<IdTokenSpoil>,
) -> Response {
    let Some(code) = params.get("code") else {
        return bad_request("invalid_request");
    };
    let now_ms = mock.clock.now_ms();
    let mut store = mock.store();
    store.tick(now_ms);
    let Ok(issued) = store.grants.take_code(code, client_id, now_ms) else {
        return bad_request("invalid_grant");
    };
    // Google requires the redirect URI here, equal to the authorization's.
    if params.get("redirect_uri") != Some(issued.redirect_uri.as_str()) {
        return google_error(
            StatusCode::BAD_REQUEST,
            "redirect_uri_mismatch",
            "Bad Request",
        );
    }
    let pkce = PkceCheck::of(
        issued.code_challenge.as_deref(),
        params.get("code_verifier"),
    );
    if !pkce.matches {
        return pkce.attach_to(bad_request("invalid_grant"));
    }
    let nonce = issued.nonce.clone();
    let now_secs = now_ms / 1000;
    let gives_refresh_token = match issued.refresh_token {
        RefreshTokenRule::Always | RefreshTokenRule::AtThisConsent => true,
        RefreshTokenRule::Never => false,
        RefreshTokenRule::AtFirstConsent => !store
            .grants
            .holds_refresh_token(&issued.client_id, &issued.user_id),
    };
    let id = store.grant_for_code(code, issued, now_secs.saturating_add(ACCESS_TOKEN_SECS));
    if !gives_refresh_token {
        store.grants.withhold_refresh_token(id);
    }
    let Some(grant) = store.grants.grant(id).cloned() else {
        return bad_request("invalid_grant");
    };
    drop(store);
    let mut body = json!({
        "access_token": grant.access_token,
        "expires_in": ACCESS_TOKEN_SECS,
        "scope": grant.scopes.join(" "),
        "token_type": "Bearer",
    });
    if gives_refresh_token {
        body["refresh_token"] = Value::String(grant.refresh_token.clone());
    }
    if let Some(id_token) = id_token(
        mock,
        &grant.client_id,
        &grant.user_id,
        &grant.scopes,
        nonce,
        now_secs,
        spoil,
    ) {
        body["id_token"] = Value::String(id_token);
    }
    pkce.attach_to(no_store(json(StatusCode::OK, &body)))
}

/// Google does not rotate refresh tokens: the answer has a new access
/// token and ID token, and no `refresh_token`.
fn refresh(
    mock: &MockState,
    params: &Params,
    client_id: &str,
    spoil: Option<IdTokenSpoil>,
) -> Response {
    let Some(refresh_token) = params.get("refresh_token") else {
        return bad_request("invalid_request");
    };
    let now_secs = mock.clock.now_secs();
    let mut store = mock.store();
    let id = match store.grants.find_token(refresh_token) {
        Some((id, TokenKind::Refresh))
            if store
                .grants
                .grant(id)
                .is_some_and(|g| g.client_id == client_id) =>
        {
            id
        }
        _ => return bad_request("invalid_grant"),
    };
    let store = &mut *store;
    store.grants.renew_access(
        &mut store.secrets,
        id,
        now_secs.saturating_add(ACCESS_TOKEN_SECS),
    );
    let Some(grant) = store.grants.grant(id).cloned() else {
        return bad_request("invalid_grant");
    };
    let mut body = json!({
        "access_token": grant.access_token,
        "expires_in": ACCESS_TOKEN_SECS,
        "scope": grant.scopes.join(" "),
        "token_type": "Bearer",
    });
    if let Some(id_token) = id_token(
        mock,
        &grant.client_id,
        &grant.user_id,
        &grant.scopes,
        None,
        now_secs,
        spoil,
    ) {
        body["id_token"] = Value::String(id_token);
    }
    no_store(json(StatusCode::OK, &body))
}

/// The claims Google's ID token carries for this account and these scopes,
/// signed (OpenID Connect Core §2).
fn id_token(
    mock: &MockState,
    client_id: &str,
    sub: &str,
    scopes: &[String],
    nonce: Option<String>,
    now_secs: u64,
    spoil: Option<IdTokenSpoil>,
) -> Option<String> {
    let mut claims = json!({
        "iss": super::issuer(&mock.issuer),
        "azp": client_id,
        "aud": client_id,
        "sub": sub,
        "iat": now_secs,
        "exp": now_secs.saturating_add(ID_TOKEN_SECS),
    });
    claims
        .as_object_mut()?
        .extend(profile_claims(mock, sub, scopes)?);
    if let Some(nonce) = nonce {
        claims["nonce"] = Value::String(nonce);
    }
    match spoil {
        None | Some(IdTokenSpoil::BadSignature) => {}
        Some(IdTokenSpoil::OtherAudience) => {
            claims["aud"] = json!("someone-else.apps.googleusercontent.com");
        }
        Some(IdTokenSpoil::OtherIssuer) => claims["iss"] = json!("https://accounts.google.com"),
        Some(IdTokenSpoil::Expired) => {
            claims["iat"] = json!(now_secs.saturating_sub(2 * ID_TOKEN_SECS));
            claims["exp"] = json!(now_secs.saturating_sub(ID_TOKEN_SECS));
        }
        Some(IdTokenSpoil::WrongNonce) => claims["nonce"] = json!("not-the-nonce-you-sent"),
        Some(IdTokenSpoil::NoNonce) => {
            claims.as_object_mut()?.remove("nonce");
        }
    }
    let signed = mock.signing_keys().sign(&claims);
    if spoil == Some(IdTokenSpoil::BadSignature) {
        // Claims from another token under this signature: it cannot match.
        let (head, _) = signed.rsplit_once('.')?;
        let other = mock.signing_keys().sign(&json!({"sub": "someone else"}));
        let (_, signature) = other.rsplit_once('.')?;
        return Some(format!("{head}.{signature}"));
    }
    Some(signed)
}

/// The account's claims the scopes allow: `email` and `email_verified`
/// with `email`, `name` and `picture` with `profile`.
fn profile_claims(
    mock: &MockState,
    sub: &str,
    scopes: &[String],
) -> Option<serde_json::Map<String, Value>> {
    let config = mock.config();
    let user = config.google_user(sub)?;
    let mut claims = serde_json::Map::new();
    claims.insert("sub".into(), Value::String(user.sub.clone()));
    if scopes.iter().any(|s| s == "email") {
        claims.insert("email".into(), Value::String(user.email.clone()));
        claims.insert("email_verified".into(), Value::Bool(user.email_verified));
    }
    if scopes.iter().any(|s| s == "profile") {
        claims.insert("name".into(), Value::String(user.name.clone()));
        if let Some(picture) = &user.picture {
            claims.insert("picture".into(), Value::String(picture.clone()));
        }
    }
    Some(claims)
}

/// `GET /google/v1/userinfo` with the access token.
pub fn userinfo(mock: &MockState, request: &MockRequest) -> Response {
    let unauthorized = || {
        let mut response = google_error(
            StatusCode::UNAUTHORIZED,
            "invalid_request",
            "Invalid Credentials",
        );
        response.headers_mut().insert(
            http::header::WWW_AUTHENTICATE,
            HeaderValue::from_static(
                "Bearer realm=\"https://accounts.google.com/\", error=\"invalid_token\"",
            ),
        );
        response
    };
    let Some(token) = request.bearer_token() else {
        return unauthorized();
    };
    let (sub, scopes) = {
        let store = mock.store();
        match store.grants.find_token(token) {
            Some((id, TokenKind::Access)) => match store.grants.grant(id) {
                Some(grant) if grant.access_expires_at > mock.clock.now_secs() => {
                    (grant.user_id.clone(), grant.scopes.clone())
                }
                _ => return unauthorized(),
            },
            _ => return unauthorized(),
        }
    };
    match profile_claims(mock, &sub, &scopes) {
        Some(claims) => json(StatusCode::OK, &Value::Object(claims)),
        None => unauthorized(),
    }
}

/// `POST /google/revoke` (RFC 7009, in Google's way): revoking either
/// token ends the grant; an unknown token is a 400 `invalid_token`.
pub fn revoke(mock: &MockState, request: &MockRequest) -> Response {
    let token = request
        .form()
        .ok()
        .and_then(|params| params.get("token").map(str::to_string))
        .or_else(|| {
            request
                .query()
                .ok()
                .and_then(|params| params.get("token").map(str::to_string))
        });
    let Some(token) = token else {
        return bad_request("invalid_request");
    };
    let mut store = mock.store();
    match store.grants.find_token(&token) {
        Some((id, TokenKind::Access | TokenKind::Refresh)) => {
            store.grants.revoke(id);
            json(StatusCode::OK, &json!({}))
        }
        _ => google_error(
            StatusCode::BAD_REQUEST,
            "invalid_token",
            "Token expired or revoked",
        ),
    }
}
