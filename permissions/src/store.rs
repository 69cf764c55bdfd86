//! Server-side sessions: one row per logged-in browser.
//!
//! Stage 2 kept the session in the cookie, so the server could not end it:
//! a copy of the cookie worked until it expired. Here the cookie holds only
//! a random id, and the row decides. Logout deletes the row, and every copy
//! of the cookie, on every instance that shares the database, stops working
//! on its next request.

use crate::db::{column, unavailable, Db};
use crate::session_id::SessionId;
use crate::token_seal::{SealedFor, TokenSeal};
use crate::users::seconds;
use basic::tokens::Tokens;
use common::Problem;
use std::collections::HashMap;
use std::time::Duration;

/// "Last seen" is written at most this often per session: the hot path
/// stays read-only, and the idle timeout is exact to within a minute.
pub const TOUCH_EVERY: u64 = 60;

/// How long one instance may hold a refresh before others may try.
pub const REFRESH_CLAIM: u64 = 30;

/// A session row, as the guard reads it on every request, with its
/// user's permissions.
#[derive(Debug, Clone)]
pub struct SessionRow {
    pub id_hash: String,
    pub user_id: i64,
    pub provider: String,
    pub access_expires_at: u64,
    pub token_version: i64,
    /// When the user logged in: linking asks for a recent login.
    pub created_at: u64,
    pub last_seen_at: u64,
    pub idle_expires_at: u64,
    pub expires_at: u64,
    pub permissions: Vec<String>,
}

impl SessionRow {
    pub fn allows(&self, permission: &str) -> bool {
        self.permissions.iter().any(|p| p == permission)
    }

    /// Does this session outlive its access token? Only then is there a
    /// refresh to make. A login that gave no refresh token ends when its
    /// access token does ([`create`]), and never asks for one.
    pub fn outlives_its_access_token(&self) -> bool {
        self.access_expires_at < self.expires_at
    }

    /// Was this session cut to its access token's life at login, because
    /// the provider gave no refresh token? (Its end is then before the
    /// `lifetime` every session gets.)
    pub fn had_no_refresh_token(&self, lifetime: Duration) -> bool {
        self.expires_at < self.created_at.saturating_add(lifetime.as_secs())
    }

    /// Past its absolute or its idle timeout at `now`, or last seen in the
    /// future ([`common::clock::from_the_future`]: its timeouts were then
    /// counted from a clock that has since gone back)?
    pub fn is_over(&self, now: u64) -> bool {
        now >= self.expires_at
            || now >= self.idle_expires_at
            || common::clock::from_the_future(self.last_seen_at, now)
    }
}

/// The two timeouts, from configuration.
#[derive(Debug, Clone, Copy)]
pub struct Timeouts {
    pub idle: Duration,
    pub lifetime: Duration,
}

fn after(now: u64, duration: Duration) -> i64 {
    seconds(now.saturating_add(duration.as_secs()))
}

/// Opens a session for `user_id` and returns its id, for the cookie.
#[allow(clippy::too_many_arguments)]
pub async fn create(
    db: &Db,
    seal: &TokenSeal,
    user_id: i64,
    (provider, subject): (&str, &str),
    tokens: &Tokens,
    access_expires_at: u64,
    now: u64,
    timeouts: Timeouts,
) -> Result<SessionId, Problem> {
    let id = SessionId::random();
    let id_hash = id.hash();
    // No refresh token (Google, after the first consent): nothing can
    // renew the access token, so the session ends when it does.
    let expires_at = match tokens.refresh_token {
        Some(_) => after(now, timeouts.lifetime),
        None => after(now, timeouts.lifetime).min(seconds(access_expires_at)),
    };
    sqlx::query(
        "INSERT INTO sessions (id_hash, user_id, provider, sealed_tokens, access_expires_at, \
         token_version, refreshing_until, created_at, last_seen_at, idle_expires_at, expires_at, \
         subject) VALUES ($1, $2, $3, $4, $5, 0, NULL, $6, $6, $7, $8, $9)",
    )
    .bind(&id_hash)
    .bind(user_id)
    .bind(provider)
    .bind(seal.seal(
        tokens,
        SealedFor {
            row: &id_hash,
            provider,
            user_id,
        },
    ))
    .bind(seconds(access_expires_at))
    .bind(seconds(now))
    .bind(after(now, timeouts.idle))
    .bind(expires_at)
    .bind(subject)
    .execute(&db.pool)
    .await
    .map_err(unavailable)?;
    Ok(id)
}

/// The most sessions one query asks for: far below SQLite's and
/// PostgreSQL's limits on parameters.
pub const MAX_PER_QUERY: usize = 256;

/// The session with this id hash, if there is one.
pub async fn find(db: &Db, id_hash: &str) -> Result<Option<SessionRow>, Problem> {
    Ok(find_many(&db.pool, &[id_hash.to_string()])
        .await?
        .remove(id_hash))
}

/// The sessions with these id hashes (at most [`MAX_PER_QUERY`]), with
/// their users' permissions, in one query: [`crate::lookup`] answers many
/// requests with it.
pub async fn find_many<'c>(
    db: impl sqlx::Executor<'c, Database = sqlx::Any>,
    id_hashes: &[String],
) -> Result<HashMap<String, SessionRow>, Problem> {
    let mut found = HashMap::new();
    if id_hashes.is_empty() {
        return Ok(found);
    }
    let placeholders: Vec<String> = (1..=id_hashes.len()).map(|n| format!("${n}")).collect();
    // Only numbered placeholders are pasted in; every value is bound.
    let sql = format!(
        "SELECT s.id_hash, s.user_id, s.provider, s.access_expires_at, s.token_version, \
         s.created_at, s.last_seen_at, s.idle_expires_at, s.expires_at, p.name AS permission \
         FROM sessions s LEFT JOIN permissions p ON p.user_id = s.user_id \
         WHERE s.id_hash IN ({})",
        placeholders.join(", ")
    );
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
    for id_hash in id_hashes {
        query = query.bind(id_hash);
    }
    let rows = query.fetch_all(db).await.map_err(unavailable)?;
    for row in &rows {
        let time = |name: &str| column::<i64>(row, name).map(|t| u64::try_from(t).unwrap_or(0));
        let id_hash: String = column(row, "id_hash")?;
        let permission: Option<String> = column(row, "permission")?;
        if let Some(session) = found.get_mut(&id_hash) {
            session.permissions.extend(permission);
            continue;
        }
        let session = SessionRow {
            id_hash: id_hash.clone(),
            user_id: column(row, "user_id")?,
            provider: column(row, "provider")?,
            access_expires_at: time("access_expires_at")?,
            token_version: column(row, "token_version")?,
            created_at: time("created_at")?,
            last_seen_at: time("last_seen_at")?,
            idle_expires_at: time("idle_expires_at")?,
            expires_at: time("expires_at")?,
            permissions: permission.into_iter().collect(),
        };
        found.insert(id_hash, session);
    }
    Ok(found)
}

/// The sealed tokens of a session, opened.
pub async fn tokens(db: &Db, seal: &TokenSeal, id_hash: &str) -> Result<Option<Tokens>, Problem> {
    Ok(provider_tokens(db, seal, id_hash)
        .await?
        .map(|held| held.tokens))
}

/// A session's tokens, with the provider that issued them (to refresh or
/// revoke them there).
#[derive(Debug)]
pub struct HeldTokens {
    pub provider: String,
    pub tokens: Tokens,
}

async fn provider_tokens(
    db: &Db,
    seal: &TokenSeal,
    id_hash: &str,
) -> Result<Option<HeldTokens>, Problem> {
    let row =
        sqlx::query("SELECT provider, user_id, sealed_tokens FROM sessions WHERE id_hash = $1")
            .bind(id_hash)
            .fetch_optional(&db.pool)
            .await
            .map_err(unavailable)?;
    let Some(row) = row else {
        return Ok(None);
    };
    let provider: String = column(&row, "provider")?;
    let sealed_for = SealedFor {
        row: id_hash,
        provider: &provider,
        user_id: column(&row, "user_id")?,
    };
    let tokens = seal.open(&column::<String>(&row, "sealed_tokens")?, sealed_for);
    Ok(tokens.map(|tokens| HeldTokens { provider, tokens }))
}

/// Records activity: moves the idle expiry, at most once a minute.
pub async fn touch(db: &Db, session: &SessionRow, now: u64, idle: Duration) -> Result<(), Problem> {
    if now.saturating_sub(session.last_seen_at) < TOUCH_EVERY {
        return Ok(());
    }
    sqlx::query("UPDATE sessions SET last_seen_at = $1, idle_expires_at = $2 WHERE id_hash = $3")
        .bind(seconds(now))
        .bind(after(now, idle))
        .bind(&session.id_hash)
        .execute(&db.pool)
        .await
        .map_err(unavailable)?;
    Ok(())
}

/// Ends one session. Returns its tokens, for revocation, if it existed.
pub async fn delete(
    db: &Db,
    seal: &TokenSeal,
    id_hash: &str,
) -> Result<Option<HeldTokens>, Problem> {
    let tokens = provider_tokens(db, seal, id_hash).await?;
    sqlx::query("DELETE FROM sessions WHERE id_hash = $1")
        .bind(id_hash)
        .execute(&db.pool)
        .await
        .map_err(unavailable)?;
    Ok(tokens)
}

/// Claims the right to refresh this session's tokens. Only one claim
/// succeeds, across every instance: the `UPDATE … WHERE` is atomic in the
/// database, and it matches only an unclaimed (or abandoned) row still at
/// the version its caller read.
pub async fn claim_refresh(db: &Db, session: &SessionRow, now: u64) -> Result<bool, Problem> {
    let done = sqlx::query(
        "UPDATE sessions SET refreshing_until = $1 WHERE id_hash = $2 AND token_version = $3 \
         AND (refreshing_until IS NULL OR refreshing_until < $4)",
    )
    .bind(seconds(now.saturating_add(REFRESH_CLAIM)))
    .bind(&session.id_hash)
    .bind(session.token_version)
    .bind(seconds(now))
    .execute(&db.pool)
    .await
    .map_err(unavailable)?;
    Ok(done.rows_affected() == 1)
}

/// Stores refreshed tokens, one version up, and releases the claim.
pub async fn store_refreshed(
    db: &Db,
    seal: &TokenSeal,
    session: &SessionRow,
    tokens: &Tokens,
    access_expires_at: u64,
) -> Result<(), Problem> {
    sqlx::query(
        "UPDATE sessions SET sealed_tokens = $1, access_expires_at = $2, \
         token_version = token_version + 1, refreshing_until = NULL \
         WHERE id_hash = $3 AND token_version = $4",
    )
    .bind(seal.seal(
        tokens,
        SealedFor {
            row: &session.id_hash,
            provider: &session.provider,
            user_id: session.user_id,
        },
    ))
    .bind(seconds(access_expires_at))
    .bind(&session.id_hash)
    .bind(session.token_version)
    .execute(&db.pool)
    .await
    .map_err(unavailable)?;
    Ok(())
}

/// Gives up a claim (the refresh failed for a passing reason): the next
/// request may try again.
pub async fn release_refresh(db: &Db, session: &SessionRow) -> Result<(), Problem> {
    sqlx::query("UPDATE sessions SET refreshing_until = NULL WHERE id_hash = $1")
        .bind(&session.id_hash)
        .execute(&db.pool)
        .await
        .map_err(unavailable)?;
    Ok(())
}
