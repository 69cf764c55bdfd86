//! The live inspector at `/__mock`: a page that draws each login as a
//! sequence diagram (Browser, App, Provider) and grows as requests happen.
//!
//! * `GET /__mock` is the page; `/__mock/inspector.js` and
//!   `/__mock/inspector.css` are its only script and style, served as
//!   files, so the page keeps a strict Content-Security-Policy: no inline
//!   script, nothing from anywhere else.
//! * `GET /__mock/events` streams the [`timeline`](crate::inspector::timeline) as
//!   server-sent events: every kept step first, then each new one as it
//!   happens. A browser's `EventSource` reconnects by itself.
//! * `GET /__mock/steps` is the same timeline as JSON, for tests.
//!
//! The script builds the diagram with `textContent` only. The steps carry
//! whatever a client sent (a hostile `state`, say), and none of it can
//! become markup.

use crate::inspector::timeline::{Live, Step};
use crate::oauth::reply::{api_error, json};
use crate::state::MockState;
use askama::Template;
use futures_util::StreamExt;
use http::{header, HeaderValue, StatusCode};
use std::convert::Infallible;
use std::time::Duration;
use tokio::sync::{broadcast, OwnedSemaphorePermit};
use warp::reply::Response;
use warp::sse::Event;
use warp::Reply;

const SCRIPT: &str = include_str!("../../static/inspector.js");
const STYLE: &str = include_str!("../../static/inspector.css");

/// The page's policy: its own script, style and event stream, nothing else.
const INSPECTOR_CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
     connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

#[derive(Template)]
#[template(path = "inspector.html")]
struct InspectorPage<'a> {
    issuer: &'a str,
    clock_offset_secs: u64,
    live_grants: usize,
    pending_faults: usize,
}

pub fn page(mock: &MockState) -> Response {
    let (live_grants, pending_faults) = {
        let store = mock.store();
        (store.grants.live_grants(), store.faults.pending().len())
    };
    let page = InspectorPage {
        issuer: &mock.issuer,
        clock_offset_secs: mock.clock.offset().as_secs(),
        live_grants,
        pending_faults,
    };
    let mut response = crate::oauth::reply::page(&page);
    if let Ok(csp) = HeaderValue::from_str(INSPECTOR_CSP) {
        response
            .headers_mut()
            .insert(header::CONTENT_SECURITY_POLICY, csp);
    }
    response
}

pub fn script() -> Response {
    asset(SCRIPT, "text/javascript; charset=utf-8")
}

pub fn style() -> Response {
    asset(STYLE, "text/css; charset=utf-8")
}

fn asset(body: &'static str, content_type: &'static str) -> Response {
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}

pub fn steps(mock: &MockState) -> Response {
    // Copied under the lock, written out after it is released.
    let steps = mock.store().timeline.steps();
    json(StatusCode::OK, &steps)
}

/// The event stream: `step` events (JSON, with the step's `seq` as event
/// id), and `reset` when the page should start empty (the mock was reset,
/// or the page fell too far behind and will reconnect).
pub fn events(mock: &MockState) -> Response {
    let Some(permit) = mock.watchers.admit() else {
        return api_error(
            StatusCode::SERVICE_UNAVAILABLE,
            "503: Too many inspector pages are open; close one",
            0,
        );
    };
    let (kept, receiver) = mock.store().timeline.watch();
    let kept = futures_util::stream::iter(kept.into_iter().map(|step| Ok(step_event(&step))));
    let live = futures_util::stream::unfold(Some((receiver, permit)), next_live_event);
    let stream = kept.chain(live);
    let mut response = warp::sse::reply(
        warp::sse::keep_alive()
            .interval(Duration::from_secs(15))
            .stream(stream),
    )
    .into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

type Watching = Option<(broadcast::Receiver<Live>, OwnedSemaphorePermit)>;

/// The next event for a watching page; the permit is given back when the
/// page goes away and its stream is dropped.
async fn next_live_event(watching: Watching) -> Option<(Result<Event, Infallible>, Watching)> {
    let (mut receiver, permit) = watching?;
    match receiver.recv().await {
        Ok(Live::Step(step)) => Some((Ok(step_event(&step)), Some((receiver, permit)))),
        Ok(Live::Reset) => Some((Ok(reset_event()), Some((receiver, permit)))),
        // Fell behind: start over. The stream ends after this event, and
        // the browser reconnects and receives every kept step again.
        Err(broadcast::error::RecvError::Lagged(_)) => Some((Ok(reset_event()), None)),
        Err(broadcast::error::RecvError::Closed) => None,
    }
}

fn step_event(step: &Step) -> Event {
    let data = serde_json::to_string(step).unwrap_or_else(|_| "{}".into());
    Event::default()
        .id(step.seq.to_string())
        .event("step")
        .data(data)
}

fn reset_event() -> Event {
    Event::default().event("reset").data("")
}
