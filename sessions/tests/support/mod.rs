//! Helpers shared by the sessions tests.
#![allow(dead_code)]

use bytes::Bytes;
#[allow(unused_imports)] // not every test file logs in
pub use common::testing::logged_in_browser;
use common::testing::StageRoutes;
use common::App;
use mock_discord::config::default_user_id;
use mock_discord::{MockDiscord, MockHandle};
use std::sync::LazyLock;

pub const REDIRECT: &str = "http://127.0.0.1:5000/auth";
/// The default users' ids, from the mock's `defaults.toml`.
pub static NELLY: LazyLock<String> = LazyLock::new(|| default_user_id("nelly"));
pub static ADA: LazyLock<String> = LazyLock::new(|| default_user_id("ada.lovelace"));

pub async fn mock() -> MockHandle {
    MockDiscord::builder().seed(3).spawn().await.unwrap()
}

/// The stage against `mock`, sharing its clock.
pub fn stage(mock: &MockHandle) -> impl StageRoutes {
    sessions::routes(App::for_mock(mock, REDIRECT))
}

pub fn body_json(response: &http::Response<Bytes>) -> serde_json::Value {
    serde_json::from_slice(response.body()).unwrap_or(serde_json::Value::Null)
}

/// The `Set-Cookie` header for `name` in a response, if any.
pub fn set_cookie(response: &http::Response<Bytes>, name: &str) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&format!("{name}=")))
        .map(str::to_string)
}

/// A week less 30 s: Discord's access token (a week) is then within the
/// stage's one-minute refresh margin, and the next use refreshes it.
pub const UNTIL_THE_TOKEN_EXPIRES: std::time::Duration =
    std::time::Duration::from_secs(7 * 24 * 3600 - 30);

/// Fails unless `response` deletes the session cookie.
pub fn assert_session_cookie_deleted(response: &http::Response<Bytes>) {
    let cookie = set_cookie(response, "session").expect("a Set-Cookie for the session");
    assert!(cookie.contains("Max-Age=0"), "{cookie}");
}

/// Moves the clock `total` forward as a user who comes back every day
/// would see it: a day at a time, loading `/privileged` after each but the
/// last. The session is then never idle for long
/// ([`sessions::session::SESSION_IDLE`]); a single jump of a week would
/// find it idle, and over.
pub async fn keep_using_for<F: StageRoutes>(
    mock: &MockHandle,
    browser: &mut common::testing::Browser<F>,
    total: std::time::Duration,
) {
    const DAY: std::time::Duration = std::time::Duration::from_secs(24 * 3600);
    let mut left = total;
    while left > DAY {
        mock.advance_clock(DAY);
        left -= DAY;
        let response = browser.get("/privileged").await;
        assert_eq!(response.status(), 200, "a session in daily use holds");
    }
    mock.advance_clock(left);
}

/// How many times the stage has refreshed at the mock.
pub fn refreshes(mock: &MockHandle) -> usize {
    mock.requests_to("/api/oauth2/token")
        .iter()
        .filter(|e| e.param("grant_type") == Some("refresh_token"))
        .count()
}
