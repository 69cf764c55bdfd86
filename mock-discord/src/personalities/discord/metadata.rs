//! RFC 8414 authorization server metadata: the document a generic OAuth2
//! client can read to configure itself. Every value here is what the mock
//! really serves; a test drives a third-party client from this alone.

use crate::oauth::reply::json;
use crate::personalities::discord::scopes::KNOWN_SCOPES;
use crate::state::MockState;
use http::StatusCode;
use serde_json::json;
use warp::reply::Response;

/// `GET /.well-known/oauth-authorization-server`.
pub fn metadata(mock: &MockState) -> Response {
    let base = &mock.issuer;
    json(
        StatusCode::OK,
        &json!({
            "issuer": base,
            "authorization_endpoint": format!("{base}/oauth2/authorize"),
            "token_endpoint": format!("{base}/api/oauth2/token"),
            "revocation_endpoint": format!("{base}/api/oauth2/token/revoke"),
            "scopes_supported": KNOWN_SCOPES,
            "response_types_supported": ["code"],
            "response_modes_supported": ["query"],
            "grant_types_supported": ["authorization_code", "refresh_token"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "revocation_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "code_challenge_methods_supported": ["S256"],
            "service_documentation": format!("{base}/__mock"),
        }),
    )
}
