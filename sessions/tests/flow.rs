//! One whole visit, as a transcript: login, consent, callback, /users/me,
//! /privileged, logout, and /privileged again.

mod support;

use common::testing::{location, path_and_query, query_param, Browser, Redactor};
use mock_discord::{submit_consent, Decision};
use std::fmt::Write;
use support::*;

fn show(t: &mut String, step: &str, response: &http::Response<bytes::Bytes>) {
    writeln!(t, "{step} -> {}", response.status()).unwrap();
    for name in ["location", "set-cookie"] {
        for value in response.headers().get_all(name) {
            writeln!(t, "    {name}: {}", value.to_str().unwrap()).unwrap();
        }
    }
    if !response.body().is_empty()
        && !response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    {
        writeln!(t, "    body: {}", String::from_utf8_lossy(response.body())).unwrap();
    }
}

#[tokio::test]
async fn transcript_of_login_use_and_logout() {
    let mock = mock().await;
    let mut browser = Browser::new(stage(&mock));
    let mut redact = Redactor::default();
    redact.hide(&mock.addr().port().to_string(), "mock-port");
    let mut t = String::new();

    let login = browser.get("/login").await;
    let authorize_url = location(&login);
    redact.hide_login(&authorize_url, browser.cookie("oauth_transaction").unwrap());
    show(&mut t, "1. GET /login", &login);

    let callback = submit_consent(&authorize_url, NELLY, Decision::Authorize)
        .await
        .unwrap();
    redact.hide(&query_param(&callback, "code").unwrap(), "code");
    writeln!(
        t,
        "2. consent page: Nelly clicks Authorize -> 302 {callback}"
    )
    .unwrap();

    let auth = browser.get(&path_and_query(&callback)).await;
    redact.hide(browser.cookie("session").unwrap(), "sealed session");
    show(&mut t, "3. GET /auth?code&state&iss", &auth);

    show(&mut t, "4. GET /users/me", &browser.get("/users/me").await);
    show(
        &mut t,
        "5. GET /privileged",
        &browser.get("/privileged").await,
    );
    let home = browser.get("/").await;
    assert!(String::from_utf8_lossy(home.body())
        .contains("Logged in as <strong id=\"user-name\">Nelly</strong>"));
    writeln!(
        t,
        "6. GET / -> {} (\"Logged in as Nelly\", a Log out button)",
        home.status()
    )
    .unwrap();
    let logout = browser
        .request("POST", "/logout", &[("sec-fetch-site", "same-origin")])
        .await;
    show(
        &mut t,
        "7. POST /logout (Sec-Fetch-Site: same-origin)",
        &logout,
    );
    show(
        &mut t,
        "8. GET /privileged",
        &browser.get("/privileged").await,
    );

    writeln!(t, "meanwhile, the provider saw:").unwrap();
    for exchange in mock.requests() {
        writeln!(
            t,
            "    {} {} -> {}",
            exchange.method, exchange.path, exchange.status
        )
        .unwrap();
        if let Some(hint) = exchange.param("token_type_hint") {
            writeln!(t, "      token_type_hint = {hint}").unwrap();
        }
    }
    let text = redact.apply(&t);
    insta::assert_snapshot!("visit", text);
}
