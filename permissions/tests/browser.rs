//! Stage 3 in a real headless Chromium: an admin grants a permission on the
//! admin page, the user sees it at once, and after logout a copy of the
//! session cookie is refused. A missing browser fails this test; it is
//! never skipped.

mod support;

use common::testing::chromium::{body_text, click, consent_as, serve_at, wait_for_path, Driver};
use fantoccini::{Client, Locator};
use permissions::app::PermissionsApp;
use permissions::settings::Settings;
use serde_json::Value;
use support::*;

async fn log_in(client: &Client, base: &str, user: &str) {
    client.goto(&format!("{base}/")).await.unwrap();
    click(client, Locator::Id("login")).await;
    // The login page: one button per provider.
    click(client, Locator::Id("login-discord")).await;
    consent_as(client, user).await;
    wait_for_path(client, "/users/me").await;
}

async fn json_at(client: &Client, url: &str) -> Value {
    client.goto(url).await.unwrap();
    serde_json::from_str(&body_text(client).await).expect("a JSON page")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_grants_admin_in_the_browser() {
    let driver = Driver::start().await;
    let (_, db) = database(Backend::Sqlite).await;
    let (_mock, base) = serve_at("/auth/discord", |app| {
        permissions::routes(PermissionsApp::new(
            app,
            db,
            &Settings::default(),
            true,
            None,
        ))
    })
    .await;

    // Grace logs in once: she exists, and may not see /admin.
    let grace = driver.browser().await;
    log_in(&grace, &base, &GRACE).await;
    let grace_id = json_at(&grace, &format!("{base}/users/me")).await["id"]
        .as_i64()
        .unwrap();
    let refused = json_at(&grace, &format!("{base}/admin")).await;
    assert_eq!(refused["detail"], "Insufficient permissions");
    grace.close().await.unwrap();

    // Ada opens the admin page and grants Grace `admin`.
    let ada = driver.browser().await;
    log_in(&ada, &base, &ADA).await;
    ada.goto(&format!("{base}/admin/users")).await.unwrap();
    click(&ada, Locator::Id(&format!("grant-admin-{grace_id}"))).await;
    ada.wait()
        .for_element(Locator::Id(&format!("revoke-admin-{grace_id}")))
        .await
        .expect("the page shows the grant");
    ada.close().await.unwrap();

    // Grace, in a fresh browser, is an admin now.
    let grace = driver.browser().await;
    log_in(&grace, &base, &GRACE).await;
    let allowed = json_at(&grace, &format!("{base}/admin")).await;
    assert_eq!(allowed, "You are an admin!");

    // She logs out; a copy of her session cookie is worth nothing.
    let copied = grace
        .get_named_cookie("session")
        .await
        .expect("a session cookie")
        .value()
        .to_string();
    grace.goto(&format!("{base}/")).await.unwrap();
    click(&grace, Locator::Id("logout")).await;
    grace
        .wait()
        .for_element(Locator::Id("login"))
        .await
        .expect("back home, logged out");
    let replayed = reqwest::Client::new()
        .get(format!("{base}/admin"))
        .header("cookie", format!("session={copied}"))
        .send()
        .await
        .unwrap();
    assert_eq!(replayed.status(), 401);
    grace.close().await.unwrap();
}

/// Two providers in a real browser: Nelly logs in with Discord, links
/// Alan's Google account from the home page, logs out, logs in with
/// Google, and is Nelly.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_linked_google_account_logs_in_as_the_same_user() {
    const GOOGLE_ALAN: &str = "117390284017345821903";
    let driver = Driver::start().await;
    let (_, db) = database(Backend::Sqlite).await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let mock = mock_discord::MockDiscord::builder()
        .redirect_uri(format!("{base}/auth/discord"))
        .google_redirect_uri(format!("{base}/auth/google"))
        .spawn()
        .await
        .unwrap();
    let app = common::App::for_mock(&mock, &format!("{base}/auth/discord"));
    let client = mock.google_client().unwrap();
    let google = permissions::google::Google::discover(
        &mock.google_issuer(),
        client.client_id,
        secrecy::SecretString::from(client.client_secret),
        &format!("{base}/auth/google"),
        app.upstream.clone(),
    )
    .await
    .unwrap();
    let routes = permissions::routes(PermissionsApp::new(
        app,
        db,
        &Settings::default(),
        true,
        Some(google),
    ));
    tokio::spawn(warp::serve(routes).incoming(listener).run());

    let browser = driver.browser().await;
    log_in(&browser, &base, &NELLY).await;
    let nelly_id = json_at(&browser, &format!("{base}/users/me")).await["id"].clone();
    browser.goto(&format!("{base}/")).await.unwrap();
    click(&browser, Locator::Id("link-google")).await;
    consent_as(&browser, GOOGLE_ALAN).await;
    wait_for_path(&browser, "/").await;
    browser
        .wait()
        .for_element(Locator::Id("unlink-google"))
        .await
        .expect("the home page lists the linked Google account");
    click(&browser, Locator::Id("logout")).await;
    browser
        .wait()
        .for_element(Locator::Id("login"))
        .await
        .expect("logged out");

    click(&browser, Locator::Id("login")).await;
    click(&browser, Locator::Id("login-google")).await;
    consent_as(&browser, GOOGLE_ALAN).await;
    wait_for_path(&browser, "/users/me").await;
    let me = json_at(&browser, &format!("{base}/users/me")).await;
    assert_eq!(me["id"], nelly_id, "{me}");
    assert_eq!(me["identities"].as_array().unwrap().len(), 2, "{me}");
    browser.close().await.unwrap();
}
