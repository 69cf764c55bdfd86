//! End to end in a real headless Chromium, driven through WebDriver: the
//! cookie attributes, the redirects and the consent page's form have to
//! work in a browser, not only in `warp::test`.
//!
//! Needs Debian's `chromium` and `chromium-driver` (the test command in
//! README.md installs them). `CHROMIUM` and `CHROMEDRIVER` override their
//! paths. A missing browser fails this test; it is never skipped.

mod support;

use common::testing::{free_port, wait_until_listening};
use common::App;
use fantoccini::{Client, ClientBuilder, Locator};
use mock_discord::{MockDiscord, MockHandle};
use serde_json::{json, Value};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::time::Duration;
use support::ADA;

/// chromedriver, stopped when dropped.
struct Driver {
    child: Child,
    url: String,
    _profile: TempDir,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A fresh, empty browser profile, removed when dropped.
struct TempDir(std::path::PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

async fn start_driver() -> Driver {
    let chromedriver =
        std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".into());
    let port = free_port();
    let child = Command::new(&chromedriver)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| {
            panic!(
                "cannot start {chromedriver}: {e}. Install Debian's chromium and chromium-driver \
                 (./test.sh does), or set CHROMEDRIVER."
            )
        });
    let profile = std::env::temp_dir().join(format!("oauth2-workshop-chromium-{port}"));
    std::fs::create_dir_all(&profile).unwrap();
    let driver = Driver {
        child,
        url: format!("http://127.0.0.1:{port}"),
        _profile: TempDir(profile),
    };
    wait_until_listening(port).await;
    driver
}

async fn browser(driver: &Driver) -> Client {
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    let mut capabilities = serde_json::Map::new();
    capabilities.insert(
        "goog:chromeOptions".into(),
        json!({
            "binary": chromium,
            "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync",
                format!("--user-data-dir={}", driver._profile.0.display()),
            ],
        }),
    );
    let connector = hyper_util::client::legacy::connect::HttpConnector::new();
    ClientBuilder::new(connector)
        .capabilities(capabilities)
        .connect(&driver.url)
        .await
        .expect("a Chromium session")
}

/// Serves `routes` on a free port; the mock gets its callback registered.
async fn serve<F>(make_routes: impl FnOnce(App) -> F) -> (MockHandle, String)
where
    F: warp::Filter + Clone + Send + Sync + 'static,
    F::Extract: warp::Reply,
{
    let listener = tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0)))
        .await
        .unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let mock = MockDiscord::builder()
        .redirect_uri(format!("{base}/auth"))
        .spawn()
        .await
        .unwrap();
    let routes = make_routes(App::for_mock(&mock, &format!("{base}/auth")));
    tokio::spawn(warp::serve(routes).incoming(listener).run());
    (mock, base)
}

async fn click(client: &Client, locator: Locator<'_>) {
    client.find(locator).await.unwrap().click().await.unwrap();
}

async fn body_text(client: &Client) -> String {
    client
        .find(Locator::Css("body"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

/// On the mock's consent page: choose Ada, click Authorize.
async fn consent_as_ada(client: &Client) {
    client
        .wait()
        .for_element(Locator::Id("authorize"))
        .await
        .expect("the consent page");
    click(client, Locator::Id(&format!("user-{}", *ADA))).await;
    click(client, Locator::Id("authorize")).await;
}

async fn wait_for_path(client: &Client, path: &str) {
    for _ in 0..100 {
        if client.current_url().await.unwrap().path() == path {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!(
        "never reached {path}; at {}",
        client.current_url().await.unwrap()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_real_browser_logs_in_with_both_stages() {
    let driver = start_driver().await;

    // Stage 1: the link, the consent page, the token JSON.
    let (_mock, base) = serve(basic::routes).await;
    let client = browser(&driver).await;
    client.goto(&format!("{base}/")).await.unwrap();
    click(&client, Locator::LinkText("Log in with Discord")).await;
    consent_as_ada(&client).await;
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
    let client = browser(&driver).await;
    client.goto(&format!("{base}/")).await.unwrap();
    click(&client, Locator::Id("login")).await;
    consent_as_ada(&client).await;
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
