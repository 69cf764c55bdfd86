//! Every failure is an answer: a status and `{"detail": "…"}`.
//!
//! Handlers reject with a [`Problem`]; one [`recover`] turns it (and warp's
//! own rejections: unknown path, wrong method, bad query) into JSON. JSON
//! needs no HTML escaping, so a provider's error text can be shown as is.

use crate::upstream::UpstreamError;
use http::{header, HeaderValue, StatusCode};
use serde::Serialize;
use std::convert::Infallible;
use warp::reply::Response;
use warp::{Rejection, Reply};

/// A failure with the status and message the user should get.
#[derive(Debug, Clone)]
pub struct Problem {
    pub status: StatusCode,
    pub detail: String,
    /// For 503: when to try again (the provider's `Retry-After`).
    pub retry_after: Option<u64>,
}

impl Problem {
    pub fn new(status: StatusCode, detail: impl Into<String>) -> Problem {
        Problem {
            status,
            detail: detail.into(),
            retry_after: None,
        }
    }

    pub fn bad_request(detail: impl Into<String>) -> Problem {
        Problem::new(StatusCode::BAD_REQUEST, detail)
    }

    /// 401: we do not know who you are.
    pub fn not_logged_in() -> Problem {
        Problem::new(StatusCode::UNAUTHORIZED, "Not logged in")
    }

    /// 403: we know who you are, and you may not.
    pub fn insufficient_permissions() -> Problem {
        Problem::new(StatusCode::FORBIDDEN, "Insufficient permissions")
    }

    /// What to tell the user when the provider gave no usable answer. Our
    /// server worked; the one behind it did not: 502, 503 or 504.
    pub fn upstream(provider: &str, error: &UpstreamError) -> Problem {
        match error {
            UpstreamError::Timeout => Problem::new(
                StatusCode::GATEWAY_TIMEOUT,
                format!("{provider} did not answer in time. Try again in a moment."),
            ),
            UpstreamError::RateLimited { retry_after } => Problem {
                status: StatusCode::SERVICE_UNAVAILABLE,
                detail: format!("{provider} is rate limiting this application. Try again later."),
                retry_after: Some(retry_after.unwrap_or(1)),
            },
            UpstreamError::Unauthorized => Problem::not_logged_in(),
            other => Problem::new(
                StatusCode::BAD_GATEWAY,
                format!("{provider} gave no usable answer: {other}."),
            ),
        }
    }
}

// warp turns any `Reject` into a `Rejection`, so handlers can write `?`.
impl warp::reject::Reject for Problem {}

#[derive(Serialize)]
struct Detail<'a> {
    detail: &'a str,
}

impl Reply for Problem {
    fn into_response(self) -> Response {
        let body = warp::reply::json(&Detail {
            detail: &self.detail,
        });
        let mut response = warp::reply::with_status(body, self.status).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        if let Some(seconds) = self.retry_after {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

/// The one place rejections become answers.
pub async fn recover(rejection: Rejection) -> Result<Response, Infallible> {
    let problem = if let Some(problem) = rejection.find::<Problem>() {
        problem.clone()
    } else if rejection.is_not_found() {
        Problem::new(StatusCode::NOT_FOUND, "Not Found")
    } else if rejection.find::<warp::reject::MethodNotAllowed>().is_some() {
        Problem::new(StatusCode::METHOD_NOT_ALLOWED, "Method Not Allowed")
    } else if rejection.find::<warp::reject::InvalidQuery>().is_some() {
        Problem::bad_request("Invalid query string")
    } else if rejection.find::<warp::reject::InvalidHeader>().is_some()
        || rejection.find::<warp::reject::MissingHeader>().is_some()
    {
        Problem::bad_request("Invalid or missing header")
    } else if rejection.find::<warp::reject::PayloadTooLarge>().is_some() {
        Problem::new(StatusCode::PAYLOAD_TOO_LARGE, "Payload Too Large")
    } else if rejection
        .find::<warp::reject::UnsupportedMediaType>()
        .is_some()
    {
        Problem::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, "Unsupported Media Type")
    } else {
        tracing::error!(?rejection, "unhandled rejection");
        Problem::new(StatusCode::INTERNAL_SERVER_ERROR, "Internal Server Error")
    };
    Ok(problem.into_response())
}
