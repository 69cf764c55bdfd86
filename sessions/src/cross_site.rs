//! Refusing requests that another site made the browser send (CSRF).
//!
//! A page on another site can make your browser POST to us, with your
//! cookies. For logout that would log you out; on a route that changes
//! more, worse. `SameSite=Lax` already keeps our cookie off cross-site
//! POSTs; this check says so out loud, with a 403, from the two headers a
//! browser sends about where a request came from.

use common::Problem;
use http::StatusCode;
use std::sync::Arc;
use warp::{Filter, Rejection};

/// Where a request says it came from.
#[derive(Debug, PartialEq)]
pub enum Provenance {
    /// The request's `Sec-Fetch-Site` and `Origin` headers, if it had them.
    Headers {
        sec_fetch_site: Option<String>,
        origin: Option<String>,
    },
    /// A header that is not even text: treated like a cross-site request.
    Unreadable,
}

impl Provenance {
    /// Did another site send this request? `public_origin` is ours.
    pub fn is_cross_site(&self, public_origin: &str) -> bool {
        let (sec_fetch_site, origin) = match self {
            Provenance::Unreadable => return true,
            Provenance::Headers {
                sec_fetch_site,
                origin,
            } => (sec_fetch_site, origin),
        };
        // >>> exercise: cross-site
        if let Some(site) = sec_fetch_site {
            // same-origin: our own page. none: typed or bookmarked.
            return !matches!(site.as_str(), "same-origin" | "none");
        }
        if let Some(origin) = origin {
            return origin != public_origin;
        }
        // Neither header: not a modern browser (curl, a script), which
        // cannot be tricked by another site into sending our cookie.
        false
        // <<< exercise: cross-site
    }
}

/// The request's [`Provenance`].
pub fn provenance() -> impl Filter<Extract = (Provenance,), Error = std::convert::Infallible> + Clone
{
    warp::header::optional::<String>("sec-fetch-site")
        .and(warp::header::optional::<String>("origin"))
        .map(|sec_fetch_site, origin| Provenance::Headers {
            sec_fetch_site,
            origin,
        })
        .or(warp::any().map(|| Provenance::Unreadable))
        .unify()
}

/// A guard: passes same-site requests, rejects the others with 403
/// "Cross-site `action` refused".
pub fn same_site_only(
    public_origin: Arc<str>,
    action: &'static str,
) -> impl Filter<Extract = (), Error = Rejection> + Clone {
    provenance()
        .and_then(move |provenance: Provenance| {
            let public_origin = public_origin.clone();
            async move {
                if provenance.is_cross_site(&public_origin) {
                    Err(warp::reject::custom(Problem::new(
                        StatusCode::FORBIDDEN,
                        format!("Cross-site {action} refused"),
                    )))
                } else {
                    Ok(())
                }
            }
        })
        .untuple_one()
}
