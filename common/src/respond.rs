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

/// An HTML page from an askama template (which escapes every value it
/// inserts), not stored by caches: a page may name the logged-in user.
pub fn page(template: &impl askama::Template) -> Answer {
    let html = template.render().map_err(|error| {
        tracing::error!(%error, "a page template failed to render");
        Problem::new(StatusCode::INTERNAL_SERVER_ERROR, "page rendering failed")
    })?;
    Ok(no_store(warp::reply::html(html).into_response()))
}
