//! Property tests' shared parts: a provider that answers whatever a case
//! says, generators of hostile input, and the rule every answer must keep.
//!
//! Each stage's `tests/properties.rs` feeds arbitrary callback queries,
//! cookie headers, token responses and profiles through its routes and
//! checks [`answer_problems`]: never a panic, never a 5xx other than
//! 502/503/504 (the provider's fault), and every error shaped
//! `{"detail": …}`. CI runs [`cases`] (10,000) per property;
//! `PROPTEST_CASES=1000000` runs a million.

pub use super::hostile_input::{callback_query, cookie_header, profile_answer, token_answer};
pub use super::scripted_provider::{valid_profile, valid_tokens, Scripted, ScriptedProvider};

use bytes::Bytes;
use http::{Response, StatusCode};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use std::time::Duration;

/// How many cases each property runs: `PROPTEST_CASES`, else 10,000.
pub fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000)
}

/// proptest's configuration for these properties: [`cases`], and no
/// failure-persistence files written into the source tree.
pub fn config() -> ProptestConfig {
    ProptestConfig {
        cases: cases(),
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// What is wrong with an answer, if anything.
pub fn answer_problems(response: &Response<Bytes>) -> Option<String> {
    let status = response.status();
    if status.is_server_error()
        && !matches!(
            status,
            StatusCode::BAD_GATEWAY | StatusCode::SERVICE_UNAVAILABLE | StatusCode::GATEWAY_TIMEOUT
        )
    {
        return Some(format!("status {status}: {:?}", response.body()));
    }
    if status.is_client_error() || status.is_server_error() {
        let detail = serde_json::from_slice::<serde_json::Value>(response.body())
            .ok()
            .and_then(|body| body.get("detail").map(serde_json::Value::is_string));
        if detail != Some(true) {
            return Some(format!(
                "{status} without {{\"detail\"}}: {:?}",
                response.body()
            ));
        }
    }
    None
}

/// [`answer_problems`], as a proptest verdict.
pub fn check(what: &str, response: &Response<Bytes>) -> Result<(), TestCaseError> {
    match answer_problems(response) {
        None => Ok(()),
        Some(problem) => Err(TestCaseError::fail(format!("{what}: {problem}"))),
    }
}

/// A path with its query as a client could send it: characters a URI may
/// not hold are percent-encoded (the URL parser does what a browser does).
pub fn request_target(path: &str, query: &str) -> String {
    let url = url::Url::parse(&format!("http://x{path}?{query}")).expect("a URL");
    match url.query() {
        Some(query) => format!("{}?{query}", url.path()),
        None => url.path().to_string(),
    }
}

/// A runtime, a scripted provider in it, and a stage's [`App`] against it
/// (short timeouts: a case never waits long).
pub fn world() -> (tokio::runtime::Runtime, ScriptedProvider, crate::App) {
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    let provider = runtime.block_on(ScriptedProvider::start());
    let app = crate::App::new(
        provider.provider(),
        "http://127.0.0.1:5000/auth",
        crate::CookieKeys::random().expect("randomness"),
        crate::CookiePolicy { secure: false },
        crate::Upstream::with_timeouts(Duration::from_secs(2), Duration::from_secs(2))
            .expect("an HTTP client"),
    )
    .expect("a valid redirect URI");
    (runtime, provider, app)
}

/// One case of the cookie property: `cookies` sent to each `(method,
/// path)`, every answer checked. A header no browser could send (control
/// characters) passes: the HTTP layer refuses it before any route.
pub async fn sweep_with_cookie<F: super::StageRoutes>(
    routes: &F,
    cookies: &str,
    requests: &[(&str, &str)],
) -> Result<(), TestCaseError> {
    let Ok(cookie) = http::HeaderValue::from_str(cookies) else {
        return Ok(());
    };
    for (method, path) in requests {
        let response = warp::test::request()
            .method(method)
            .path(path)
            .header("cookie", cookie.clone())
            .reply(routes)
            .await;
        check(path, &response)?;
    }
    Ok(())
}

/// One case of the provider-answer property: a login at `login_path`
/// whose callback (`callback_path`, with the login's real state) makes the
/// token request the case scripted; then each of `then_get`, in the same
/// browser. Every answer checked.
pub async fn scripted_login<F: super::StageRoutes>(
    routes: &F,
    login_path: &str,
    callback_path: &str,
    then_get: &[&str],
) -> Result<(), TestCaseError> {
    let mut browser = super::Browser::new(routes.clone());
    let login = browser.get(login_path).await;
    let state = super::query_param(&super::location(&login), "state").expect("a state");
    let callback = browser
        .get(&format!("{callback_path}?code=c&state={state}"))
        .await;
    check("the callback", &callback)?;
    for path in then_get {
        check(path, &browser.get(path).await)?;
    }
    Ok(())
}
