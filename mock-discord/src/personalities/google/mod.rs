//! Google's personality: an OpenID Connect provider under `/google/`, in
//! the same process and on the same port as Discord's.
//!
//! OpenID Connect is OAuth2 plus an answer to "who logged in?": the token
//! response carries an **ID token**, a JWT signed by the provider, whose
//! claims name the issuer (`iss`), the client it was made for (`aud`), the
//! user (`sub`), when it expires (`exp`), and the `nonce` the client sent
//! in the authorization request. The client checks each one (see stage 3).
//!
//! Strict in Google's way: `redirect_uri` required and exact, codes single
//! use, PKCE checked, `scope` must hold `openid`, and Google's error bodies
//! (`{"error":"invalid_grant","error_description":"Bad Request"}`). A
//! refresh token comes only with `access_type=offline`, and only at a
//! user's first consent to the client unless `prompt=consent` asks again.
//! Refresh tokens are not rotated: a refresh answers a new access token and
//! ID token, and no `refresh_token`.
//!
//! * [`authorization`]: its rules for the authorization request, and its
//!   account chooser;
//! * [`discovery`]: the discovery document and the signing keys (JWKS);
//! * [`token`]: the token endpoint (with the ID token), userinfo and
//!   revocation.
//!
//! | path | what |
//! |---|---|
//! | `/google/.well-known/openid-configuration` | discovery |
//! | `/google/oauth2/v3/certs` | the JWKS |
//! | `/google/o/oauth2/v2/auth` | authorization, with an account chooser |
//! | `/google/token` | the token endpoint |
//! | `/google/v1/userinfo` | userinfo |
//! | `/google/revoke` | revocation |

pub mod authorization;
pub mod discovery;
pub mod token;

use crate::oauth::reply::json;
use http::StatusCode;
use serde_json::json;
use warp::reply::Response;

pub const DISCOVERY_PATH: &str = "/google/.well-known/openid-configuration";
pub const CERTS_PATH: &str = "/google/oauth2/v3/certs";
pub const AUTHORIZE_PATH: &str = "/google/o/oauth2/v2/auth";
pub const TOKEN_PATH: &str = "/google/token";
pub const USERINFO_PATH: &str = "/google/v1/userinfo";
pub const REVOKE_PATH: &str = "/google/revoke";

/// Google's access tokens live an hour (`expires_in: 3599`).
pub const ACCESS_TOKEN_SECS: u64 = 3599;
/// And its ID tokens an hour.
pub const ID_TOKEN_SECS: u64 = 3600;

/// The personality's issuer: `{mock}/google`, given the mock's base URL.
/// Every ID token's `iss`, and the `iss` of every authorization response.
pub fn issuer(base: &str) -> String {
    format!("{}/google", base.trim_end_matches('/'))
}

/// Google's error body: `{"error": …, "error_description": …}`.
pub fn google_error(status: StatusCode, error: &str, description: &str) -> Response {
    json(
        status,
        &json!({"error": error, "error_description": description}),
    )
}
