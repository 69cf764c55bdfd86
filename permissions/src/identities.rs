//! Identities: who a user is at an identity provider.
//!
//! An identity is keyed by **issuer and subject**: the provider's own,
//! stable id for the account, at the issuer that vouches for it. OpenID
//! Connect Core §5.7: a `sub` is unique only at its issuer. Keyed by the
//! provider's name alone, a database kept across a change of
//! `GOOGLE_ISSUER` would let `sub=alice` at the new issuer log into the old
//! alice's account, permissions included. Never by e-mail either: an
//! address can be unverified, or given to someone else later.
//!
//! The provider's name (`discord`, `google`) is kept beside the key: it
//! says which code refreshes and revokes, it is in the unlink route, and it
//! is what people read.

use crate::db::{column, unavailable, Db};
use common::Problem;
use http::StatusCode;
use serde::Serialize;

/// One account at one provider, as `/users/me` lists it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Identity {
    pub provider: String,
    pub subject: String,
    /// The provider's profile as of the last login.
    pub profile: serde_json::Value,
}

/// Who logged in, as the provider told us.
#[derive(Debug, Clone)]
pub struct LoginProfile {
    pub provider: &'static str,
    /// Who vouches for `subject`: Discord's base URL, or the OpenID issuer
    /// that discovery confirmed and the ID token's `iss` named.
    pub issuer: String,
    pub subject: String,
    pub display_name: String,
    pub profile: serde_json::Value,
}

impl LoginProfile {
    /// The row that makes this identity `user_id`'s. It fails if the
    /// identity is anyone's already (the key).
    pub fn insert(
        &self,
        user_id: i64,
    ) -> sqlx::query::Query<'_, sqlx::Any, sqlx::any::AnyArguments> {
        sqlx::query(
            "INSERT INTO identities (issuer, subject, provider, user_id, profile) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&self.issuer)
        .bind(&self.subject)
        .bind(self.provider)
        .bind(user_id)
        .bind(self.profile.to_string())
    }
}

/// The user with this identity, if any: how a login finds its user.
pub async fn find_by_issuer(db: &Db, issuer: &str, subject: &str) -> Result<Option<i64>, Problem> {
    let row = sqlx::query("SELECT user_id FROM identities WHERE issuer = $1 AND subject = $2")
        .bind(issuer)
        .bind(subject)
        .fetch_optional(&db.pool)
        .await
        .map_err(unavailable)?;
    row.map(|row| column(&row, "user_id")).transpose()
}

/// The user with an identity `provider:subject`, as people name one (the
/// command line, the tests), at whichever issuer. Two users, at two
/// issuers of one provider, are refused as ambiguous rather than guessed.
pub async fn find_by_identity(
    db: &Db,
    provider: &str,
    subject: &str,
) -> Result<Option<i64>, Problem> {
    let rows =
        sqlx::query("SELECT DISTINCT user_id FROM identities WHERE provider = $1 AND subject = $2")
            .bind(provider)
            .bind(subject)
            .fetch_all(&db.pool)
            .await
            .map_err(unavailable)?;
    match rows.as_slice() {
        [] => Ok(None),
        [row] => column(row, "user_id").map(Some),
        more => Err(Problem::new(
            StatusCode::CONFLICT,
            format!(
                "{provider}:{subject} names {} users, at different issuers of {provider}",
                more.len()
            ),
        )),
    }
}

/// Gives identities from before issuers were recorded (marked
/// `unrecorded:{provider}` by migration 0004) the issuer this start is
/// configured with: the database was in use with it until now. Returns how
/// many rows it gave an issuer.
pub async fn adopt_unrecorded(db: &Db, provider: &str, issuer: &str) -> Result<u64, sqlx::Error> {
    let done = sqlx::query("UPDATE identities SET issuer = $1 WHERE issuer = $2")
        .bind(issuer)
        .bind(format!("unrecorded:{provider}"))
        .execute(&db.pool)
        .await?;
    Ok(done.rows_affected())
}

/// What linking an identity to a user came to.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Linked {
    /// Added to the user.
    Added,
    /// The user had it already.
    Already,
    /// Another user has it: it is not moved.
    ToAnotherUser,
}

/// Adds this identity to `user_id`, unless another user has it. An
/// identity moved silently from one user to another would hand that
/// account's logins to whoever asked.
pub async fn link(db: &Db, user_id: i64, login: &LoginProfile) -> Result<Linked, Problem> {
    match find_by_issuer(db, &login.issuer, &login.subject).await? {
        Some(owner) if owner == user_id => return Ok(Linked::Already),
        Some(_) => return Ok(Linked::ToAnotherUser),
        None => {}
    }
    match login.insert(user_id).execute(&db.pool).await {
        Ok(_) => Ok(Linked::Added),
        // Taken between the look and the insert: by whom decides.
        Err(_) => match find_by_issuer(db, &login.issuer, &login.subject).await? {
            Some(owner) if owner == user_id => Ok(Linked::Already),
            _ => Ok(Linked::ToAnotherUser),
        },
    }
}

/// What unlinking an identity came to.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Unlinked {
    Removed,
    /// The user has no such identity.
    NotTheirs,
    /// It is the user's only one: without it, nobody could log in as them.
    LastOne,
}

/// Removes one of the user's identities, as the page names it
/// (`provider:subject`, at any issuer), never the last.
pub async fn unlink(
    db: &Db,
    user_id: i64,
    provider: &str,
    subject: &str,
) -> Result<Unlinked, Problem> {
    let mut tx = db.pool.begin().await.map_err(unavailable)?;
    // A no-op write to the user's row locks it (PostgreSQL: that row;
    // SQLite: the database) until the commit, so that two unlinks at once
    // cannot each see another identity and leave none.
    sqlx::query("UPDATE users SET display_name = display_name WHERE id = $1")
        .bind(user_id)
        .execute(&mut *tx)
        .await
        .map_err(unavailable)?;
    let counts = sqlx::query(
        "SELECT COUNT(CASE WHEN provider = $2 AND subject = $3 THEN 1 END) AS named, \
         COUNT(*) AS total FROM identities WHERE user_id = $1",
    )
    .bind(user_id)
    .bind(provider)
    .bind(subject)
    .fetch_one(&mut *tx)
    .await
    .map_err(unavailable)?;
    let named: i64 = column(&counts, "named")?;
    let total: i64 = column(&counts, "total")?;
    if named == 0 {
        return Ok(Unlinked::NotTheirs);
    }
    if total <= named {
        return Ok(Unlinked::LastOne);
    }
    sqlx::query("DELETE FROM identities WHERE provider = $1 AND subject = $2 AND user_id = $3")
        .bind(provider)
        .bind(subject)
        .bind(user_id)
        .execute(&mut *tx)
        .await
        .map_err(unavailable)?;
    tx.commit().await.map_err(unavailable)?;
    Ok(Unlinked::Removed)
}
