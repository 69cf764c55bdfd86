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
