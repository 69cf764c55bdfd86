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

/// The texts of the inspector's steps, once there are at least `count`.
async fn steps_drawn(inspector: &fantoccini::Client, count: usize) -> Vec<String> {
    let mut texts = Vec::new();
    for _ in 0..200 {
        texts.clear();
        for step in inspector.find_all(Locator::Css(".step")).await.unwrap() {
            texts.push(step.text().await.unwrap());
        }
        if texts.len() >= count {
            return texts;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!(
        "the inspector drew {} steps, not {count}: {texts:?}",
        texts.len()
    );
}

/// Saves a screenshot when `SCREENSHOT_DIR` is set (to look at the pages
/// by eye; the test's assertions do not depend on it).
async fn screenshot(client: &fantoccini::Client, name: &str) {
    if let Ok(dir) = std::env::var("SCREENSHOT_DIR") {
        let png = client.screenshot().await.unwrap();
        std::fs::write(std::path::Path::new(&dir).join(name), png).unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_inspector_draws_a_login_as_it_happens() {
    let driver = Driver::start().await;
    let (mock, base) = serve(sessions::routes).await;

    // The room watches the inspector on the projector...
    let inspector = driver.browser().await;
    inspector.set_window_size(1600, 1000).await.unwrap();
    inspector
        .goto(&format!("{}/__mock", mock.base_url()))
        .await
        .unwrap();
    for _ in 0..100 {
        let status = inspector
            .find(Locator::Id("connection"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        if status.starts_with("Live") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }

    // ...while someone logs in, in another browser.
    let person = driver.browser().await;
    person.goto(&format!("{base}/")).await.unwrap();
    click(&person, Locator::Id("login")).await;
    person
        .wait()
        .for_element(Locator::Id("authorize"))
        .await
        .unwrap();

    // Halfway: the consent page is open, and the diagram already shows it,
    // with no reload of the inspector.
    let halfway = steps_drawn(&inspector, 2).await;
    assert_eq!(
        halfway,
        [
            "✓ 303 to the provider; transaction sealed",
            "✓ GET /oauth2/authorize"
        ]
    );
    screenshot(&inspector, "inspector-mid-login.png").await;

    consent_as(&person, &ADA).await;
    wait_for_path(&person, "/users/me").await;
    let whole = steps_drawn(&inspector, 9).await;
    assert_eq!(
        whole[2..9],
        [
            "✓ POST /oauth2/authorize",
            "✓ GET /auth: state matches",
            "✓ iss checked",
            "✓ code and verifier sent",
            "✓ POST /api/oauth2/token",
            "✓ GET /api/v10/users/@me",
            "✓ session opened",
        ]
    );

    // Clicking the token request shows the PKCE check itself.
    let token_step = inspector
        .find(Locator::XPath(
            "//button[contains(., 'POST /api/oauth2/token')]",
        ))
        .await
        .unwrap();
    token_step.click().await.unwrap();
    let detail = inspector
        .find(Locator::Id("detail"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(detail.contains("RFC 7636 §4.6"), "{detail}");
    assert!(
        detail.contains("BASE64URL(SHA256(code_verifier))"),
        "{detail}"
    );
    assert!(detail.contains("Equal"), "{detail}");
    // The client's credentials, cut like every secret.
    assert!(detail.contains("Authorization: Basic bW9j…"), "{detail}");
    let credentials = "bW9jay1jbGllbnQtaWQ6bW9jay1jbGllbnQtc2VjcmV0";
    assert!(!detail.contains(credentials), "{detail}");
    screenshot(&inspector, "inspector-pkce-check.png").await;

    // What a client sends is drawn as text, never as markup.
    let hostile = format!("{}/%3Cb%20id%3Dinjected%3Ehi%3C%2Fb%3E", mock.base_url());
    reqwest::get(&hostile).await.unwrap();
    let mut drawn = whole;
    while !drawn.iter().any(|step| step.contains("injected")) {
        drawn = steps_drawn(&inspector, drawn.len() + 1).await;
    }
    assert!(drawn.contains(&"✗ GET /<b id=injected>hi</b>".to_string()));
    assert!(inspector.find(Locator::Id("injected")).await.is_err());

    inspector.close().await.unwrap();
    person.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lab_plays_login_csrf_in_a_real_browser() {
    use common::lab::LabSwitches;
    let driver = Driver::start().await;
    let (_mock, base) = serve(|mut app| {
        app.lab = LabSwitches::running(&basic::lab::NO_STATE);
        sessions::routes(app)
    })
    .await;
    let victim = driver.browser().await;
    victim.set_window_size(1400, 1000).await.unwrap();
    victim.goto(&format!("{base}/__lab")).await.unwrap();
    assert!(
        body_text(&victim).await.contains("LAB no-state"),
        "the banner"
    );
    screenshot(&victim, "lab-no-state.png").await;

    // The button plays the attacker (a form POST from our own page: the
    // cross-site check lets it through).
    click(&victim, Locator::Id("attacker-login")).await;
    let prepared = victim
        .wait()
        .for_element(Locator::Id("outcome"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        prepared.contains("callback for their own account"),
        "{prepared}"
    );
    screenshot(&victim, "lab-no-state-planted.png").await;

    // The victim follows the attacker's link, and is logged in as them.
    click(&victim, Locator::Id("planted-link")).await;
    wait_for_path(&victim, "/users/me").await;
    let me: Value = serde_json::from_str(&body_text(&victim).await).expect("the user JSON");
    assert_eq!(me["username"], "nelly");
    victim.close().await.unwrap();
}
