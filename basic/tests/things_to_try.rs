//! README.md's "Things to try", each done exactly as the README says, with
//! the outcome it promises. If a step changes there, its test changes here:
//! `every_step_has_a_test` compares the two lists.

use base64::Engine;
use common::testing::{
    assert_readme_routes_served, assert_things_to_try_are, location, Browser, StageRoutes,
};
use common::App;
use mock_discord::config::default_user_id;
use mock_discord::{Consent, MockDiscord, MockHandle};
use serde_json::Value;

const REDIRECT: &str = "http://127.0.0.1:5000/auth";

/// The steps' titles, in the README's order.
const STEPS: [&str; 5] = [
    "Forge a callback.",
    "Deny consent.",
    "Replay the callback.",
    "Look at the cookie.",
    "Break Discord.",
];

async fn setup() -> (MockHandle, App, Browser<impl StageRoutes>) {
    let mock = MockDiscord::builder().spawn().await.unwrap();
    let app = App::for_mock(&mock, REDIRECT);
    let browser = Browser::new(basic::routes(app.clone()));
    (mock, app, browser)
}

fn detail(response: &http::Response<bytes::Bytes>) -> String {
    let body: Value = serde_json::from_slice(response.body()).expect("a JSON body");
    body["detail"].as_str().expect("a detail").to_string()
}

#[test]
fn every_step_has_a_test() {
    assert_things_to_try_are(include_str!("../README.md"), &STEPS);
}

#[tokio::test]
async fn every_route_the_readme_names_is_served() {
    let mock = MockDiscord::builder().spawn().await.unwrap();
    let mut app = App::for_mock(&mock, REDIRECT);
    // The README names the labs' page too: serve it, as `LAB=…` does.
    app.lab = common::lab::LabSwitches::running(&basic::lab::LESSONS[0]);
    let routes = basic::routes(app);
    assert_readme_routes_served(
        "basic/README.md",
        include_str!("../README.md"),
        &routes,
        &mock,
    )
    .await;
}

/// 1. Start a login, do not authorize, and load a forged callback.
#[tokio::test]
async fn step_1_forge_a_callback() {
    let (mock, _, mut browser) = setup().await;
    let login = browser.get("/login").await;
    assert_eq!(login.status(), 303);
    // The consent page appears (and is left alone).
    let consent = reqwest::get(location(&login)).await.unwrap();
    assert_eq!(consent.status(), 200);

    let forged = browser.get("/auth?code=anything&state=forged").await;
    assert_eq!(forged.status(), 400);
    assert!(
        detail(&forged).contains("The state parameter does not match this browser's login"),
        "{}",
        detail(&forged)
    );
    assert!(mock.requests_to("/api/oauth2/token").is_empty());
}

/// 2. Cancel on the consent page: 403, explained, no token request.
#[tokio::test]
async fn step_2_deny_consent() {
    let (mock, _, mut browser) = setup().await;
    let callback = browser
        .login_until_callback(&default_user_id("nelly"), Consent::Cancel)
        .await;
    assert!(callback.contains("error=access_denied"), "{callback}");
    let response = browser.get(&callback).await;
    assert_eq!(response.status(), 403);
    assert!(
        detail(&response).contains("declined"),
        "{}",
        detail(&response)
    );
    assert!(mock.requests_to("/api/oauth2/token").is_empty());
}

/// 3. Reload the token page: 400, and the code is not sent again.
#[tokio::test]
async fn step_3_replay_the_callback() {
    let (mock, _, mut browser) = setup().await;
    let callback = browser
        .login_until_callback(&default_user_id("nelly"), Consent::Authorize)
        .await;
    assert_eq!(browser.get(&callback).await.status(), 200);
    let reload = browser.get(&callback).await;
    assert_eq!(reload.status(), 400);
    assert!(detail(&reload).starts_with("No login in progress"));
    assert_eq!(mock.requests_to("/api/oauth2/token").len(), 1);
}

/// 4. The transaction cookie shows neither the state nor the verifier.
#[tokio::test]
async fn step_4_look_at_the_cookie() {
    let (_mock, app, mut browser) = setup().await;
    browser.get("/login").await;
    let sealed = browser.cookie("oauth_transaction").unwrap().to_string();
    // What the server reads out of it, with the key:
    let opened = basic::cookies::open(
        &app.keys,
        app.cookies,
        Some(&format!("oauth_transaction={sealed}")),
        basic::transaction::TRANSACTION_COOKIE,
    )
    .unwrap()
    .expect("the server can open its cookie");
    // One login in progress in this browser: a list of one.
    let logins: Value = serde_json::from_str(&opened).unwrap();
    let transaction = &logins[0];
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(sealed.as_bytes())
        .expect("a private cookie is base64");
    for field in ["state", "pkce_verifier"] {
        let secret = transaction[field].as_str().unwrap();
        assert!(!sealed.contains(secret), "{field} readable in the cookie");
        assert!(
            !String::from_utf8_lossy(&decoded).contains(secret),
            "{field} readable in the decoded cookie"
        );
    }
}

/// 5. The README's curl command, then a login: 503, explained; and 500
/// gives 502.
#[tokio::test]
async fn step_5_break_discord() {
    let (mock, _, mut browser) = setup().await;
    let injected = reqwest::Client::new()
        .post(format!("{}/__mock/faults", mock.base_url()))
        .header("content-type", "application/json")
        .body(r#"{"endpoint":"token","fault":{"kind":"status","status":503}}"#)
        .send()
        .await
        .unwrap();
    assert!(injected.status().is_success(), "{}", injected.status());
    let response = browser.login(&default_user_id("nelly")).await;
    assert_eq!(response.status(), 503);
    assert!(
        detail(&response).contains("Discord is unavailable for now"),
        "{}",
        detail(&response)
    );
    mock.inject_fault(mock_discord::FaultRule::status_once(
        mock_discord::Endpoint::Token,
        500,
    ));
    let response = browser.login(&default_user_id("nelly")).await;
    assert_eq!(response.status(), 502);
    assert!(
        detail(&response).contains("Discord gave no usable answer"),
        "{}",
        detail(&response)
    );
}
