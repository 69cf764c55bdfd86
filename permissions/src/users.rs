//! Users, their identities at providers, and their permissions.
//!
//! A user is found by (provider, subject): the provider's own, stable id
//! for the account. Never by e-mail: an address can be unverified, or given
//! to someone else later, and a login must not take over an account that
//! merely shares it.

use crate::db::{column, unavailable, Db};
use common::Problem;
use rand::Rng;
use serde::Serialize;

/// One account at one provider.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Identity {
    pub provider: String,
    pub subject: String,
    /// The provider's profile as of the last login.
    pub profile: serde_json::Value,
}

/// A user, as `/users/me` and the admin page show it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct User {
    pub id: i64,
    pub display_name: String,
    pub created_at: i64,
    pub identities: Vec<Identity>,
    pub permissions: Vec<String>,
}

/// Who logged in, as the provider told us.
#[derive(Debug, Clone)]
pub struct LoginProfile {
    pub provider: &'static str,
    pub subject: String,
    pub display_name: String,
    pub profile: serde_json::Value,
}

/// A user id: random, positive, and below 2^53 so that JavaScript reads
/// it exactly. Made here rather than by the database, because SQLite and
/// PostgreSQL have no auto-increment syntax in common.
fn new_user_id() -> i64 {
    rand::rng().random_range(1..(1_i64 << 53))
}

/// The user behind this login: found by (provider, subject), or created
/// with `starting_permissions` on a first login. The profile is updated.
pub async fn find_or_create(
    db: &Db,
    login: &LoginProfile,
    now: u64,
    starting_permissions: &[&str],
) -> Result<i64, Problem> {
    let profile = login.profile.to_string();
    if let Some(user_id) = find_by_identity(db, login.provider, &login.subject).await? {
        sqlx::query("UPDATE identities SET profile = $1 WHERE provider = $2 AND subject = $3")
            .bind(&profile)
            .bind(login.provider)
            .bind(&login.subject)
            .execute(&db.pool)
            .await
            .map_err(unavailable)?;
        return Ok(user_id);
    }
    let user_id = new_user_id();
    let mut tx = db.pool.begin().await.map_err(unavailable)?;
    sqlx::query("INSERT INTO users (id, display_name, created_at) VALUES ($1, $2, $3)")
        .bind(user_id)
        .bind(&login.display_name)
        .bind(seconds(now))
        .execute(&mut *tx)
        .await
        .map_err(unavailable)?;
    let inserted = sqlx::query(
        "INSERT INTO identities (provider, subject, user_id, profile) VALUES ($1, $2, $3, $4)",
    )
    .bind(login.provider)
    .bind(&login.subject)
    .bind(user_id)
    .bind(&profile)
    .execute(&mut *tx)
    .await;
    if inserted.is_err() {
        // Two first logins of the same account at once: the other one won.
        drop(tx);
        return find_by_identity(db, login.provider, &login.subject)
            .await?
            .ok_or_else(|| unavailable(sqlx::Error::RowNotFound));
    }
    for name in starting_permissions {
        sqlx::query("INSERT INTO permissions (user_id, name) VALUES ($1, $2)")
            .bind(user_id)
            .bind(*name)
            .execute(&mut *tx)
            .await
            .map_err(unavailable)?;
    }
    tx.commit().await.map_err(unavailable)?;
    Ok(user_id)
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
    match find_by_identity(db, login.provider, &login.subject).await? {
        Some(owner) if owner == user_id => return Ok(Linked::Already),
        Some(_) => return Ok(Linked::ToAnotherUser),
        None => {}
    }
    let inserted = sqlx::query(
        "INSERT INTO identities (provider, subject, user_id, profile) VALUES ($1, $2, $3, $4)",
    )
    .bind(login.provider)
    .bind(&login.subject)
    .bind(user_id)
    .bind(login.profile.to_string())
    .execute(&db.pool)
    .await;
    match inserted {
        Ok(_) => Ok(Linked::Added),
        // Taken between the look and the insert: by whom decides.
        Err(_) => match find_by_identity(db, login.provider, &login.subject).await? {
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

/// Removes one of the user's identities, never the last.
pub async fn unlink(
    db: &Db,
    user_id: i64,
    provider: &str,
    subject: &str,
) -> Result<Unlinked, Problem> {
    let mut tx = db.pool.begin().await.map_err(unavailable)?;
    // A no-op write to the user's row locks it (PostgreSQL: that row;
    // SQLite: the database) until the commit, so that two unlinks at once
    // cannot each see two identities and leave none.
    sqlx::query("UPDATE users SET display_name = display_name WHERE id = $1")
        .bind(user_id)
        .execute(&mut *tx)
        .await
        .map_err(unavailable)?;
    let owner = sqlx::query("SELECT user_id FROM identities WHERE provider = $1 AND subject = $2")
        .bind(provider)
        .bind(subject)
        .fetch_optional(&mut *tx)
        .await
        .map_err(unavailable)?;
    let owner: Option<i64> = owner.map(|row| column(&row, "user_id")).transpose()?;
    if owner != Some(user_id) {
        return Ok(Unlinked::NotTheirs);
    }
    let count = sqlx::query("SELECT COUNT(*) AS n FROM identities WHERE user_id = $1")
        .bind(user_id)
        .fetch_one(&mut *tx)
        .await
        .map_err(unavailable)?;
    let count: i64 = column(&count, "n")?;
    if count <= 1 {
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

/// The user with this identity, if any.
pub async fn find_by_identity(
    db: &Db,
    provider: &str,
    subject: &str,
) -> Result<Option<i64>, Problem> {
    let row = sqlx::query("SELECT user_id FROM identities WHERE provider = $1 AND subject = $2")
        .bind(provider)
        .bind(subject)
        .fetch_optional(&db.pool)
        .await
        .map_err(unavailable)?;
    row.map(|row| column(&row, "user_id")).transpose()
}

/// A user with identities and permissions, if the user exists.
pub async fn get(db: &Db, user_id: i64) -> Result<Option<User>, Problem> {
    let row = sqlx::query("SELECT id, display_name, created_at FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_optional(&db.pool)
        .await
        .map_err(unavailable)?;
    match row {
        Some(row) => Ok(Some(with_details(db, &row).await?)),
        None => Ok(None),
    }
}

/// Every user, oldest first.
pub async fn list(db: &Db) -> Result<Vec<User>, Problem> {
    let rows =
        sqlx::query("SELECT id, display_name, created_at FROM users ORDER BY created_at, id")
            .fetch_all(&db.pool)
            .await
            .map_err(unavailable)?;
    let mut users = Vec::with_capacity(rows.len());
    for row in &rows {
        users.push(with_details(db, row).await?);
    }
    Ok(users)
}

async fn with_details(db: &Db, row: &sqlx::any::AnyRow) -> Result<User, Problem> {
    let id: i64 = column(row, "id")?;
    let identities = sqlx::query(
        "SELECT provider, subject, profile FROM identities WHERE user_id = $1 ORDER BY provider, subject",
    )
    .bind(id)
    .fetch_all(&db.pool)
    .await
    .map_err(unavailable)?
    .iter()
    .map(|row| {
        let profile: String = column(row, "profile")?;
        Ok(Identity {
            provider: column(row, "provider")?,
            subject: column(row, "subject")?,
            profile: serde_json::from_str(&profile).unwrap_or(serde_json::Value::Null),
        })
    })
    .collect::<Result<Vec<_>, Problem>>()?;
    Ok(User {
        id,
        display_name: column(row, "display_name")?,
        created_at: column(row, "created_at")?,
        identities,
        permissions: permissions_of(db, id).await?,
    })
}

/// A user's permissions, sorted.
pub async fn permissions_of(db: &Db, user_id: i64) -> Result<Vec<String>, Problem> {
    sqlx::query("SELECT name FROM permissions WHERE user_id = $1 ORDER BY name")
        .bind(user_id)
        .fetch_all(&db.pool)
        .await
        .map_err(unavailable)?
        .iter()
        .map(|row| column(row, "name"))
        .collect()
}

/// Gives a permission (again is fine). Takes effect on the user's next
/// request: nothing is cached.
pub async fn grant(db: &Db, user_id: i64, permission: &str) -> Result<(), Problem> {
    sqlx::query(
        "INSERT INTO permissions (user_id, name) VALUES ($1, $2) ON CONFLICT (user_id, name) DO NOTHING",
    )
    .bind(user_id)
    .bind(permission)
    .execute(&db.pool)
    .await
    .map_err(unavailable)?;
    Ok(())
}

/// Takes a permission away. Returns whether the user had it.
pub async fn revoke(db: &Db, user_id: i64, permission: &str) -> Result<bool, Problem> {
    let done = sqlx::query("DELETE FROM permissions WHERE user_id = $1 AND name = $2")
        .bind(user_id)
        .bind(permission)
        .execute(&db.pool)
        .await
        .map_err(unavailable)?;
    Ok(done.rows_affected() > 0)
}

/// Deletes a user; their identities, permissions and sessions go with them
/// (`ON DELETE CASCADE`), so their cookies answer 401 at once.
pub async fn delete(db: &Db, user_id: i64) -> Result<bool, Problem> {
    let done = sqlx::query("DELETE FROM users WHERE id = $1")
        .bind(user_id)
        .execute(&db.pool)
        .await
        .map_err(unavailable)?;
    Ok(done.rows_affected() > 0)
}

/// Seconds as the database stores them. Every time here comes from a clock
/// far below `i64::MAX`; a value above it is stored as the largest.
pub fn seconds(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}
