//! `cargo run -p permissions -- users | grant | revoke`: the database
//! without the server, with clear errors and exit codes.

mod support;

use std::process::Command;
use support::*;

/// Runs the binary's command line against `url`: (exit code, stdout, stderr).
fn permissions(url: &str, args: &[&str]) -> (i32, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_permissions"))
        .args(args)
        .env("DATABASE_URL", url)
        .output()
        .unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).to_string(),
        String::from_utf8_lossy(&output.stderr).to_string(),
    )
}

async fn the_command_line_lists_grants_and_revokes(backend: Backend) {
    let (url, db) = database(backend).await;
    let (code, out, _) = permissions(&url, &["users"]);
    assert_eq!(
        (code, out.as_str()),
        (0, "no users yet: log in once to create one\n")
    );

    // Grace logs in once (offline: she starts with `privileged`).
    let mock = mock().await;
    let state = state(&mock, db);
    let mut grace = logged_in_browser(stage(&state), &GRACE).await;
    let identity = format!("discord:{}", *GRACE);

    let (code, out, err) = permissions(&url, &["users"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("Grace Hopper") && out.contains(&identity),
        "{out}"
    );
    assert!(out.trim_end().ends_with("privileged"), "{out}");

    let (code, out, err) = permissions(&url, &["grant", &identity, "admin"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out, format!("granted admin to {identity}\n"));
    assert_eq!(
        grace.get("/admin").await.status(),
        200,
        "the server sees it"
    );

    let (code, out, err) = permissions(&url, &["revoke", &identity, "admin"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out, format!("revoked admin from {identity}\n"));
    assert_eq!(grace.get("/admin").await.status(), 403);

    for (args, says) in [
        (
            vec!["grant", "discord:1", "admin"],
            "no user has the identity discord:1",
        ),
        (
            vec!["grant", identity.as_str(), "root"],
            "Unknown permission",
        ),
        (vec!["grant", "grace", "admin"], "is not provider:subject"),
        (
            vec!["revoke", identity.as_str(), "admin"],
            "does not have admin",
        ),
    ] {
        let (code, out, err) = permissions(&url, &args);
        assert_eq!(code, 1, "{args:?}: {out}{err}");
        assert!(
            err.starts_with("error: ") && err.contains(says),
            "{args:?}: {err}"
        );
    }
    let (code, _, err) = permissions(&url, &["frobnicate"]);
    assert_eq!(code, 2, "an unknown command is a usage error: {err}");
}

on_both_databases!(the_command_line_lists_grants_and_revokes);

/// A display name is chosen at the provider: an escape sequence or a tab
/// and newline in it are printed escaped, never obeyed, so that `users`
/// cannot clear the terminal or forge a line.
#[tokio::test]
async fn users_prints_provider_chosen_names_escaped() {
    let (url, db) = database(Backend::Sqlite).await;
    let mock = mock().await;
    let state = state(&mock, db.clone());
    logged_in_browser(stage(&state), &NELLY).await;
    sqlx::query("UPDATE users SET display_name = $1")
        .bind("Evil\u{1b}[2J\tname\nforged\t1\t-")
        .execute(&db.pool)
        .await
        .unwrap();
    let (code, out, err) = permissions(&url, &["users"]);
    assert_eq!(code, 0, "{err}");
    assert!(!out.contains('\u{1b}'), "{out:?}");
    assert_eq!(out.lines().count(), 1, "{out:?}");
    assert!(out.contains("Evil\\u{1b}[2J\\tname\\nforged"), "{out:?}");
}

/// The routes and outputs reader the READMEs are checked with.
use common::testing::documented::shown_runs;

/// README.md's "Administration" commands, run in order after Nelly's first
/// login, print what the README shows.
#[tokio::test]
async fn the_readme_shows_what_the_command_line_prints() {
    let (url, db) = database(Backend::Sqlite).await;
    let mock = mock().await;
    let state = state(&mock, db);
    logged_in_browser(stage(&state), &NELLY).await;
    let runs = shown_runs(include_str!("../README.md"));
    assert!(runs.len() >= 3, "the README shows {} commands", runs.len());
    for run in runs {
        assert_eq!(run.package, "permissions", "README.md:{}", run.line);
        eprintln!("README.md:{}: {:?}", run.line, run.args);
        snapbox::cmd::Command::new(env!("CARGO_BIN_EXE_permissions"))
            .args(&run.args)
            .env("DATABASE_URL", &url)
            .assert()
            .success()
            .stdout_eq(run.output);
    }
}
