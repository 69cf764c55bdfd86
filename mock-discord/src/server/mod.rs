//! The server: one filter takes every request; `dispatch` routes it by the
//! one routes table below, applies injected faults and rate limits, and
//! records the exchange. [`handle`] starts and stops it: the builder
//! (`MockDiscord`) and the running mock (`MockHandle`).

pub mod handle;

use crate::control::faults::Fault;
use crate::control::journal::Exchange;
use crate::inspector::timeline::DrawnStep;
use crate::oauth::authorize;
use crate::oauth::pkce::PkceCheck;
use crate::oauth::reply::{api_error, method_not_allowed, not_found};
use crate::oauth::request::{read_capped, BodyError, MockRequest};
use crate::personalities::discord::{api, metadata, ratelimit, token};
use crate::personalities::google::{self, discovery};
use crate::personalities::Endpoint;
use crate::state::MockState;
use http::{header, HeaderValue, Method, StatusCode};
use std::convert::Infallible;
use std::sync::Arc;
use warp::filters::path::FullPath;
use warp::reply::Response;
use warp::{Filter, Rejection};

const GET: &[Method] = &[Method::GET];
const POST: &[Method] = &[Method::POST];
const GET_POST: &[Method] = &[Method::GET, Method::POST];

/// The routes table: each endpoint of each personality, the paths it
/// answers on (Discord also answers on some aliases), and its methods.
const ROUTES: &[(&[&str], Endpoint, &[Method])] = &[
    (
        &[
            "/oauth2/authorize",
            "/api/oauth2/authorize",
            "/api/v10/oauth2/authorize",
        ],
        Endpoint::Authorize,
        GET_POST,
    ),
    (
        &["/api/oauth2/token", "/api/v10/oauth2/token"],
        Endpoint::Token,
        POST,
    ),
    (
        &["/api/oauth2/token/revoke", "/api/v10/oauth2/token/revoke"],
        Endpoint::Revoke,
        POST,
    ),
    (
        &["/api/users/@me", "/api/v10/users/@me"],
        Endpoint::UsersMe,
        GET,
    ),
    (
        &["/api/oauth2/@me", "/api/v10/oauth2/@me"],
        Endpoint::OAuth2Me,
        GET,
    ),
    (
        &["/api/users/@me/guilds", "/api/v10/users/@me/guilds"],
        Endpoint::Guilds,
        GET,
    ),
    (
        &["/.well-known/oauth-authorization-server"],
        Endpoint::Metadata,
        GET,
    ),
    (&[google::DISCOVERY_PATH], Endpoint::GoogleDiscovery, GET),
    (&[google::CERTS_PATH], Endpoint::GoogleCerts, GET),
    (
        &[google::AUTHORIZE_PATH],
        Endpoint::GoogleAuthorize,
        GET_POST,
    ),
    (&[google::TOKEN_PATH], Endpoint::GoogleToken, POST),
    (&[google::USERINFO_PATH], Endpoint::GoogleUserinfo, GET),
    (&[google::REVOKE_PATH], Endpoint::GoogleRevoke, POST),
];

/// The endpoint a path is, and the methods it takes.
fn route(path: &str) -> Option<(Endpoint, &'static [Method])> {
    let path = path
        .strip_suffix('/')
        .filter(|p| !p.is_empty())
        .unwrap_or(path);
    ROUTES
        .iter()
        .find(|(paths, _, _)| paths.contains(&path))
        .map(|(_, endpoint, methods)| (*endpoint, *methods))
}

/// The handler of each endpoint. The authorization endpoints are the
/// shared machinery's, told which personality they serve.
fn handle(
    mock: &MockState,
    endpoint: Endpoint,
    request: &MockRequest,
    fault: Option<&Fault>,
) -> Response {
    match endpoint {
        Endpoint::Authorize | Endpoint::GoogleAuthorize => {
            let personality = endpoint.personality();
            match request.method {
                Method::GET => authorize::authorize(mock, personality, request),
                _ => authorize::decide(mock, personality, request),
            }
        }
        Endpoint::Token => token::token(mock, request),
        Endpoint::Revoke => token::revoke(mock, request),
        Endpoint::UsersMe => api::users_me(mock, request),
        Endpoint::OAuth2Me => api::oauth2_me(mock, request),
        Endpoint::Guilds => api::guilds(mock, request),
        Endpoint::Metadata => metadata::metadata(mock),
        Endpoint::GoogleDiscovery => discovery::discovery(mock),
        Endpoint::GoogleCerts => discovery::certs(mock),
        Endpoint::GoogleToken => {
            google::token::token(mock, request, fault.and_then(Fault::id_token_spoil))
        }
        Endpoint::GoogleUserinfo => google::token::userinfo(mock, request),
        Endpoint::GoogleRevoke => google::token::revoke(mock, request),
    }
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
            return crate::control::routes::control(mock, &request, rest);
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
    if let Some(instead) = fault.as_ref().and_then(Fault::answer_instead) {
        return instead;
    }

    let limited = ratelimit::bucket_of(endpoint).map(|bucket| {
        let caller = ratelimit::caller_of(request);
        let now_ms = mock.clock.now_ms();
        mock.store()
            .limiter
            .check(mock.settings.rate_limit, bucket, &caller, now_ms)
    });
    if let Some(decision) = limited.filter(|d| !d.allowed) {
        return decision.too_many_requests();
    }

    let mut response = handle(mock, endpoint, request, fault.as_ref());
    if let Some(decision) = limited {
        decision.stamp(&mut response);
    }
    match fault {
        Some(fault) => fault.spoil(response),
        None => response,
    }
}
