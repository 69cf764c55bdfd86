//! `POST /logout` and `POST /logout/all`: the row goes, so every copy of
//! the cookie stops working, here and on every other instance; the grant
//! is revoked at the provider as in stage 2. A session that is over is
//! ended and revoked the same way, whether the guard finds it or the
//! sweep does ([`sweep`]).

use crate::app::PermissionsApp;
use crate::guard::CurrentUser;
use crate::store::HeldTokens;
use crate::{cookie, store};
use common::Answer;
use std::sync::Arc;

/// `POST /logout`: this browser's session.
pub async fn logout(app: Arc<PermissionsApp>, cookies: Option<String>) -> Answer {
    if let Some(id) = cookie::read(app.cookies, cookies.as_deref())? {
        end(&app, &id.hash()).await?;
    }
    sessions::logout::logged_out(&app)
}

/// `POST /logout/all`: every session of the user, in every browser.
pub async fn logout_all(app: Arc<PermissionsApp>, user: CurrentUser) -> Answer {
    for tokens in store::delete_all_of(&app.db, &app.seal, user.user_id()).await? {
        revoke(&app, &tokens).await;
    }
    sessions::logout::logged_out(&app)
}

/// Ends one session and revokes its grant: at logout, and when the guard
/// finds a session over (its tokens are live at the provider until then).
pub async fn end(app: &PermissionsApp, id_hash: &str) -> Result<(), common::Problem> {
    if let Some(tokens) = store::delete(&app.db, &app.seal, id_hash).await? {
        revoke(app, &tokens).await;
    }
    Ok(())
}

/// How often [`sweep`] runs in a serving stage.
pub const SWEEP_EVERY: std::time::Duration = std::time::Duration::from_secs(10 * 60);

/// Ends the sessions that are over and that nobody came back for, and
/// revokes their grants. Returns how many it ended. The binary runs it
/// every [`SWEEP_EVERY`]; a batch at a time, until none is left.
pub async fn sweep(app: &PermissionsApp) -> Result<usize, common::Problem> {
    let mut ended = 0;
    loop {
        let taken = store::take_expired(&app.db, &app.seal, app.now()).await?;
        if taken.is_empty() {
            return Ok(ended);
        }
        ended += taken.len();
        for tokens in &taken {
            revoke(app, tokens).await;
        }
    }
}

/// [`sweep`] every [`SWEEP_EVERY`], for as long as the stage serves.
pub async fn keep_sweeping(app: Arc<PermissionsApp>) {
    let mut every = tokio::time::interval(SWEEP_EVERY);
    loop {
        every.tick().await;
        match sweep(&app).await {
            Ok(0) => {}
            Ok(ended) => tracing::info!(ended, "expired sessions ended, their grants revoked"),
            Err(problem) => tracing::warn!(detail = %problem.detail, "the session sweep failed"),
        }
    }
}

/// Revocation at the provider that issued the tokens (stage 2's, for
/// Discord).
pub async fn revoke(app: &PermissionsApp, held: &HeldTokens) {
    match app.provider(&held.provider) {
        Some(provider) => provider.revoke(&held.tokens).await,
        None => tracing::warn!(
            provider = %held.provider,
            "a session of a provider this stage no longer has: not revoked there"
        ),
    }
}
