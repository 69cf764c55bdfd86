//! Small filters every stage's routes use: handing a handler its state,
//! and reading a request.

use std::convert::Infallible;
use warp::Filter;

/// Hands a handler a clone of `state` (the stage's app, whatever it
/// holds): `.and(with(app))`. warp clones the filter per request, so the
/// state is cheap to clone: `Arc`s inside.
pub fn with<T: Clone + Send + Sync + 'static>(
    state: T,
) -> impl Filter<Extract = (T,), Error = Infallible> + Clone {
    warp::any().map(move || state.clone())
}

/// The raw query string (`""` when there is none). The callback parses it
/// itself, so that a malformed one is answered inside the handler.
pub fn raw_query() -> impl Filter<Extract = (String,), Error = Infallible> + Clone {
    warp::query::raw().or(warp::any().map(String::new)).unify()
}

/// The request's `Cookie` header, if it has a readable one.
pub fn cookie_header() -> impl Filter<Extract = (Option<String>,), Error = Infallible> + Clone {
    warp::header::optional::<String>("cookie").or_else(|_| async { Ok::<_, Infallible>((None,)) })
}
