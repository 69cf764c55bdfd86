//! Small answers every stage gives.

use crate::problem::{Answer, Problem};
use http::{header, HeaderValue, StatusCode};
use warp::reply::Response;
use warp::Reply;

/// 303 See Other: "go GET this instead". After a login or logout the
/// browser must not repeat the request that got it here.
pub fn see_other(location: &str) -> Response {
    let mut response = StatusCode::SEE_OTHER.into_response();
    if let Ok(value) = HeaderValue::from_str(location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    no_store(response)
}

/// `Cache-Control: no-store`: for answers that hold tokens, set cookies or
/// show who is logged in, so that no cache (the browser's back button
/// included) keeps a copy.
pub fn no_store(mut response: Response) -> Response {
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// The Content-Security-Policy of every page of a stage. The pages load
/// nothing, run no script, and may be framed by nobody: the logout button
/// must not be clickable through another site's invisible frame
/// (clickjacking). No `form-action`: browsers apply it to where a form's
/// answer redirects too, and stage 3's "link an account" form answers with
/// a redirect to the provider.
pub const PAGE_CSP: &str =
    "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'";

/// An HTML page from an askama template (which escapes every value it
/// inserts), not stored by caches: a page may name the logged-in user.
pub fn page(template: &impl askama::Template) -> Answer {
    let html = template.render().map_err(|error| {
        tracing::error!(%error, "a page template failed to render");
        Problem::new(StatusCode::INTERNAL_SERVER_ERROR, "page rendering failed")
    })?;
    let mut response = no_store(warp::reply::html(html).into_response());
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(PAGE_CSP),
    );
    // The same for browsers that predate frame-ancestors.
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    Ok(response)
}

/// Headers for every response of a stage, added once, after its routes:
///
/// * `X-Content-Type-Options: nosniff`: a browser takes our JSON for JSON,
///   never sniffs it into HTML or script;
/// * `Referrer-Policy: no-referrer`: the callback's URL carries the code,
///   and no link or request from a page of ours tells another site where
///   it came from.
pub fn harden(answer: Answer) -> Answer {
    answer.map(|mut response| {
        add_everywhere_headers(response.headers_mut());
        response
    })
}

/// What [`harden`] adds; [`Problem`]'s answers get the same.
pub fn add_everywhere_headers(headers: &mut http::HeaderMap) {
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
}
