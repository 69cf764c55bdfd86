//! How a client proves who it is at the token and revocation endpoints
//! (RFC 6749 §2.3.1), for every personality: a form body, and the client's
//! id and secret in HTTP Basic or in the form.

use crate::oauth::reply::{invalid_request, oauth_error};
use crate::oauth::request::{MockRequest, Params};
use crate::oauth::secrets::constant_time_eq;
use base64::Engine;
use http::{HeaderValue, StatusCode};
use warp::reply::Response;

/// Both endpoints take a form and nothing else. Discord answers a JSON body
/// with `unsupported_grant_type`: it cannot see a grant type it cannot read.
pub fn form_params(request: &MockRequest) -> Result<Params, Response> {
    if request.media_type() != "application/x-www-form-urlencoded" {
        return Err(oauth_error(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            None,
        ));
    }
    request
        .form()
        .map_err(|bad| invalid_request(&bad.description()))
}

/// RFC 6749 §2.3.1: a client proves who it is with HTTP Basic (id and
/// secret, each form-urlencoded, then base64) or with `client_id` and
/// `client_secret` in the body — but not both at once. `secret_of` finds a
/// registered client's secret (each personality has its own clients).
pub fn authenticate_client(
    request: &MockRequest,
    params: &Params,
    secret_of: impl Fn(&str) -> Option<String>,
) -> Result<String, Response> {
    let basic = request.header("authorization").and_then(|value| {
        let (scheme, encoded) = value.split_once(' ')?;
        scheme
            .eq_ignore_ascii_case("basic")
            .then(|| encoded.trim().to_string())
    });
    let (client_id, secret, used_basic) = match basic {
        Some(encoded) => {
            if params.get("client_secret").is_some() {
                return Err(invalid_request(
                    "Use one client authentication method, not two.",
                ));
            }
            let Some((id, secret)) = decode_basic(&encoded) else {
                return Err(invalid_client(true));
            };
            if params.get("client_id").is_some_and(|body_id| body_id != id) {
                return Err(invalid_client(true));
            }
            (id, secret, true)
        }
        None => match (params.get("client_id"), params.get("client_secret")) {
            (Some(id), Some(secret)) => (id.to_string(), secret.to_string(), false),
            _ => return Err(invalid_client(false)),
        },
    };
    match secret_of(&client_id) {
        Some(registered) if constant_time_eq(&registered, &secret) => Ok(client_id),
        _ => Err(invalid_client(used_basic)),
    }
}

fn decode_basic(encoded: &str) -> Option<(String, String)> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(encoded)
        .ok()?;
    let text = String::from_utf8(bytes).ok()?;
    let (id, secret) = text.split_once(':')?;
    let decode = |s: &str| {
        percent_encoding::percent_decode_str(&s.replace('+', " "))
            .decode_utf8()
            .ok()
            .map(|c| c.into_owned())
    };
    Some((decode(id)?, decode(secret)?))
}

/// 401 `invalid_client`. RFC 6749 §5.2: after a failed Basic attempt the
/// answer "MUST include the WWW-Authenticate response header field".
fn invalid_client(used_basic: bool) -> Response {
    let mut response = oauth_error(StatusCode::UNAUTHORIZED, "invalid_client", None);
    if used_basic {
        response.headers_mut().insert(
            http::header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Basic realm=\"mock-discord\""),
        );
    }
    response
}
