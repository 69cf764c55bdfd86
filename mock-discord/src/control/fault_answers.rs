//! What a fault answers in place of the endpoint (see [`super::faults`]):
//! a status, Discord's 429, a redirect, a body that trickles or breaks.

use bytes::Bytes;
use http::{header, HeaderValue, StatusCode};
use std::time::Duration;
use warp::reply::Response;
use warp::Reply;

pub fn status_fault(status: u16, body: &str, content_type: Option<&str>) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = warp::reply::with_status(body.to_string(), status).into_response();
    let content_type = content_type.unwrap_or("application/json");
    if let Ok(value) = HeaderValue::from_str(content_type) {
        response.headers_mut().insert(header::CONTENT_TYPE, value);
    }
    response
}

pub fn malformed_json() -> Response {
    let mut response = r#"{"access_token": "unterminated"#.into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

pub fn too_many_requests(retry_after: u64) -> Response {
    let body = serde_json::json!({
        "message": "You are being rate limited.",
        "retry_after": retry_after,
        "global": false,
    });
    let mut response = status_fault(429, &body.to_string(), None);
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(retry_after));
    response
}

/// The body a [`Fault::SlowBody`] trickles: valid JSON, if it ever ends.
const SLOW_BODY: &[u8] = br#"{"message": "slow"}"#;

pub fn slow_body(every: Duration) -> Response {
    let trickle = futures_util::stream::unfold(0, move |sent| async move {
        let byte = *SLOW_BODY.get(sent)?;
        tokio::time::sleep(every).await;
        Some((Ok::<_, std::io::Error>(Bytes::from(vec![byte])), sent + 1))
    });
    let mut response = warp::reply::stream(trickle).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

/// A response whose body fails at once: hyper then closes the connection
/// without finishing the answer, which a client sees as a broken transfer.
pub fn dropped_connection() -> Response {
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
