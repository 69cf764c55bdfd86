//! README.md's "Things to try", each done as the README says, with the
//! outcome it promises. `every_step_has_a_test` compares the two lists.

mod support;

use common::testing::{assert_readme_routes_served, assert_things_to_try_are};
use std::process::Command;
use support::*;

const STEPS: [&str; 9] = [
    "Meet 401, 403 and 200.",
    "Grant from the command line.",
    "Copy the cookie, then log out.",
    "Log out everywhere.",
    "Let the session idle.",
    "Look in the database.",
    "Log in with Google, with the same e-mail.",
    "Link, then log in with the other.",
    "Mix up the callbacks.",
];

/// Alan's Google account at the mock (Ada's is `GOOGLE_ADA`).
const GOOGLE_ALAN: &str = "117390284017345821903";

#[test]
fn every_step_has_a_test() {
    assert_things_to_try_are(include_str!("../README.md"), &STEPS);
}

#[tokio::test]
async fn every_route_the_readme_names_is_served() {
    let mock = mock().await;
    let (_, db) = database(Backend::Sqlite).await;
    let mut app = common::App::for_mock(&mock, REDIRECT);
    // The README names the labs' page too: serve it, as `LAB=…` does.
    app.lab = common::lab::LabSwitches::running(&permissions::lab::LESSONS[0]);
    let routes = stage(&google_state_of(app, &mock, db).await);
    assert_readme_routes_served(
        "permissions/README.md",
        include_str!("../README.md"),
        &routes,
        &mock,
    )
    .await;
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
    // The grant revoked at the mock, as the README says the inspector shows.
    assert_eq!(mock.requests_to("/api/oauth2/token/revoke").len(), 1);
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

/// 7. Discord's Ada, then Google's Ada: two users, the second with no
/// permissions.
#[tokio::test]
async fn step_7_log_in_with_google_same_e_mail() {
    let mock = mock().await;
    let (_, db) = database(Backend::Sqlite).await;
    let state = state_with_google(&mock, db).await;
    let mut browser = logged_in_browser(stage(&state), &ADA).await;
    let discord_ada = body_json(&browser.get("/users/me").await);
    browser.request("POST", "/logout", SAME_ORIGIN).await;
    let mut browser = browser.logging_in_at(LOGIN_GOOGLE);
    assert_eq!(browser.login(GOOGLE_ADA).await.status(), 303);
    let google_ada = body_json(&browser.get("/users/me").await);
    assert_ne!(google_ada["id"], discord_ada["id"]);
    assert_eq!(google_ada["permissions"], serde_json::json!([]));
    // The same address as Ada's Discord account (this stage asks Discord
    // for `identify` only, so it never sees that one).
    let discord_email = mock_discord::MockConfig::default()
        .user_named("ada.lovelace")
        .and_then(|u| u.email.clone());
    assert_eq!(
        google_ada["identities"][0]["profile"]["email"].as_str(),
        discord_email.as_deref()
    );
}

/// 8. Nelly links Alan's Google account from the home page's button; a
/// Google login as Alan is then Nelly.
#[tokio::test]
async fn step_8_link_then_log_in_with_the_other() {
    let mock = mock().await;
    let (_, db) = database(Backend::Sqlite).await;
    let state = state_with_google(&mock, db).await;
    let mut nelly = logged_in_browser(stage(&state), &NELLY).await;
    let home = String::from_utf8_lossy(nelly.get("/").await.body()).to_string();
    assert!(home.contains("Link your Google account"), "{home}");
    let nelly_id = body_json(&nelly.get("/users/me").await)["id"].clone();
    let start = nelly.request("POST", "/link/google", SAME_ORIGIN).await;
    let callback = mock_discord::submit_consent(
        &common::testing::location(&start),
        GOOGLE_ALAN,
        mock_discord::Consent::Authorize,
    )
    .await
    .unwrap();
    let linked = nelly.get(&common::testing::path_and_query(&callback)).await;
    assert_eq!(linked.status(), 303);
    nelly.request("POST", "/logout", SAME_ORIGIN).await;
    let mut browser = nelly.logging_in_at(LOGIN_GOOGLE);
    assert_eq!(browser.login(GOOGLE_ALAN).await.status(), 303);
    assert_eq!(body_json(&browser.get("/users/me").await)["id"], nelly_id);
}

/// 9. The Discord callback, moved to Google's path: 400, and the mock saw
/// no token request.
#[tokio::test]
async fn step_9_mix_up_the_callbacks() {
    let mock = mock().await;
    let (_, db) = database(Backend::Sqlite).await;
    let state = state_with_google(&mock, db).await;
    let mut browser = support::browser(stage(&state));
    let callback = browser
        .login_until_callback(&NELLY, mock_discord::Consent::Authorize)
        .await;
    assert!(callback.starts_with("/auth/discord?"), "{callback}");
    let moved = callback.replacen("/auth/discord", "/auth/google", 1);
    assert_eq!(browser.get(&moved).await.status(), 400);
    assert!(mock.requests_to("/api/oauth2/token").is_empty());
    assert!(mock.requests_to("/google/token").is_empty());
}
