//! When the database is not there: 503 with a clear message for a request,
//! a clear start-up error naming DATABASE_URL for the program.

mod support;

use permissions::db::Db;
use std::process::Command;
use std::time::{Duration, Instant};
use support::*;

#[tokio::test]
async fn an_unreachable_database_is_503() {
    let mock = mock().await;
    // Nothing listens on port 1.
    let db = Db::connect_lazy("postgres://postgres@127.0.0.1:1/permissions").unwrap();
    let state = state(&mock, db);
    let mut browser = support::browser(stage(&state));
    browser.set_cookie("session", Some(&"A".repeat(43)));
    // (Each waits for the pool to give up, a few seconds.)
    for path in ["/privileged", "/"] {
        let response = browser.get(path).await;
        assert_eq!(response.status(), 503, "{path}");
        assert!(
            detail(&response).contains("database"),
            "{path}: {}",
            detail(&response)
        );
    }
    // A login cannot finish without the database either: 503, not 500.
    let response = browser.login(&NELLY).await;
    assert_eq!(response.status(), 503);
}

/// Another program holds the SQLite file's write lock. In write-ahead
/// logging, readers do not wait for it: a guarded page still answers. A
/// write does, for the busy timeout, and then gets 503: never a hang.
#[tokio::test]
async fn a_locked_sqlite_database_is_503_after_a_short_wait() {
    let mock = mock().await;
    let (url, db) = database(Backend::Sqlite).await;
    let state = state(&mock, db);
    let mut browser = logged_in_browser(stage(&state), &GRACE).await;
    let other = Db::connect(&url).await.unwrap();
    let mut holder = other.pool.acquire().await.unwrap();
    sqlx::query("BEGIN EXCLUSIVE")
        .execute(&mut *holder)
        .await
        .unwrap();
    assert_eq!(browser.get("/privileged").await.status(), 200, "a read");
    let started = Instant::now();
    let login = logged_in_attempt(&state).await;
    assert_eq!(login.status(), 503, "{}", detail(&login));
    assert!(started.elapsed() < Duration::from_secs(10));
    sqlx::query("ROLLBACK").execute(&mut *holder).await.unwrap();
    drop(holder);
    assert_eq!(logged_in_attempt(&state).await.status(), 303);
}

/// A login of Nelly's, in a browser of its own: its callback's answer.
async fn logged_in_attempt(
    state: &std::sync::Arc<permissions::app::PermissionsApp>,
) -> http::Response<bytes::Bytes> {
    support::browser(stage(state)).login(&NELLY).await
}

/// `sqlite::memory:` is a database that lives as long as the process: a
/// throwaway for a demonstration, and it must behave as a database.
#[tokio::test]
async fn an_in_memory_sqlite_database_works() {
    let mock = mock().await;
    let db = Db::connect("sqlite::memory:").await.unwrap();
    let state = state(&mock, db);
    let mut grace = logged_in_browser(stage(&state), &GRACE).await;
    for _ in 0..3 {
        assert_eq!(grace.get("/privileged").await.status(), 200);
    }
    assert_eq!(grace.get("/admin").await.status(), 403);
    // Writes after those reads reach the same database: the session
    // lookups did not take its only connection away from the pool.
    let mut ada = logged_in_browser(stage(&state), &ADA).await;
    assert_eq!(ada.get("/privileged").await.status(), 200);
    assert_eq!(grace.get("/privileged").await.status(), 200);
}

fn start_with_database_url(url: &str) -> (Option<i32>, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_permissions"))
        .env("DATABASE_URL", url)
        .env("PORT", common::testing::free_port().to_string())
        .env_remove("DISCORD_CLIENT_ID")
        .env_remove("DISCORD_CLIENT_SECRET")
        .output()
        .unwrap();
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stderr).to_string(),
    )
}

#[test]
fn a_bad_database_url_stops_the_program_with_a_message_naming_it() {
    for url in [
        "mysql://localhost/x",
        "postgres://postgres@127.0.0.1:1/permissions",
        "sqlite:///nonexistent-directory/permissions.db",
    ] {
        let (code, stderr) = start_with_database_url(url);
        assert_eq!(code, Some(1), "{url}: {stderr}");
        assert!(stderr.contains("DATABASE_URL"), "{url}: {stderr}");
        assert!(!stderr.contains("panicked"), "{url}: {stderr}");
    }
}

/// Offline, the mock's users arrive with permissions under ids that look
/// like real Discord ids: a database keeps the mode that made it, and the
/// other mode is refused, with a message naming DATABASE_URL.
async fn a_database_keeps_the_mode_that_made_it(backend: Backend) {
    use permissions::offline::claim_mode;
    let (url, offline_db) = database(backend).await;
    claim_mode(&offline_db, true, &url).await.unwrap();
    claim_mode(&offline_db, true, &url).await.unwrap();
    let refused = claim_mode(&offline_db, false, &url).await.unwrap_err();
    assert!(
        refused.starts_with("DATABASE_URL") && refused.contains("made in offline mode"),
        "{refused}"
    );

    let (url, online_db) = database(backend).await;
    claim_mode(&online_db, false, &url).await.unwrap();
    let refused = claim_mode(&online_db, true, &url).await.unwrap_err();
    assert!(refused.contains("was made online"), "{refused}");

    // A database from before modes were kept, where Ada logged in offline
    // and became an admin: it counts as offline-made.
    let (url, older) = database(backend).await;
    let mock = mock().await;
    logged_in_browser(stage(&state(&mock, older.clone())), &ADA).await;
    let refused = claim_mode(&older, false, &url).await.unwrap_err();
    assert!(refused.contains("made in offline mode"), "{refused}");
}

on_both_databases!(a_database_keeps_the_mode_that_made_it);

/// The program, started with Discord credentials on a database made
/// offline, stops before serving, and says why.
#[tokio::test]
async fn an_online_start_on_an_offline_database_is_refused() {
    let (url, db) = database(Backend::Sqlite).await;
    permissions::offline::claim_mode(&db, true, &url)
        .await
        .unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_permissions"))
        .env("DATABASE_URL", &url)
        .env("PORT", common::testing::free_port().to_string())
        .env("DISCORD_CLIENT_ID", "123")
        .env("DISCORD_CLIENT_SECRET", "a-real-looking-secret")
        .env("SESSION_SECRET", "x".repeat(48))
        .env_remove("LAB")
        .current_dir(std::env::temp_dir())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("DATABASE_URL") && stderr.contains("made in offline mode"),
        "{stderr}"
    );
}
