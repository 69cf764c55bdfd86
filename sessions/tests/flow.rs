//! One whole visit, as a transcript: login, consent, callback, /users/me,
//! /privileged, logout, and /privileged again.

mod support;

use common::testing::{location, path_and_query, query_param, Body, Browser, Transcript};
use mock_discord::{submit_consent, Consent};
use support::*;

const SHOWN: &[&str] = &["location", "set-cookie"];

#[tokio::test]
async fn transcript_of_login_use_and_logout() {
    let mock = mock().await;
    let mut browser = Browser::new(stage(&mock));
    let mut t = Transcript::new(&mock);

    let login = browser.get("/login").await;
    let authorize_url = location(&login);
    t.redact
        .hide_login(&authorize_url, browser.cookie("oauth_transaction").unwrap());
    t.response("1. GET /login", &login, SHOWN, Body::Raw);

    let callback = submit_consent(&authorize_url, &NELLY, Consent::Authorize)
        .await
        .unwrap();
    t.redact
        .hide(&query_param(&callback, "code").unwrap(), "code");
    t.line(format!(
        "2. consent page: Nelly clicks Authorize -> 302 {callback}"
    ));

    let auth = browser.get(&path_and_query(&callback)).await;
    t.redact
        .hide(browser.cookie("session").unwrap(), "sealed session");
    t.response("3. GET /auth?code&state&iss", &auth, SHOWN, Body::Raw);

    let me = browser.get("/users/me").await;
    t.response("4. GET /users/me", &me, SHOWN, Body::Raw);
    let privileged = browser.get("/privileged").await;
    t.response("5. GET /privileged", &privileged, SHOWN, Body::Raw);
    let home = browser.get("/").await;
    assert!(String::from_utf8_lossy(home.body())
        .contains("Logged in as <strong id=\"user-name\">Nelly</strong>"));
    t.line(format!(
        "6. GET / -> {} (\"Logged in as Nelly\", a Log out button)",
        home.status()
    ));
    let logout = browser
        .request("POST", "/logout", &[("sec-fetch-site", "same-origin")])
        .await;
    t.response(
        "7. POST /logout (Sec-Fetch-Site: same-origin)",
        &logout,
        SHOWN,
        Body::Raw,
    );
    let after = browser.get("/privileged").await;
    t.response("8. GET /privileged", &after, SHOWN, Body::Raw);

    t.provider_saw_revocations(&mock);
    insta::assert_snapshot!("visit", t.text());
}

#[tokio::test]
async fn the_inspector_hears_the_session_opened_refreshed_and_ended() {
    let mock = mock().await;
    let mut browser = logged_in_browser(stage(&mock), &NELLY).await;
    keep_using_for(&mock, &mut browser, UNTIL_THE_TOKEN_EXPIRES).await;
    assert_eq!(browser.get("/users/me").await.status(), 200);
    assert_eq!(browser.request("POST", "/logout", &[]).await.status(), 303);
    let labels: Vec<String> = mock.steps().into_iter().map(|s| s.label).collect();
    let at = |label: &str| {
        labels
            .iter()
            .position(|l| l == label)
            .unwrap_or_else(|| panic!("no {label:?} in {labels:?}"))
    };
    assert!(at("session opened") < at("session refreshed"));
    assert!(at("session refreshed") < at("session ended"));
    assert!(at("POST /api/oauth2/token/revoke") < at("session ended"));
}
