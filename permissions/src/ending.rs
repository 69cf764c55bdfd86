//! Ending a session, at the provider too. A session's row holds the
//! provider's tokens, live there until revoked: so however a session ends
//! (logout, logout everywhere, an identity unlinked, a timeout the guard
//! finds, or nobody coming back), its grant is revoked, as stage 2's
//! logout does.

use crate::app::PermissionsApp;
use crate::db::{column, unavailable, Db};
use crate::store::{self, HeldTokens, MAX_PER_QUERY};
use crate::token_seal::{SealedFor, TokenSeal};
use crate::users::seconds;
use common::Problem;
use std::sync::Arc;

/// Ends one session and revokes its grant: at logout, and when the guard
/// finds a session over (its tokens are live at the provider until then).
pub async fn end(app: &PermissionsApp, id_hash: &str) -> Result<(), Problem> {
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
pub async fn sweep(app: &PermissionsApp) -> Result<usize, Problem> {
    let mut ended = 0;
    loop {
        let taken = take_expired(&app.db, &app.seal, app.now()).await?;
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

/// Ends up to [`MAX_PER_QUERY`] sessions that are over at `now` (past
/// their idle or absolute timeout, or last seen in the future) and returns
/// their tokens, for revocation: rows nobody comes back for would
/// otherwise keep live refresh tokens forever.
pub async fn take_expired(db: &Db, seal: &TokenSeal, now: u64) -> Result<Vec<HeldTokens>, Problem> {
    let sql = format!(
        "SELECT id_hash, user_id, provider, sealed_tokens FROM sessions \
         WHERE expires_at <= $1 OR idle_expires_at <= $1 OR last_seen_at > $2 LIMIT {MAX_PER_QUERY}"
    );
    // Only a constant of ours is pasted in; every value is bound.
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(seconds(now))
        .bind(seconds(now.saturating_add(common::clock::MAX_SKEW_SECS)))
        .fetch_all(&db.pool)
        .await
        .map_err(unavailable)?;
    end_rows(db, seal, &rows).await
}

/// Ends the sessions of `rows` (each with its `id_hash`, `user_id`,
/// `provider` and `sealed_tokens`), one DELETE each, and returns the tokens
/// of those this call ended: of two instances ending the same row at once,
/// only the one whose DELETE took it revokes its tokens.
pub async fn end_rows(
    db: &Db,
    seal: &TokenSeal,
    rows: &[sqlx::any::AnyRow],
) -> Result<Vec<HeldTokens>, Problem> {
    let mut ended = Vec::new();
    for row in rows {
        let id_hash: String = column(row, "id_hash")?;
        let provider: String = column(row, "provider")?;
        let sealed_for = SealedFor {
            row: &id_hash,
            provider: &provider,
            user_id: column(row, "user_id")?,
        };
        let tokens = seal.open(&column::<String>(row, "sealed_tokens")?, sealed_for);
        let deleted = sqlx::query("DELETE FROM sessions WHERE id_hash = $1")
            .bind(&id_hash)
            .execute(&db.pool)
            .await
            .map_err(unavailable)?;
        if let (Some(tokens), 1) = (tokens, deleted.rows_affected()) {
            ended.push(HeldTokens { provider, tokens });
        }
    }
    Ok(ended)
}

/// Ends every session of a user, or only those `opened_by` one of their
/// identities (provider, subject). Returns their tokens, for revocation.
pub async fn delete_all_of(
    db: &Db,
    seal: &TokenSeal,
    user_id: i64,
    opened_by: Option<(&str, &str)>,
) -> Result<Vec<HeldTokens>, Problem> {
    const SELECT: &str = "SELECT id_hash, user_id, provider, sealed_tokens FROM sessions";
    let rows = match opened_by {
        None => {
            sqlx::query(sqlx::AssertSqlSafe(format!("{SELECT} WHERE user_id = $1"))).bind(user_id)
        }
        Some((provider, subject)) => sqlx::query(sqlx::AssertSqlSafe(format!(
            "{SELECT} WHERE user_id = $1 AND provider = $2 AND subject = $3"
        )))
        .bind(user_id)
        .bind(provider)
        .bind(subject),
    }
    .fetch_all(&db.pool)
    .await
    .map_err(unavailable)?;
    let tokens = end_rows(db, seal, &rows).await?;
    if opened_by.is_none() {
        // And any session opened since the list was read.
        sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(user_id)
            .execute(&db.pool)
            .await
            .map_err(unavailable)?;
    }
    Ok(tokens)
}
