//! The shapes of Discord's answers.
//!
//! Discord speaks two error dialects. The OAuth2 endpoints answer as RFC 6749
//! says: `{"error": "...", "error_description": "..."}`. The REST API answers
//! with its own: `{"message": "401: Unauthorized", "code": 0}`. A client has
//! to handle both, so the mock reproduces both exactly.

use askama::Template;
use http::{header, HeaderValue, StatusCode};
use serde::Serialize;
use warp::reply::Response;
use warp::Reply;

/// A JSON body with a status.
pub fn json<T: Serialize>(status: StatusCode, body: &T) -> Response {
    warp::reply::with_status(warp::reply::json(body), status).into_response()
}

/// An OAuth2 error (RFC 6749 §5.2) from the token or revocation endpoint.
pub fn oauth_error(status: StatusCode, error: &str, description: Option<&str>) -> Response {
    #[derive(Serialize)]
    struct OAuthError<'a> {
        error: &'a str,
        #[serde(skip_serializing_if = "Option::is_none")]
        error_description: Option<&'a str>,
    }
    json(
        status,
        &OAuthError {
            error,
            error_description: description,
        },
    )
}

/// `invalid_grant` with Discord's wording: `Invalid "code" in request.`
pub fn invalid_grant(parameter: &str) -> Response {
    let description = format!("Invalid \"{parameter}\" in request.");
    oauth_error(StatusCode::BAD_REQUEST, "invalid_grant", Some(&description))
}

/// `invalid_request` with a description.
pub fn invalid_request(description: &str) -> Response {
    oauth_error(
        StatusCode::BAD_REQUEST,
        "invalid_request",
        Some(description),
    )
}

/// An error of Discord's REST API.
pub fn api_error(status: StatusCode, message: &str, code: u32) -> Response {
    #[derive(Serialize)]
    struct ApiError<'a> {
        message: &'a str,
        code: u32,
    }
    json(status, &ApiError { message, code })
}

/// Discord's answer to a missing, unknown, expired or revoked token.
pub fn unauthorized() -> Response {
    api_error(StatusCode::UNAUTHORIZED, "401: Unauthorized", 0)
}

pub fn not_found() -> Response {
    api_error(StatusCode::NOT_FOUND, "404: Not Found", 0)
}

pub fn method_not_allowed() -> Response {
    api_error(StatusCode::METHOD_NOT_ALLOWED, "405: Method Not Allowed", 0)
}

/// An HTML page. It may be framed by nobody (clickjacking on a consent
/// page would let another site trick a click on "Authorize"), loads nothing
/// from anywhere, and allows only its own inline style.
pub fn html(status: StatusCode, body: String) -> Response {
    let mut response = warp::reply::with_status(warp::reply::html(body), status).into_response();
    let headers = response.headers_mut();
    headers.insert("x-frame-options", HeaderValue::from_static("DENY"));
    headers.insert(
        "content-security-policy",
        HeaderValue::from_static(
            "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
        ),
    );
    headers.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    headers.insert("referrer-policy", HeaderValue::from_static("no-referrer"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// An HTML page from a template, 200; a template that fails to render is
/// a 500 page (askama escapes every value it inserts).
pub fn page(template: &impl Template) -> Response {
    match template.render() {
        Ok(body) => html(StatusCode::OK, body),
        Err(_) => error_page(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Error",
            "Could not render the page.",
        ),
    }
}

/// A 302 to a URL (the authorization response goes back this way).
pub fn found(location: &str) -> Response {
    let mut response = StatusCode::FOUND.into_response();
    if let Ok(value) = HeaderValue::from_str(location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// RFC 6749 §5.1: token responses "MUST include" these two headers, so that
/// no cache along the way keeps a copy of a token.
pub fn no_store(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    response
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    title: &'a str,
    message: &'a str,
}

/// An error page, for what must not be redirected (an unknown client, a
/// redirect URI that is not the client's, a used consent form).
pub fn error_page(status: StatusCode, title: &str, message: &str) -> Response {
    let page = ErrorPage { title, message }
        .render()
        .unwrap_or_else(|_| title.to_string());
    html(status, page)
}

/// Parameters that could not be read (repeated, not UTF-8): a page, since
/// nothing in them can be trusted to redirect to.
pub fn bad_params_page(bad: &crate::oauth::request::BadParams) -> Response {
    error_page(
        StatusCode::BAD_REQUEST,
        "Invalid request",
        &bad.description(),
    )
}
