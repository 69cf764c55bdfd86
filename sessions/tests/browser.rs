//! End to end in a real headless Chromium, driven through WebDriver
//! (`common::testing::chromium`): stages 1 and 2 in a browser, not only in
//! `warp::test`. A missing browser fails this test; it is never skipped.

mod support;

use common::testing::chromium::{body_text, click, consent_as, serve, wait_for_path, Driver};
use fantoccini::Locator;
use serde_json::{json, Value};
use support::ADA;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_real_browser_logs_in_with_both_stages() {
    let driver = Driver::start().await;

    // Stage 1: the link, the consent page, the token JSON.
    let (_mock, base) = serve(basic::routes).await;
    let client = driver.browser().await;
    client.goto(&format!("{base}/")).await.unwrap();
    click(&client, Locator::LinkText("Log in with Discord")).await;
    consent_as(&client, &ADA).await;
    wait_for_path(&client, "/auth").await;
    let tokens: Value = serde_json::from_str(&body_text(&client).await).expect("the token JSON");
    assert_eq!(tokens["token_type"], "Bearer");
    assert_eq!(tokens["scope"], "identify");
    assert!(tokens["access_token"]
        .as_str()
        .is_some_and(|t| !t.is_empty()));
    client.close().await.unwrap();

    // Stage 2: log in, /users/me, /privileged, log out, /privileged 401.
    let (mock, base) = serve(sessions::routes).await;
    let client = driver.browser().await;
    client.goto(&format!("{base}/")).await.unwrap();
    click(&client, Locator::Id("login")).await;
    consent_as(&client, &ADA).await;
    wait_for_path(&client, "/users/me").await;
    let me: Value = serde_json::from_str(&body_text(&client).await).expect("the user JSON");
    assert_eq!(me["id"], ADA.as_str());
    assert_eq!(me["global_name"], "Ada Lovelace");

    client.goto(&format!("{base}/privileged")).await.unwrap();
    assert_eq!(
        body_text(&client).await,
        "\"Congratulations, you are logged in using Discord!\""
    );

    client.goto(&format!("{base}/")).await.unwrap();
    assert_eq!(
        client
            .find(Locator::Id("user-name"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
        "Ada Lovelace"
    );
    click(&client, Locator::Id("logout")).await;
    client
        .wait()
        .for_element(Locator::Id("login"))
        .await
        .expect("back home, logged out");
    assert_eq!(
        mock.requests_to("/token/revoke").len(),
        1,
        "the browser's logout revoked the token"
    );

    client.goto(&format!("{base}/privileged")).await.unwrap();
    let refused: Value = serde_json::from_str(&body_text(&client).await).unwrap();
    assert_eq!(refused, json!({"detail": "Not logged in"}));
    client.close().await.unwrap();
}
