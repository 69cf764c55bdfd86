//! A real headless Chromium, driven through WebDriver (feature `chromium`):
//! the cookie attributes, the redirects and the consent page's form have
//! to work in a browser, not only in `warp::test`.
//!
//! Needs Debian's `chromium` and `chromium-driver` (the test command in
//! README.md installs them); `CHROMIUM` and `CHROMEDRIVER` override their
//! paths. A missing browser fails the test that asks for it; it is never
//! skipped.

use crate::testing::{free_port, wait_until_listening};
use crate::App;
use fantoccini::{Client, ClientBuilder, Locator};
use mock_discord::{MockDiscord, MockHandle};
use serde_json::json;
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// chromedriver, stopped when dropped, with an empty browser profile.
pub struct Driver {
    child: Child,
    url: String,
    profile: std::path::PathBuf,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

impl Driver {
    pub async fn start() -> Driver {
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
                    "cannot start {chromedriver}: {e}. Install Debian's chromium and \
                     chromium-driver (./test.sh does), or set CHROMEDRIVER."
                )
            });
        let profile = std::env::temp_dir().join(format!("oauth2-workshop-chromium-{port}"));
        std::fs::create_dir_all(&profile).expect("a profile directory");
        let driver = Driver {
            child,
            url: format!("http://127.0.0.1:{port}"),
            profile,
        };
        wait_until_listening(port).await;
        driver
    }

    /// A new browser window with no cookies: each is its own person.
    pub async fn browser(&self) -> Client {
        let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
        // Each session its own profile directory, so cookies are not shared.
        let profile = self.profile.join(format!("{}", free_port()));
        let mut capabilities = serde_json::Map::new();
        capabilities.insert(
            "goog:chromeOptions".into(),
            json!({
                "binary": chromium,
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync",
                    format!("--user-data-dir={}", profile.display()),
                ],
            }),
        );
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        ClientBuilder::new(connector)
            .capabilities(capabilities)
            .connect(&self.url)
            .await
            .expect("a Chromium session")
    }
}

/// Serves a stage on a free port, against a new mock with the stage's
/// callback registered. `make_routes` gets the stage's [`App`].
pub async fn serve<F>(make_routes: impl FnOnce(App) -> F) -> (MockHandle, String)
where
    F: warp::Filter + Clone + Send + Sync + 'static,
    F::Extract: warp::Reply,
{
    serve_at("/auth", make_routes).await
}

/// [`serve`], for a stage whose Discord callback is `callback_path`
/// (stage 3: `/auth/discord`).
pub async fn serve_at<F>(
    callback_path: &str,
    make_routes: impl FnOnce(App) -> F,
) -> (MockHandle, String)
where
    F: warp::Filter + Clone + Send + Sync + 'static,
    F::Extract: warp::Reply,
{
    let listener = tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0)))
        .await
        .expect("a port");
    let base = format!("http://{}", listener.local_addr().expect("an address"));
    let mock = MockDiscord::builder()
        .redirect_uri(format!("{base}{callback_path}"))
        .spawn()
        .await
        .expect("the mock starts");
    let routes = make_routes(App::for_mock(&mock, &format!("{base}{callback_path}")));
    tokio::spawn(warp::serve(routes).incoming(listener).run());
    (mock, base)
}

pub async fn click(client: &Client, locator: Locator<'_>) {
    client
        .find(locator)
        .await
        .expect("the element")
        .click()
        .await
        .expect("a click");
}

pub async fn body_text(client: &Client) -> String {
    client
        .find(Locator::Css("body"))
        .await
        .expect("a body")
        .text()
        .await
        .expect("its text")
}

/// On the mock's consent page: choose the user with this id, click
/// Authorize.
pub async fn consent_as(client: &Client, user_id: &str) {
    client
        .wait()
        .for_element(Locator::Id("authorize"))
        .await
        .expect("the consent page");
    click(client, Locator::Id(&format!("user-{user_id}"))).await;
    click(client, Locator::Id("authorize")).await;
}

pub async fn wait_for_path(client: &Client, path: &str) {
    for _ in 0..100 {
        if client.current_url().await.expect("a URL").path() == path {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!(
        "never reached {path}; at {}",
        client.current_url().await.expect("a URL")
    );
}
