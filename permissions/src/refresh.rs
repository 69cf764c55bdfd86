//! Refresh across instances.
//!
//! Stage 2's refresh was single-flight within one process. Two instances
//! behind a load balancer share the database, and Discord treats a refresh
//! token presented twice as theft, so here the database decides who
//! refreshes: one instance wins an atomic claim on the row
//! ([`store::claim_refresh`]), trades the token, and writes the new pair one
//! version up; every other request waits for that version.
//!
//! The refresh runs in a task of its own: a browser that disconnects
//! mid-refresh cannot abandon it after the provider has rotated the token.

use crate::app::PermissionsApp;
use crate::cookie;
use crate::store::{self, SessionRow};
use common::{Decision, Problem};
use http::StatusCode;
use sessions::refresh::{self, Refreshed};
use std::sync::Arc;
use std::time::Duration;

/// How often a waiting request looks for the new version, and how long.
const POLL: Duration = Duration::from_millis(25);
const WAIT_AT_MOST: Duration = Duration::from_secs(15);

/// The session with fresh tokens (the row as it is after the refresh).
pub async fn refresh(app: Arc<PermissionsApp>, session: SessionRow) -> Result<SessionRow, Problem> {
    tokio::spawn(async move { refresh_now(&app, session).await })
        .await
        .unwrap_or_else(|_| {
            Err(Problem::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "The refresh failed. Try again in a moment.",
            ))
        })
}

async fn refresh_now(app: &PermissionsApp, session: SessionRow) -> Result<SessionRow, Problem> {
    let started = std::time::Instant::now();
    loop {
        let Some(row) = store::find(&app.db, &session.id_hash).await? else {
            return Err(cookie::session_over(app.cookies));
        };
        // Refreshed, here or by another instance: done.
        if row.token_version > session.token_version {
            return Ok(row);
        }
        if started.elapsed() > WAIT_AT_MOST {
            return Err(Problem::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "Your session is being refreshed. Try again in a moment.",
            ));
        }
        if store::claim_refresh(&app.db, &row, app.now()).await? {
            redeem(app, &row).await?;
        } else {
            tokio::time::sleep(POLL).await;
        }
    }
}

/// This instance holds the claim: trade the refresh token, store the new
/// pair. A passing failure releases the claim, so the next request retries
/// instead of being told the same failure again.
async fn redeem(app: &PermissionsApp, row: &SessionRow) -> Result<(), Problem> {
    let tokens = store::tokens(&app.db, &app.seal, &row.id_hash).await?;
    // No tokens that open (SESSION_SECRET changed), or no refresh token:
    // the session cannot go on.
    let Some(refresh_token) = tokens.and_then(|t| t.refresh_token) else {
        store::delete(&app.db, &app.seal, &row.id_hash).await?;
        return Err(cookie::session_over(app.cookies));
    };
    let Some(provider) = app.provider(&row.provider) else {
        store::delete(&app.db, &app.seal, &row.id_hash).await?;
        return Err(cookie::session_over(app.cookies));
    };
    match provider.refresh(refresh_token.clone(), app.now()).await {
        Refreshed::Tokens(new) => {
            let expires_at = refresh::access_expires_at(&new, app.now());
            let tokens = refresh::keeping_refresh_token(new, Some(refresh_token));
            store::store_refreshed(&app.db, &app.seal, row, &tokens, expires_at).await?;
            app.report.report(Decision::SessionRefreshed);
            Ok(())
        }
        Refreshed::LoginEnded => {
            store::delete(&app.db, &app.seal, &row.id_hash).await?;
            Err(cookie::session_over(app.cookies))
        }
        Refreshed::Failed(problem) => {
            store::release_refresh(&app.db, row).await?;
            Err(problem)
        }
    }
}
