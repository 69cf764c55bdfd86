//! The mock's own routes, under `/__mock`: watch the flow, reset, inject
//! faults, move the clock. None of them exists on Discord.

use crate::faults::FaultRule;
use crate::journal::Exchange;
use crate::reply::error_page;
use crate::reply::{api_error, html, json};
use crate::request::MockRequest;
use crate::state::MockState;
use askama::Template;
use http::{Method, StatusCode};
use serde::Deserialize;
use std::time::Duration;
use warp::reply::Response;

#[derive(Template)]
#[template(path = "inspector.html")]
struct InspectorPage<'a> {
    issuer: &'a str,
    clock_offset_secs: u64,
    live_grants: usize,
    pending_faults: usize,
    exchanges: Vec<Exchange>,
}

#[derive(Deserialize)]
struct AdvanceClock {
    seconds: u64,
}

/// Routes a request under `/__mock`.
pub fn control(mock: &MockState, request: &MockRequest, rest: &str) -> Response {
    match (request.method.clone(), rest) {
        (Method::GET, "" | "/") => inspector(mock),
        (Method::GET, "/requests") => json(StatusCode::OK, &mock.store().journal.exchanges()),
        (Method::POST, "/reset") => {
            mock.reset();
            json(StatusCode::OK, &serde_json::json!({}))
        }
        (Method::GET, "/faults") => json(StatusCode::OK, &mock.store().faults.pending()),
        (Method::POST, "/faults") => match serde_json::from_slice::<FaultRule>(&request.body) {
            Ok(rule) => {
                let mut store = mock.store();
                store.faults.add(rule);
                json(StatusCode::OK, &store.faults.pending())
            }
            Err(e) => bad_json(&e),
        },
        (Method::POST, "/clock") => match serde_json::from_slice::<AdvanceClock>(&request.body) {
            Ok(advance) => {
                mock.clock.advance(Duration::from_secs(advance.seconds));
                json(
                    StatusCode::OK,
                    &serde_json::json!({ "offset_seconds": mock.clock.offset().as_secs() }),
                )
            }
            Err(e) => bad_json(&e),
        },
        (_, "" | "/" | "/requests" | "/reset" | "/faults" | "/clock") => {
            crate::reply::method_not_allowed()
        }
        _ => crate::reply::not_found(),
    }
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

fn inspector(mock: &MockState) -> Response {
    let (exchanges, live_grants, pending_faults) = {
        let store = mock.store();
        (
            store.journal.exchanges(),
            store.grants.live_grants(),
            store.faults.pending().len(),
        )
    };
    let page = InspectorPage {
        issuer: &mock.issuer,
        clock_offset_secs: mock.clock.offset().as_secs(),
        live_grants,
        pending_faults,
        exchanges,
    };
    match page.render() {
        Ok(body) => html(StatusCode::OK, body),
        Err(_) => error_page(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Error",
            "Could not render the page.",
        ),
    }
}
