//! Small answers every stage gives.

use crate::headers::add_everywhere_headers;
use crate::lab::LabSwitches;
use crate::lab_banner::mark_pages;
use crate::problem::{recover, Answer, Problem};
use http::{header, HeaderValue, StatusCode};
use std::convert::Infallible;
use warp::reply::Response;
use warp::{Filter, Rejection, Reply};

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

/// The headers of [`crate::headers`], added once, after a stage's routes.
/// ([`Problem`]'s answers carry them already.)
pub fn harden(answer: Answer) -> Answer {
    answer.map(|mut response| {
        add_everywhere_headers(response.headers_mut());
        response
    })
}

/// What every stage does after its routes, in this order: rejections
/// become answers ([`recover`]), every answer gets the headers of
/// [`crate::headers`] ([`harden`]), and while a lab runs, every page its
/// banner ([`mark_pages`]).
pub fn every_answer<F>(
    routes: F,
    lab: LabSwitches,
) -> impl Filter<Extract = (Answer,), Error = Infallible> + Clone
where
    F: Filter<Extract = (Answer,), Error = Rejection> + Clone,
{
    routes
        .recover(recover)
        .unify()
        .map(harden)
        .then(move |answer| mark_pages(lab.clone(), answer))
}
