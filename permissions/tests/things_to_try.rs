//! README.md's "Things to try", each done as the README says, with the
//! outcome it promises. `every_step_has_a_test` compares the two lists.

mod support;

use common::testing::assert_things_to_try_are;
use std::process::Command;
use support::*;

const STEPS: [&str; 6] = [
    "Meet 401, 403 and 200.",
    "Grant from the command line.",
    "Copy the cookie, then log out.",
    "Log out everywhere.",
    "Let the session idle.",
    "Look in the database.",
];

#[test]
fn every_step_has_a_test() {
    assert_things_to_try_are(include_str!("../README.md"), &STEPS);
}

#[tokio::test]
async fn step_1_meet_401_403_and_200() {
    let mock = mock().await;
    let (_, db) = database(Backend::Sqlite).await;
    let state = state(&mock, db);
    let mut browser = logged_in_browser(stage(&state), &NELLY).await;
    assert_eq!(browser.get("/privileged").await.status(), 403);
    browser.request("POST", "/logout", SAME_ORIGIN).await;
    browser.login(&GRACE).await;
    assert_eq!(browser.get("/privileged").await.status(), 200);
    assert_eq!(browser.get("/admin").await.status(), 403);
    browser.request("POST", "/logout", SAME_ORIGIN).await;
    browser.login(&ADA).await;
    assert_eq!(browser.get("/privileged").await.status(), 200);
    assert_eq!(browser.get("/admin").await.status(), 200);
    browser.request("POST", "/logout", SAME_ORIGIN).await;
    assert_eq!(browser.get("/privileged").await.status(), 401);
    assert_eq!(browser.get("/admin").await.status(), 401);
}

#[tokio::test]
async fn step_2_grant_from_the_command_line() {
    let mock = mock().await;
    let (url, db) = database(Backend::Sqlite).await;
    let state = state(&mock, db);
    let mut nelly = logged_in_browser(stage(&state), &NELLY).await;
    assert_eq!(nelly.get("/privileged").await.status(), 403);
    // The README's command, with Nelly's id as the README writes it.
    let readme = include_str!("../README.md");
    let command = format!("grant discord:{} privileged", *NELLY);
    assert!(readme.contains(&command), "the README names Nelly's id");
    let output = Command::new(env!("CARGO_BIN_EXE_permissions"))
        .args(command.split(' '))
        .env("DATABASE_URL", &url)
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    assert_eq!(nelly.get("/privileged").await.status(), 200);
}

#[tokio::test]
async fn step_3_copy_the_cookie_then_log_out() {
    let mock = mock().await;
    let (_, db) = database(Backend::Sqlite).await;
    let state = state(&mock, db);
    let mut browser = logged_in_browser(stage(&state), &GRACE).await;
    let copied = browser.cookie("session").unwrap().to_string();
    browser.request("POST", "/logout", SAME_ORIGIN).await;
    let mut curl = support::browser(stage(&state));
    curl.set_cookie("session", Some(&copied));
    let replayed = curl.get("/users/me").await;
    assert_eq!(replayed.status(), 401);
}

#[tokio::test]
async fn step_4_log_out_everywhere() {
    let mock = mock().await;
    let (_, db) = database(Backend::Sqlite).await;
    let state = state(&mock, db);
    let mut one = logged_in_browser(stage(&state), &ADA).await;
    let mut private_window = logged_in_browser(stage(&state), &ADA).await;
    let home = String::from_utf8_lossy(one.get("/").await.body()).to_string();
    assert!(
        home.contains("Log out everywhere"),
        "the button is on the page"
    );
    one.request("POST", "/logout/all", SAME_ORIGIN).await;
    assert_eq!(private_window.get("/users/me").await.status(), 401);
}

#[tokio::test]
async fn step_5_let_the_session_idle() {
    let mock = mock().await;
    let (_, db) = database(Backend::Sqlite).await;
    let state = state(&mock, db);
    let mut browser = logged_in_browser(stage(&state), &GRACE).await;
    let moved = reqwest::Client::new()
        .post(format!("{}/__mock/clock", mock.base_url()))
        .header("content-type", "application/json")
        .body(r#"{"seconds": 1860}"#)
        .send()
        .await
        .unwrap();
    assert!(moved.status().is_success());
    assert_eq!(browser.get("/users/me").await.status(), 401);
}

#[tokio::test]
async fn step_6_look_in_the_database() {
    let mock = mock().await;
    let (_, db) = database(Backend::Sqlite).await;
    let state = state(&mock, db.clone());
    let browser = logged_in_browser(stage(&state), &GRACE).await;
    let cookie = browser.cookie("session").unwrap().to_string();
    let rows = texts(&db, "SELECT id_hash || ' ' || sealed_tokens FROM sessions").await;
    assert_eq!(rows.len(), 1);
    assert!(
        !rows[0].contains(&cookie),
        "the cookie's id is not in the table"
    );
    let hash = rows[0].split(' ').next().unwrap();
    let tokens = permissions::store::tokens(&db, &state.seal, hash)
        .await
        .unwrap()
        .unwrap();
    assert!(
        !rows[0].contains(&tokens.access_token),
        "no token is readable"
    );
}
