//! The database: SQLite by default, PostgreSQL when `DATABASE_URL` says so,
//! through one code path (sqlx's `Any` driver). Every query is written once,
//! with `$1`-style parameters, which both databases understand; no value is
//! ever pasted into SQL text.
//!
//! The schema is `migrations/0001_schema.sql`, and after it
//! `0002_database_mode.sql` (the mode that made a database) and
//! `0003_session_subject.sql` (the identity that opened a session) and
//! `0004_identity_issuer.sql` (identities keyed by issuer and subject),
//! each added later as a migration of its own, so that databases made
//! before keep their data. All are built into the program and run at
//! start-up.

use common::Problem;
use http::StatusCode;
use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::{AnyPool, Executor};
use std::time::Duration;

/// How long a request waits for a database connection before it gets 503.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(3);

/// The connection pool, cheap to clone.
#[derive(Clone, Debug)]
pub struct Db {
    pub pool: AnyPool,
}

/// Why the database could not be opened at start-up.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("DATABASE_URL: cannot connect to {shown}: {source}")]
    Connect { shown: String, source: sqlx::Error },
    #[error("DATABASE_URL: the schema could not be set up in {shown}: {source}")]
    Migrate {
        shown: String,
        source: sqlx::migrate::MigrateError,
    },
}

/// Does this stage know how to use `url`?
pub fn is_supported(url: &str) -> bool {
    url.starts_with("sqlite:") || url.starts_with("postgres://") || url.starts_with("postgresql://")
}

/// The database, for people: no password.
pub fn describe(url: &str) -> String {
    if let Some(path) = url
        .strip_prefix("sqlite://")
        .or(url.strip_prefix("sqlite:"))
    {
        let path = path.split('?').next().unwrap_or(path);
        return format!("SQLite file {path} (created if missing)");
    }
    match url::Url::parse(url) {
        Ok(parsed) => format!(
            "PostgreSQL at {}:{}{}",
            parsed.host_str().unwrap_or("localhost"),
            parsed.port().unwrap_or(5432),
            parsed.path()
        ),
        Err(_) => "PostgreSQL".into(),
    }
}

impl Db {
    /// Connects (creating a SQLite file if there is none) and brings the
    /// schema up to date.
    pub async fn connect(url: &str) -> Result<Db, DbError> {
        let db = Db::connect_without_migrating(url).await?;
        sqlx::migrate!("./migrations")
            .run(&db.pool)
            .await
            .map_err(|source| DbError::Migrate {
                shown: describe(url),
                source,
            })?;
        Ok(db)
    }

    /// A pool that connects on first use: for a test of what happens when
    /// the database cannot be reached.
    pub fn connect_lazy(url: &str) -> Result<Db, DbError> {
        sqlx::any::install_default_drivers();
        let pool = options(url)
            .connect_lazy(&with_create_mode(url))
            .map_err(|source| DbError::Connect {
                shown: describe(url),
                source,
            })?;
        Ok(Db { pool })
    }

    async fn connect_without_migrating(url: &str) -> Result<Db, DbError> {
        sqlx::any::install_default_drivers();
        let pool = options(url)
            .connect(&with_create_mode(url))
            .await
            .map_err(|source| DbError::Connect {
                shown: describe(url),
                source,
            })?;
        Ok(Db { pool })
    }
}

fn options(url: &str) -> AnyPoolOptions {
    let options = if url.contains(":memory:") {
        // An in-memory SQLite database lives as long as its one connection:
        // keep exactly one, forever.
        AnyPoolOptions::new()
            .max_connections(1)
            .idle_timeout(None)
            .max_lifetime(None)
    } else {
        AnyPoolOptions::new().max_connections(8)
    };
    options
        .acquire_timeout(ACQUIRE_TIMEOUT)
        .after_connect(|connection, _| {
            Box::pin(async move {
                if connection.backend_name() == "SQLite" {
                    // Enforce the schema's REFERENCES (SQLite leaves them off
                    // unless asked), and wait a little for a lock rather
                    // than fail at once.
                    //
                    // Write-ahead logging: readers no longer wait for a
                    // writer (a login does not stall every guarded
                    // request), and a commit appends to the log instead of
                    // rewriting pages through a rollback journal. With
                    // `synchronous = NORMAL` it syncs at checkpoints, not
                    // at each commit: a power cut may lose the last
                    // commits (sessions made in the last moment), never
                    // corrupt the file. Several processes on one file
                    // still see each other's writes at once. (An
                    // in-memory database keeps its own journal.)
                    connection
                        .execute(
                            "PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 2000; \
                             PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;",
                        )
                        .await?;
                }
                Ok(())
            })
        })
}

/// `sqlite://file` opens only an existing file; `mode=rwc` creates it.
fn with_create_mode(url: &str) -> String {
    if url.starts_with("sqlite:") && !url.contains("mode=") && !url.contains(":memory:") {
        let separator = if url.contains('?') { '&' } else { '?' };
        format!("{url}{separator}mode=rwc")
    } else {
        url.to_string()
    }
}

/// Every database failure, as the user sees it: 503, try again. What went
/// wrong is logged for the operator (sqlx's errors hold no secret: no
/// password, no query parameter).
pub fn unavailable(error: sqlx::Error) -> Problem {
    tracing::error!(%error, "database request failed");
    Problem::new(
        StatusCode::SERVICE_UNAVAILABLE,
        "The database is unavailable or busy. Try again in a moment.",
    )
}

/// A column of a row, or a 503 if the row is not shaped as the schema says.
pub fn column<'r, T>(row: &'r AnyRow, name: &str) -> Result<T, Problem>
where
    T: sqlx::Decode<'r, sqlx::Any> + sqlx::Type<sqlx::Any>,
{
    use sqlx::Row;
    row.try_get(name).map_err(unavailable)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_files_are_created_and_postgres_passwords_not_shown() {
        assert_eq!(
            with_create_mode("sqlite://permissions.db"),
            "sqlite://permissions.db?mode=rwc"
        );
        assert_eq!(
            with_create_mode("sqlite://a.db?mode=ro"),
            "sqlite://a.db?mode=ro"
        );
        let shown = describe("postgres://me:hunter2@db.example:5433/perms");
        assert_eq!(shown, "PostgreSQL at db.example:5433/perms");
        assert!(describe("sqlite://permissions.db").contains("permissions.db"));
        assert!(is_supported("postgresql://x") && !is_supported("mysql://x"));
    }
}
