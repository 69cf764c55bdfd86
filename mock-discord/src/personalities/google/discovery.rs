//! How a client finds Google's personality: the discovery document
//! (OpenID Connect Discovery 1.0) and the keys its ID tokens are signed
//! with (the JWKS, RFC 7517).

use super::{issuer, AUTHORIZE_PATH, CERTS_PATH, REVOKE_PATH, TOKEN_PATH, USERINFO_PATH};
use crate::oauth::reply::json;
use crate::state::MockState;
use http::StatusCode;
use serde_json::json;
use warp::reply::Response;

/// The discovery document (OpenID Connect Discovery 1.0), shaped like
/// `https://accounts.google.com/.well-known/openid-configuration`.
pub fn discovery(mock: &MockState) -> Response {
    let base = mock.issuer.trim_end_matches('/');
    json(
        StatusCode::OK,
        &json!({
            "issuer": issuer(&mock.issuer),
            "authorization_endpoint": format!("{base}{AUTHORIZE_PATH}"),
            "token_endpoint": format!("{base}{TOKEN_PATH}"),
            "userinfo_endpoint": format!("{base}{USERINFO_PATH}"),
            "revocation_endpoint": format!("{base}{REVOKE_PATH}"),
            "jwks_uri": format!("{base}{CERTS_PATH}"),
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "scopes_supported": ["openid", "email", "profile"],
            "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
            "claims_supported": ["aud", "email", "email_verified", "exp", "iat", "iss", "name", "picture", "sub", "nonce"],
            "code_challenge_methods_supported": ["plain", "S256"],
            "grant_types_supported": ["authorization_code", "refresh_token"],
        }),
    )
}

/// The JWKS: the public half of the signing key.
pub fn certs(mock: &MockState) -> Response {
    json(StatusCode::OK, mock.signing_keys().jwks())
}
