//! One filter takes every request; `dispatch` routes it by path and method,
//! applies injected faults and rate limits, and records the exchange.

use crate::faults::{Endpoint, Fault};
use crate::journal::Exchange;
use crate::reply::{api_error, method_not_allowed, not_found};
use crate::request::{read_capped, BodyError, MockRequest};
use crate::state::MockState;
use crate::timeline::{DrawnStep, PkceCheck};
use crate::{api, authorize, consent, google, inspect, metadata, token};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use bytes::Bytes;
use http::{header, HeaderValue, Method, StatusCode};
use sha2::{Digest, Sha256};
use std::convert::Infallible;
use std::sync::Arc;
use warp::filters::path::FullPath;
use warp::reply::Response;
use warp::{Filter, Rejection, Reply};

/// Discord's paths (with the aliases Discord also answers on) and the
/// methods each one takes.
fn route(path: &str) -> Option<(Endpoint, &'static [Method])> {
    const GET: &[Method] = &[Method::GET];
    const POST: &[Method] = &[Method::POST];
    const GET_POST: &[Method] = &[Method::GET, Method::POST];
    let path = path
        .strip_suffix('/')
        .filter(|p| !p.is_empty())
        .unwrap_or(path);
    Some(match path {
        "/oauth2/authorize" | "/api/oauth2/authorize" | "/api/v10/oauth2/authorize" => {
            (Endpoint::Authorize, GET_POST)
        }
        "/api/oauth2/token" | "/api/v10/oauth2/token" => (Endpoint::Token, POST),
        "/api/oauth2/token/revoke" | "/api/v10/oauth2/token/revoke" => (Endpoint::Revoke, POST),
        "/api/users/@me" | "/api/v10/users/@me" => (Endpoint::UsersMe, GET),
        "/api/oauth2/@me" | "/api/v10/oauth2/@me" => (Endpoint::OAuth2Me, GET),
        "/api/users/@me/guilds" | "/api/v10/users/@me/guilds" => (Endpoint::Guilds, GET),
        "/.well-known/oauth-authorization-server" => (Endpoint::Metadata, GET),
        google::DISCOVERY_PATH => (Endpoint::GoogleDiscovery, GET),
        google::CERTS_PATH => (Endpoint::GoogleCerts, GET),
        google::AUTHORIZE_PATH => (Endpoint::GoogleAuthorize, GET_POST),
        google::TOKEN_PATH => (Endpoint::GoogleToken, POST),
        google::USERINFO_PATH => (Endpoint::GoogleUserinfo, GET),
        google::REVOKE_PATH => (Endpoint::GoogleRevoke, POST),
        _ => return None,
    })
}

/// The whole mock as one warp filter.
pub fn routes(
    mock: Arc<MockState>,
) -> impl Filter<Extract = (Response,), Error = Infallible> + Clone + Send + Sync + 'static {
    let raw_query = warp::query::raw().or(warp::any().map(String::new)).unify();
    warp::method()
        .and(warp::path::full())
        .and(raw_query)
        .and(warp::header::headers_cloned())
        .and(warp::body::stream())
        .and(warp::any().map(move || mock.clone()))
        .then(
            |method: Method,
             path: FullPath,
             raw_query: String,
             headers,
             body,
             mock: Arc<MockState>| async move {
                let body = match read_capped(body).await {
                    Ok(body) => body,
                    Err(BodyError::TooLarge) => {
                        return api_error(
                            StatusCode::PAYLOAD_TOO_LARGE,
                            "413: Request Entity Too Large",
                            0,
                        )
                    }
                    Err(BodyError::Broken) => {
                        return api_error(StatusCode::BAD_REQUEST, "400: Bad Request", 0)
                    }
                };
                let path = percent_encoding::percent_decode_str(path.as_str())
                    .decode_utf8_lossy()
                    .into_owned();
                let request = MockRequest {
                    method,
                    path,
                    raw_query,
                    headers,
                    body,
                };
                dispatch(&mock, request).await
            },
        )
        .recover(|_: Rejection| async { Ok::<_, Infallible>(not_found()) })
        .unify()
        .map(|mut response: Response| {
            // Every answer, JSON included, is taken for what it says it is;
            // HTML pages add their own CSP and frame refusal (`reply::html`).
            response.headers_mut().insert(
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            );
            response
        })
}

async fn dispatch(mock: &MockState, request: MockRequest) -> Response {
    if let Some(rest) = request.path.strip_prefix("/__mock") {
        if rest.is_empty() || rest.starts_with('/') {
            return inspect::control(mock, &request, rest);
        }
    }
    let mut response = answer(mock, &request).await;
    // The token endpoint leaves its PKCE check on the response, for the
    // inspector to show; it never goes over the wire.
    let pkce = response.extensions_mut().remove::<PkceCheck>();
    let location = response
        .headers()
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok());
    let exchange = Exchange::of(&request, response.status().as_u16(), location);
    let endpoint = route(&request.path).map(|(endpoint, _)| endpoint);
    let drawn = DrawnStep::of_exchange(&exchange, endpoint, pkce);
    let mut store = mock.store();
    store.journal.record(exchange);
    store.timeline.push(drawn);
    drop(store);
    response
}

async fn answer(mock: &MockState, request: &MockRequest) -> Response {
    let Some((endpoint, methods)) = route(&request.path) else {
        return not_found();
    };
    if !methods.contains(&request.method) {
        let mut response = method_not_allowed();
        let allow: Vec<&str> = methods.iter().map(Method::as_str).collect();
        if let Ok(value) = HeaderValue::from_str(&allow.join(", ")) {
            response.headers_mut().insert(header::ALLOW, value);
        }
        return response;
    }

    let fault = mock.store().faults.take(endpoint);
    if let Some(delay) = fault.as_ref().and_then(Fault::delay) {
        tokio::time::sleep(delay).await;
    }
    match &fault {
        Some(Fault::Status {
            status,
            body,
            content_type,
        }) => return status_fault(*status, body, content_type.as_deref()),
        Some(Fault::DropConnection) => return dropped_connection(),
        _ => {}
    }

    let limited = is_rate_limited(endpoint).then(|| {
        let caller = caller_of(request);
        let now_ms = mock.clock.now_ms();
        mock.store().limiter.check(
            mock.settings.rate_limit,
            bucket_of(endpoint),
            &caller,
            now_ms,
        )
    });
    if let Some(decision) = limited.filter(|d| !d.allowed) {
        return decision.too_many_requests();
    }

    let mut response = match (endpoint, request.method.clone()) {
        (Endpoint::Authorize, Method::GET) => authorize::authorize(mock, request),
        (Endpoint::Authorize, _) => consent::decide(mock, request),
        (Endpoint::Token, _) => token::token(mock, request),
        (Endpoint::Revoke, _) => token::revoke(mock, request),
        (Endpoint::UsersMe, _) => api::users_me(mock, request),
        (Endpoint::OAuth2Me, _) => api::oauth2_me(mock, request),
        (Endpoint::Guilds, _) => api::guilds(mock, request),
        (Endpoint::Metadata, _) => metadata::metadata(mock),
        (Endpoint::GoogleDiscovery, _) => google::discovery(mock),
        (Endpoint::GoogleCerts, _) => google::certs(mock),
        (Endpoint::GoogleAuthorize, Method::GET) => google::authorize::authorize(mock, request),
        (Endpoint::GoogleAuthorize, _) => google::authorize::decide(mock, request),
        (Endpoint::GoogleToken, _) => google::token::token(
            mock,
            request,
            fault.as_ref().and_then(Fault::id_token_spoil),
        ),
        (Endpoint::GoogleUserinfo, _) => google::token::userinfo(mock, request),
        (Endpoint::GoogleRevoke, _) => google::token::revoke(mock, request),
    };
    if let Some(decision) = limited {
        decision.stamp(&mut response);
    }
    match fault {
        Some(Fault::MalformedJson) => malformed_json(),
        Some(Fault::WrongContentType) => {
            response.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            );
            response
        }
        _ => response,
    }
}

/// Discord limits its API per route; the browser-facing pages are not,
/// and Google's personality does not imitate Google's quotas.
fn is_rate_limited(endpoint: Endpoint) -> bool {
    matches!(
        endpoint,
        Endpoint::Token
            | Endpoint::Revoke
            | Endpoint::UsersMe
            | Endpoint::OAuth2Me
            | Endpoint::Guilds
    )
}

/// Discord names buckets with opaque hashes; these are fixed per route.
fn bucket_of(endpoint: Endpoint) -> &'static str {
    match endpoint {
        Endpoint::Token | Endpoint::Revoke => "2e6b1f2ab6e0e4f7a3d1c5c8f0b9a7d4",
        Endpoint::UsersMe => "78f3b2e4c8c2a9a1f0d6e5b4a3c2d1e0",
        Endpoint::OAuth2Me => "a1b2c3d4e5f60718293a4b5c6d7e8f90",
        Endpoint::Guilds => "0f9e8d7c6b5a49382716051f2e3d4c5b",
        _ => "",
    }
}

/// Who is counted against the limit: a digest of the credentials the
/// request presents (bearer token, Basic header, or form client id *and*
/// secret), else everyone anonymous together.
///
/// Keying by the form's `client_id` alone would let a stranger, who knows
/// the id (it is public: it sits in every authorization URL), use up the
/// real client's budget. A stranger cannot present the secret, so their
/// requests count in buckets of their own. The digest also keeps secrets
/// out of the limiter's memory.
fn caller_of(request: &MockRequest) -> String {
    let credentials = if let Some(token) = request.bearer_token() {
        format!("token:{token}")
    } else if let Some(basic) = request.header("authorization") {
        format!("client:{basic}")
    } else {
        let form = request.form().unwrap_or_default();
        match (form.get("client_id"), form.get("client_secret")) {
            (None, None) => return "anonymous".to_string(),
            (id, secret) => format!(
                "client:{}:{}",
                id.unwrap_or_default(),
                secret.unwrap_or_default()
            ),
        }
    };
    let digest = Sha256::digest(credentials.as_bytes());
    URL_SAFE_NO_PAD.encode(&digest[..16])
}

fn status_fault(status: u16, body: &str, content_type: Option<&str>) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = warp::reply::with_status(body.to_string(), status).into_response();
    let content_type = content_type.unwrap_or("application/json");
    if let Ok(value) = HeaderValue::from_str(content_type) {
        response.headers_mut().insert(header::CONTENT_TYPE, value);
    }
    response
}

fn malformed_json() -> Response {
    let mut response = r#"{"access_token": "unterminated"#.into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

/// A response whose body fails at once: hyper then closes the connection
/// without finishing the answer, which a client sees as a broken transfer.
fn dropped_connection() -> Response {
    let broken = futures_util::stream::once(async {
        Err::<Bytes, std::io::Error>(std::io::Error::other(
            "connection dropped by fault injection",
        ))
    });
    let mut response = warp::reply::stream(broken).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}
