//! "Who is this?": the session of a request, refreshed if its access token
//! is about to expire. Every route that needs a login starts here.

use crate::refresh::{Refreshed, REFRESH_MARGIN_SECS};
use crate::session::Session;
use crate::Sessions;
use common::Problem;
use warp::reply::Response;
use warp::Reply;

/// A request with a valid session.
pub struct LoggedIn {
    pub session: Session,
    /// Set when the session was refreshed: the browser gets the new cookie.
    renewed: bool,
}

/// Why a request is not served, and whether its session cookie should go.
pub struct Refusal {
    pub problem: Problem,
    pub end_session: bool,
}

impl Refusal {
    fn not_logged_in(end_session: bool) -> Refusal {
        Refusal {
            problem: Problem::not_logged_in(),
            end_session,
        }
    }

    pub fn into_response(self, stage: &Sessions) -> Response {
        let mut response = self.problem.into_response();
        if self.end_session {
            response.headers_mut().append(
                http::header::SET_COOKIE,
                Session::clear_cookie(stage.app.cookies),
            );
        }
        response
    }
}

impl From<Problem> for Refusal {
    fn from(problem: Problem) -> Refusal {
        Refusal {
            problem,
            end_session: false,
        }
    }
}

impl LoggedIn {
    /// Adds the renewed session cookie, if there is one, to an answer.
    pub fn reply(&self, stage: &Sessions, response: impl Reply) -> Response {
        let mut response = response.into_response();
        if self.renewed {
            response.headers_mut().append(
                http::header::SET_COOKIE,
                self.session.to_cookie(&stage.app.keys, stage.app.cookies),
            );
        }
        response
    }
}

/// The request's session, refreshed when needed. No session, or a cookie
/// that does not decrypt, is a 401; so is a refresh the provider refuses,
/// which also deletes the cookie.
pub async fn logged_in(stage: &Sessions, cookies: Option<&str>) -> Result<LoggedIn, Refusal> {
    // Only a session cookie counts: a browser in the middle of a login holds
    // just the transaction cookie, and that is not a login.
    let session = Session::from_cookies(&stage.app.keys, cookies)
        .ok_or_else(|| Refusal::not_logged_in(false))?;
    if stage.app.now() + REFRESH_MARGIN_SECS < session.expires_at {
        return Ok(LoggedIn {
            session,
            renewed: false,
        });
    }
    let Some(refresh_token) = session.refresh_token.clone() else {
        return Err(Refusal::not_logged_in(true));
    };
    match stage.refresher.refresh(&stage.app, &refresh_token).await {
        Refreshed::Tokens(tokens) => {
            let session = Session::new(tokens, session.user_name, stage.app.now());
            Ok(LoggedIn {
                session,
                renewed: true,
            })
        }
        Refreshed::LoginEnded => Err(Refusal::not_logged_in(true)),
        Refreshed::Failed(problem) => Err(problem.into()),
    }
}
