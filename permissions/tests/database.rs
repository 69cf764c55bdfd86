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

#[tokio::test]
async fn a_locked_sqlite_database_is_503_after_a_short_wait() {
    let mock = mock().await;
    let (url, db) = database(Backend::Sqlite).await;
    let state = state(&mock, db);
    let mut browser = logged_in_browser(stage(&state), &GRACE).await;
    // Another program holds the whole file (rollback journal, EXCLUSIVE).
    let other = Db::connect(&url).await.unwrap();
    let mut holder = other.pool.acquire().await.unwrap();
    sqlx::query("BEGIN EXCLUSIVE")
        .execute(&mut *holder)
        .await
        .unwrap();
    let started = Instant::now();
    let response = browser.get("/privileged").await;
    assert_eq!(response.status(), 503, "{}", detail(&response));
    assert!(started.elapsed() < Duration::from_secs(10));
    sqlx::query("ROLLBACK").execute(&mut *holder).await.unwrap();
    drop(holder);
    assert_eq!(browser.get("/privileged").await.status(), 200);
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
