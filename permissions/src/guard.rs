//! "Who is this, and may they?": the filters routes stand behind.
//!
//! * [`logged_in`]: the session row behind the cookie, or 401 `Not logged
//!   in` ("who are you?").
//! * [`require`]: the same, and the user must hold a permission, or 403
//!   `Insufficient permissions` ("we know you, and you may not").
//!
//! Both read the row on every request, so a logout elsewhere, a revoked
//! permission or a deleted user counts on the very next request. The
//! timeouts are the row's, not the cookie's: `Max-Age` is only advice to
//! the browser.

use crate::app::PermissionsApp;
use crate::session_id::SessionId;
use crate::store::{self, SessionRow};
use crate::{cookie, refresh};
use common::filters::cookie_header;
use common::with;
use common::{Decision, Problem};
use http::StatusCode;
use std::sync::Arc;
use warp::{Filter, Rejection};

/// A request from a logged-in user.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub session: SessionRow,
}

impl CurrentUser {
    pub fn user_id(&self) -> i64 {
        self.session.user_id
    }
}

/// The logged-in user, or a rejection with 401.
pub fn logged_in(
    app: Arc<PermissionsApp>,
) -> impl Filter<Extract = (CurrentUser,), Error = Rejection> + Clone {
    guard(app, None)
}

/// The logged-in user holding `permission`: 401 if nobody is logged in,
/// 403 if the user may not. Declared next to the route it guards:
/// `.and(require(app, "admin"))`.
pub fn require(
    app: Arc<PermissionsApp>,
    permission: &'static str,
) -> impl Filter<Extract = (CurrentUser,), Error = Rejection> + Clone {
    guard(app, Some(permission))
}

fn guard(
    app: Arc<PermissionsApp>,
    permission: Option<&'static str>,
) -> impl Filter<Extract = (CurrentUser,), Error = Rejection> + Clone {
    with(app).and(cookie_header()).and_then(
        move |app: Arc<PermissionsApp>, cookies: Option<String>| async move {
            check(&app, cookies.as_deref(), permission)
                .await
                .map_err(warp::reject::custom)
        },
    )
}

/// The live session behind a cookie's id, read without refreshing or
/// touching it: for a page that only shows who is logged in, and for a
/// link's callback, which only asks whether its user is still here.
pub async fn peek(
    app: &PermissionsApp,
    id: Option<&SessionId>,
) -> Result<Option<SessionRow>, Problem> {
    let Some(id) = id else {
        return Ok(None);
    };
    let session = app.lookups.find(&id.hash()).await?;
    Ok(session.filter(|s| !s.is_over(app.now())))
}

/// The request's user, if logged in and (when `permission` is given)
/// holding it: the check behind every guarded route, and behind
/// `LAB=stateless-logout`'s replayed cookie.
pub(crate) async fn check(
    app: &Arc<PermissionsApp>,
    cookies: Option<&str>,
    permission: Option<&'static str>,
) -> Result<CurrentUser, Problem> {
    let Some(id) = cookie::read(app.cookies, cookies)? else {
        return Err(Problem::not_logged_in());
    };
    // Logged out, ended by /logout/all, or its user deleted: no row.
    let Some(mut session) = app.lookups.find(&id.hash()).await? else {
        return Err(cookie::session_over(app.cookies));
    };
    let now = app.now();
    if session.is_over(now) {
        // Its tokens are live at the provider: revoked, not just dropped.
        crate::ending::end(app, &session.id_hash).await?;
        if now >= session.expires_at && session.had_no_refresh_token(app.timeouts.lifetime) {
            let provider = app.provider(&session.provider).map(|p| p.display_name());
            return Err(cookie::ended_without_refresh_token(
                app.cookies,
                provider.unwrap_or("The provider"),
            ));
        }
        return Err(cookie::session_over(app.cookies));
    }
    let refresh_due =
        now.saturating_add(sessions::refresh::REFRESH_MARGIN_SECS) >= session.access_expires_at;
    if refresh_due && session.outlives_its_access_token() {
        session = refresh::refresh(app.clone(), session).await?;
    }
    store::touch(&app.db, &session, now, app.timeouts.idle).await?;
    // >>> exercise: forbidden
    if let Some(name) = permission {
        let granted = session.allows(name);
        app.report.report(Decision::Permission { name, granted });
        if !granted {
            return Err(Problem::new(
                StatusCode::FORBIDDEN,
                "Insufficient permissions",
            ));
        }
    }
    // <<< exercise: forbidden
    Ok(CurrentUser { session })
}
