//! The mock's own routes, under `/__mock`: watch the flow (the live
//! [`inspector`](crate::inspector)), reset, inject faults, move the clock.
//! None of them exists on Discord.

use crate::clock::{TooFar, MAX_OFFSET};
use crate::control::faults::FaultRule;
use crate::control::local_host;
use crate::inspector::page as inspector;
use crate::oauth::reply::{api_error, json};
use crate::oauth::request::MockRequest;
use crate::state::MockState;
use http::{Method, StatusCode};
use serde::Deserialize;
use std::time::Duration;
use warp::reply::Response;

#[derive(Deserialize)]
struct AdvanceClock {
    seconds: u64,
}

/// Routes a request under `/__mock`.
///
/// These routes can wipe the mock or move its clock, and the mock listens
/// where the user's browser can reach it. A web page the user visits could
/// make the browser send a "simple" cross-site POST (`text/plain`, no
/// preflight). So a change is taken only as `application/json`, which a
/// page on another site cannot send without a CORS preflight the mock never
/// answers, and only from a request that does not say it came from another
/// site.
pub fn control(mock: &MockState, request: &MockRequest, rest: &str) -> Response {
    if let Some(refusal) = refuse_foreign_host(mock, request) {
        return refusal;
    }
    if request.method == Method::POST {
        if let Some(refusal) = refuse_foreign_change(request) {
            return refusal;
        }
    }
    match (request.method.clone(), rest) {
        (Method::GET, "" | "/") => inspector::page(mock),
        (Method::GET, "/inspector.js") => inspector::script(),
        (Method::GET, "/inspector.css") => inspector::style(),
        (Method::GET, "/events") => inspector::events(mock),
        (Method::GET, "/steps") => inspector::steps(mock),
        (Method::GET, "/requests") => {
            // Copied under the lock, written out after it is released:
            // other requests never wait on serialization.
            let exchanges = mock.store().journal.exchanges();
            json(StatusCode::OK, &exchanges)
        }
        (Method::POST, "/reset") => {
            mock.reset();
            json(StatusCode::OK, &serde_json::json!({}))
        }
        (Method::GET, "/faults") => {
            let pending = mock.store().faults.pending().to_vec();
            json(StatusCode::OK, &pending)
        }
        (Method::POST, "/faults") => match serde_json::from_slice::<FaultRule>(&request.body) {
            Ok(rule) => {
                let mut store = mock.store();
                let added = store
                    .faults
                    .add(rule)
                    .map(|()| store.faults.pending().to_vec());
                drop(store);
                match added {
                    Ok(pending) => json(StatusCode::OK, &pending),
                    Err(problem) => invalid_value(&problem),
                }
            }
            Err(e) => bad_json(&e),
        },
        (Method::POST, "/clock") => match serde_json::from_slice::<AdvanceClock>(&request.body) {
            Ok(advance) => match mock.clock.advance(Duration::from_secs(advance.seconds)) {
                Ok(offset) => json(
                    StatusCode::OK,
                    &serde_json::json!({ "offset_seconds": offset.as_secs() }),
                ),
                Err(TooFar) => invalid_value(&format!(
                    "the clock moves at most {} seconds in all; it has moved {}",
                    MAX_OFFSET.as_secs(),
                    mock.clock.offset().as_secs()
                )),
            },
            Err(e) => bad_json(&e),
        },
        (
            _,
            "" | "/" | "/requests" | "/reset" | "/faults" | "/clock" | "/inspector.js"
            | "/inspector.css" | "/events" | "/steps",
        ) => crate::oauth::reply::method_not_allowed(),
        _ => crate::oauth::reply::not_found(),
    }
}

/// Refuses (403) a request whose `Host` is not this machine's own address
/// and port: a page that rebound its name to 127.0.0.1 would otherwise be
/// "same origin" with these routes, able to read the journal and to reset
/// the mock ([`local_host`]).
fn refuse_foreign_host(mock: &MockState, request: &MockRequest) -> Option<Response> {
    let port = url::Url::parse(&mock.issuer)
        .ok()
        .and_then(|issuer| issuer.port_or_known_default());
    let host = request.header("host").unwrap_or_default();
    let ours = port.is_some_and(|port| local_host::is_local_host(host, port));
    (!ours).then(|| {
        api_error(
            StatusCode::FORBIDDEN,
            "The mock's control routes answer only at 127.0.0.1 or localhost, on its own port",
            0,
        )
    })
}

/// Why a change to the mock is refused, if it is: not JSON (415), or sent
/// by another site (403). `Origin`, when a browser sends one, must be this
/// server's own, even when `Sec-Fetch-Site` says `same-origin`.
fn refuse_foreign_change(request: &MockRequest) -> Option<Response> {
    if request.media_type() != "application/json" {
        return Some(api_error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "Send the body as Content-Type: application/json",
            0,
        ));
    }
    let own_origin = local_host::origin_of(request.header("host").unwrap_or_default());
    let foreign_origin = request
        .header("origin")
        .is_some_and(|origin| origin != own_origin);
    let other_site = foreign_origin
        || match request.header("sec-fetch-site") {
            // same-origin: the inspector's own page. none: typed, or curl.
            Some(site) => !matches!(site, "same-origin" | "none"),
            None => false,
        };
    // A header that is not text at all is as suspect as a foreign one.
    let unreadable = ["sec-fetch-site", "origin"]
        .iter()
        .any(|name| request.headers.contains_key(*name) && request.header(name).is_none());
    (other_site || unreadable).then(|| {
        api_error(
            StatusCode::FORBIDDEN,
            "Cross-site requests may not change the mock",
            0,
        )
    })
}

/// Discord's shape for a value out of bounds (code 50035, "Invalid Form
/// Body"), with what is allowed.
fn invalid_value(problem: &str) -> Response {
    api_error(
        StatusCode::BAD_REQUEST,
        &format!("Invalid Form Body: {problem}"),
        50035,
    )
}

/// Discord's answer to a body it cannot parse (code 50109), with the
/// parser's reason.
fn bad_json(error: &serde_json::Error) -> Response {
    api_error(
        StatusCode::BAD_REQUEST,
        &format!("The request body contains invalid JSON: {error}"),
        50109,
    )
}
