//! README.md's "Things to try", each done exactly as the README says, with
//! the outcome it promises. `every_step_has_a_test` compares the README's
//! list with this file's.

mod support;

use common::testing::{assert_readme_routes_served, assert_things_to_try_are};
use support::*;

/// The steps' titles, in the README's order.
const STEPS: [&str; 4] = [
    "Tamper with the cookie.",
    "Expire the token.",
    "Log out",
    "Revoke behind its back.",
];

#[test]
fn every_step_has_a_test() {
    assert_things_to_try_are(include_str!("../README.md"), &STEPS);
}

#[tokio::test]
async fn every_route_the_readme_names_is_served() {
    let mock = mock().await;
    let mut app = common::App::for_mock(&mock, REDIRECT);
    // The README names the labs' page too: serve it, as `LAB=…` does.
    app.lab = common::lab::LabSwitches::running(&sessions::lab::LESSONS[0]);
    let routes = sessions::routes(app);
    assert_readme_routes_served(
        "sessions/README.md",
        include_str!("../README.md"),
        &routes,
        &mock,
    )
    .await;
}

/// 1. One character of the session cookie changed: 401.
#[tokio::test]
async fn step_1_tamper_with_the_cookie() {
    let mock = mock().await;
    let mut browser = logged_in_browser(stage(&mock), &NELLY).await;
    let sealed = browser.cookie("session").unwrap().to_string();
    let mut tampered = sealed.into_bytes();
    let middle = tampered.len() / 2;
    tampered[middle] = if tampered[middle] == b'A' { b'B' } else { b'A' };
    let tampered = String::from_utf8(tampered).unwrap();
    browser.set_cookie("session", Some(&tampered));
    let response = browser.get("/privileged").await;
    assert_eq!(response.status(), 401);
    assert_eq!(body_json(&response)["detail"], "Not logged in");
}

/// 2. The README's curl command, twice with a load of `/users/me` in
/// between, moves the clock a week; the second `/users/me` refreshes and
/// reissues the cookie. Without the load in between, the session is idle.
#[tokio::test]
async fn step_2_expire_the_token() {
    let mock = mock().await;
    let mut browser = logged_in_browser(stage(&mock), &NELLY).await;
    let half_a_week_less = || async {
        let moved = reqwest::Client::new()
            .post(format!("{}/__mock/clock", mock.base_url()))
            .header("content-type", "application/json")
            .body(r#"{"seconds": 302385}"#)
            .send()
            .await
            .unwrap();
        assert!(moved.status().is_success(), "{}", moved.status());
    };
    half_a_week_less().await;
    assert_eq!(browser.get("/users/me").await.status(), 200);
    let before = browser.cookie("session").unwrap().to_string();
    half_a_week_less().await;
    let response = browser.get("/users/me").await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        refreshes(&mock),
        1,
        "the inspector shows one refresh_token request"
    );
    assert!(set_cookie(&response, "session").is_some());
    assert_ne!(browser.cookie("session").unwrap(), before);
}

/// 2, skipping the load in between: the session sat unused for over half
/// a week, so `/users/me` is a 401, without trying a refresh.
#[tokio::test]
async fn step_2_without_the_load_in_between() {
    let mock = mock().await;
    let mut browser = logged_in_browser(stage(&mock), &NELLY).await;
    mock.advance_clock(std::time::Duration::from_secs(2 * 302_385));
    assert_eq!(browser.get("/users/me").await.status(), 401);
    assert_eq!(refreshes(&mock), 0);
}

/// 3. Log out: the mock sees the revocation; `/privileged` is then 401.
#[tokio::test]
async fn step_3_log_out() {
    let mock = mock().await;
    let mut browser = logged_in_browser(stage(&mock), &NELLY).await;
    let logout = browser
        .request("POST", "/logout", &[("sec-fetch-site", "same-origin")])
        .await;
    assert_eq!(logout.status(), 303);
    assert_eq!(mock.requests_to("/api/oauth2/token/revoke").len(), 1);
    assert_eq!(browser.get("/privileged").await.status(), 401);
}

/// 4. The README's reset: `/users/me` answers 401 and deletes the cookie.
#[tokio::test]
async fn step_4_revoke_behind_its_back() {
    let mock = mock().await;
    let mut browser = logged_in_browser(stage(&mock), &NELLY).await;
    let reset = reqwest::Client::new()
        .post(format!("{}/__mock/reset", mock.base_url()))
        .json(&serde_json::json!({}))
        .send()
        .await
        .unwrap();
    assert!(reset.status().is_success(), "{}", reset.status());
    let response = browser.get("/users/me").await;
    assert_eq!(response.status(), 401);
    let deleted = set_cookie(&response, "session").expect("the cookie is deleted");
    assert!(deleted.contains("Max-Age=0"), "{deleted}");
    assert!(browser.cookie("session").is_none());
}
