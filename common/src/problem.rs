//! Every failure is an answer: a status and `{"detail": "…"}`.
//!
//! There is one failure type, [`Problem`], and it reaches the browser one
//! of two ways:
//!
//! * A **handler** returns an [`Answer`], `Result<Response, Problem>`, and
//!   uses `?` on anything that can fail. warp answers either side (it
//!   implements `Reply` for a `Result` of two replies), so an `Err` is sent
//!   as it is, with the cookies it carries.
//! * A **filter** that guards a route (stage 2's "logged in?") rejects with
//!   a `Problem`, and [`recover`], at the end of a stage's routes, turns it
//!   into the same answer. `recover` also answers warp's own rejections
//!   (unknown path, wrong method) in the same shape.
//!
//! JSON needs no HTML escaping, so a provider's error text can be shown as
//! it is.

use crate::upstream::UpstreamError;
use http::{header, HeaderValue, StatusCode};
use serde::Serialize;
use std::convert::Infallible;
use warp::reply::Response;
use warp::{Rejection, Reply};

/// What every handler and every stage's routes answer with.
pub type Answer = Result<Response, Problem>;

/// A failure with the status and message the user should get.
#[derive(Debug, Clone)]
pub struct Problem {
    pub status: StatusCode,
    pub detail: String,
    /// For 503: when to try again (the provider's `Retry-After`).
    pub retry_after: Option<u64>,
    /// `Set-Cookie` headers to send with it: a failed callback still ends
    /// its login transaction, a refused session is deleted.
    pub cookies: Vec<HeaderValue>,
}

impl Problem {
    pub fn new(status: StatusCode, detail: impl Into<String>) -> Problem {
        Problem {
            status,
            detail: detail.into(),
            retry_after: None,
            cookies: Vec::new(),
        }
    }

    pub fn bad_request(detail: impl Into<String>) -> Problem {
        Problem::new(StatusCode::BAD_REQUEST, detail)
    }

    /// 401: we do not know who you are.
    pub fn not_logged_in() -> Problem {
        Problem::new(StatusCode::UNAUTHORIZED, "Not logged in")
    }

    /// The same problem, sending this `Set-Cookie` header too.
    pub fn with_cookie(mut self, set_cookie: HeaderValue) -> Problem {
        self.cookies.push(set_cookie);
        self
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
                retry_after: Some(retry_after.unwrap_or(1)),
                ..Problem::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    format!("{provider} is rate limiting this application. Try again later."),
                )
            },
            UpstreamError::Unavailable { retry_after } => Problem {
                retry_after: *retry_after,
                ..Problem::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    format!("{provider} is unavailable for now. Try again later."),
                )
            },
            UpstreamError::Unauthorized => Problem::not_logged_in(),
            other => Problem::new(
                StatusCode::BAD_GATEWAY,
                format!("{provider} gave no usable answer: {other}."),
            ),
        }
    }
}

// warp carries any `Reject` type inside a `Rejection`: what guard filters
// reject with.
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
        crate::headers::add_everywhere_headers(headers);
        if let Some(seconds) = self.retry_after {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        for cookie in self.cookies {
            headers.append(header::SET_COOKIE, cookie);
        }
        response
    }
}

/// Sends a `Set-Cookie` header with an answer, whichever side it is.
pub fn add_cookie(answer: Answer, set_cookie: HeaderValue) -> Answer {
    match answer {
        Ok(mut response) => {
            response
                .headers_mut()
                .append(header::SET_COOKIE, set_cookie);
            Ok(response)
        }
        Err(problem) => Err(problem.with_cookie(set_cookie)),
    }
}

/// The one place rejections become answers: `routes.recover(recover)`.
pub async fn recover(rejection: Rejection) -> Result<Answer, Infallible> {
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
    } else if rejection
        .find::<warp::filters::body::BodyDeserializeError>()
        .is_some()
    {
        Problem::bad_request("The request body could not be read")
    } else if rejection.find::<warp::reject::LengthRequired>().is_some() {
        Problem::new(StatusCode::LENGTH_REQUIRED, "Length Required")
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
    Ok(Err(problem))
}
