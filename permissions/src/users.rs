//! Users and their permissions. A user is found by one of their
//! identities ([`crate::identities`]), never by e-mail.

use crate::db::{column, unavailable, Db};
use crate::identities::{find_by_issuer, Identity, LoginProfile};
use common::Problem;
use rand::Rng;
use serde::Serialize;

/// A user, as `/users/me` and the admin page show it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct User {
    pub id: i64,
    pub display_name: String,
    pub created_at: i64,
    pub identities: Vec<Identity>,
    pub permissions: Vec<String>,
}

/// A user id: random, positive, and below 2^53 so that JavaScript reads
/// it exactly. Made here rather than by the database, because SQLite and
/// PostgreSQL have no auto-increment syntax in common.
fn new_user_id() -> i64 {
    rand::rng().random_range(1..(1_i64 << 53))
}

/// The user behind this login: found by (issuer, subject), or created
/// with `starting_permissions` on a first login. The profile is updated.
pub async fn find_or_create(
    db: &Db,
    login: &LoginProfile,
    now: u64,
    starting_permissions: &[&str],
) -> Result<i64, Problem> {
    let profile = login.profile.to_string();
    // A returning user: the profile kept fresh and the user found in one
    // statement, one round trip to the database.
    let returning = sqlx::query(
        "UPDATE identities SET profile = $1 WHERE issuer = $2 AND subject = $3 RETURNING user_id",
    )
    .bind(&profile)
    .bind(&login.issuer)
    .bind(&login.subject)
    .fetch_optional(&db.pool)
    .await
    .map_err(unavailable)?;
    if let Some(row) = returning {
        return column(&row, "user_id");
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
    let inserted = login.insert(user_id).execute(&mut *tx).await;
    if inserted.is_err() {
        // Two first logins of the same account at once: the other one won.
        drop(tx);
        return find_by_issuer(db, &login.issuer, &login.subject)
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
        "SELECT provider, subject, profile FROM identities WHERE user_id = $1 ORDER BY provider, subject, issuer",
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
