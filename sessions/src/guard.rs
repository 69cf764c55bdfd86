//! "Who is this?": the guard every route that needs a login stands behind
//! (step 13 in the README's diagram).
//!
//! [`logged_in`] is a warp filter. It opens the request's session cookie,
//! refuses it when it is over (too old, or unused too long), refreshes the
//! access token when it is about to expire (steps 17–20), and yields the
//! session, or rejects the request with 401 before the handler runs.
//! [`protected`] puts a handler behind it, and sends the browser the
//! renewed cookie after a refresh (or after a use that restarts the idle
//! limit), so that a new protected route is one line and cannot forget
//! either step.

use crate::app::SessionApp;
use crate::refresh::{Refreshed, REFRESH_MARGIN_SECS};
use crate::session::Session;
use common::filters::cookie_header;
use common::with;
use common::{Answer, App, Decision, Problem};
use http::HeaderValue;
use std::future::Future;
use std::sync::Arc;
use warp::{Filter, Rejection};

/// A request with a valid session.
pub struct LoggedIn {
    pub session: Session,
    /// After a refresh or a renewal: the new session cookie, for the
    /// browser.
    renewed_cookie: Option<HeaderValue>,
}

impl LoggedIn {
    /// The session, with the cookie that hands it to the browser.
    fn reissued(session: Session, app: &App) -> LoggedIn {
        let cookie = session.cookie_for(app);
        LoggedIn {
            session,
            renewed_cookie: Some(cookie),
        }
    }
}

/// The logged-in session, or a rejection with 401 `Not logged in`.
pub fn logged_in(
    app: Arc<SessionApp>,
) -> impl Filter<Extract = (LoggedIn,), Error = Rejection> + Clone {
    with(app).and(cookie_header()).and_then(
        |app: Arc<SessionApp>, cookies: Option<String>| async move {
            open_session(&app, cookies.as_deref())
                .await
                .map_err(warp::reject::custom)
        },
    )
}

/// A handler behind [`logged_in`]: it gets the session, and its answer
/// carries the renewed cookie when there was a refresh or a renewal.
pub fn protected<H, F>(
    app: Arc<SessionApp>,
    handler: H,
) -> impl Filter<Extract = (Answer,), Error = Rejection> + Clone
where
    H: Fn(Arc<SessionApp>, Session) -> F + Clone + Send + Sync + 'static,
    F: Future<Output = Answer> + Send,
{
    with(app.clone())
        .and(logged_in(app))
        .then(move |app: Arc<SessionApp>, user: LoggedIn| {
            let handler = handler.clone();
            async move {
                let answer = handler(app, user.session).await;
                match user.renewed_cookie {
                    None => answer,
                    Some(cookie) => with_renewed_cookie(answer, cookie),
                }
            }
        })
}

/// Adds the renewed session cookie to an answer. The old cookie's refresh
/// token is spent, so the browser must get the new one even when the
/// handler failed (say, the provider's API was down), unless the answer
/// already sets the session cookie itself (to delete it).
fn with_renewed_cookie(answer: Answer, cookie: HeaderValue) -> Answer {
    match answer {
        Err(problem) if !problem.cookies.is_empty() => Err(problem),
        answer => common::problem::add_cookie(answer, cookie),
    }
}

/// The request's session, refreshed when needed. No session, or a cookie
/// that does not decrypt, is a 401; so is a refresh the provider refuses,
/// which also deletes the cookie.
pub(crate) async fn open_session(
    app: &SessionApp,
    cookies: Option<&str>,
) -> Result<LoggedIn, Problem> {
    let policy = app.app.cookies;
    let logged_out = || Problem::not_logged_in().with_cookie(Session::clear_cookie(policy));
    // Only a session cookie counts: a browser in the middle of a login holds
    // just the transaction cookie, and that is not a login.
    let session = Session::in_request(&app.app, cookies)?.ok_or_else(Problem::not_logged_in)?;
    let now = app.app.now();
    if session.is_over(now) {
        return Err(logged_out());
    }
    if now.saturating_add(REFRESH_MARGIN_SECS) < session.expires_at {
        if !session.needs_renewal(now) {
            return Ok(LoggedIn {
                session,
                renewed_cookie: None,
            });
        }
        // In use, so not idle: the hour-old cookie is reissued, and its
        // idle time starts again from now.
        return Ok(LoggedIn::reissued(session.renewed(now), &app.app));
    }
    let Some(refresh_token) = session.refresh_token.clone() else {
        return Err(logged_out());
    };
    match app.refresher.refresh(&app.app, &refresh_token).await {
        Refreshed::Tokens(tokens) => {
            app.app.report.report(Decision::SessionRefreshed);
            let session = session.refreshed(tokens, app.app.now());
            Ok(LoggedIn::reissued(session, &app.app))
        }
        Refreshed::LoginEnded => Err(logged_out()),
        Refreshed::Failed(problem) => Err(problem),
    }
}
