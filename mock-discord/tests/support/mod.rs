//! Helpers shared by the mock's integration tests.
#![allow(dead_code)]

use mock_discord::config::default_user_id;
use mock_discord::{submit_consent, Consent, MockDiscord, MockHandle};
use reqwest::StatusCode;
use serde_json::Value;
use std::sync::LazyLock;

pub const REDIRECT: &str = "http://127.0.0.1:5000/auth";
/// The default users' ids, from `defaults.toml`: written once, there.
pub static NELLY: LazyLock<String> = LazyLock::new(|| default_user_id("nelly"));
pub static ADA: LazyLock<String> = LazyLock::new(|| default_user_id("ada.lovelace"));
/// RFC 7636 Appendix B's verifier and its S256 challenge.
pub const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
pub const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

pub async fn mock() -> MockHandle {
    MockDiscord::builder()
        .seed(7)
        .spawn()
        .await
        .expect("mock starts")
}

/// A client that shows redirects instead of following them.
pub fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// The JSON the mock answers to `GET {path}` (its `/__mock/…` views).
/// `POST /__mock/reset` as the inspector's own page or curl sends it.
pub async fn reset_over_http(mock: &MockHandle) -> StatusCode {
    http()
        .post(format!("{}/__mock/reset", mock.base_url()))
        .json(&serde_json::json!({}))
        .send()
        .await
        .unwrap()
        .status()
}

pub async fn get_json(mock: &MockHandle, path: &str) -> Value {
    http()
        .get(format!("{}{path}", mock.base_url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

/// An authorize URL with sensible parameters, overridden by `extra`
/// (an empty value removes the parameter).
pub fn authorize_url(mock: &MockHandle, extra: &[(&str, &str)]) -> String {
    let mut params: Vec<(String, String)> = [
        ("response_type", "code"),
        ("client_id", "mock-client-id"),
        ("scope", "identify"),
        ("state", "xyz"),
        ("redirect_uri", REDIRECT),
        ("code_challenge", CHALLENGE),
        ("code_challenge_method", "S256"),
    ]
    .iter()
    .map(|(n, v)| (n.to_string(), v.to_string()))
    .collect();
    for (name, value) in extra {
        params.retain(|(n, _)| n != name);
        if !value.is_empty() {
            params.push((name.to_string(), value.to_string()));
        }
    }
    let mut url = reqwest::Url::parse(&format!("{}/oauth2/authorize", mock.base_url())).unwrap();
    url.query_pairs_mut().extend_pairs(params);
    url.to_string()
}

/// The query parameters of a redirect's Location.
pub fn query_of(location: &str) -> Vec<(String, String)> {
    reqwest::Url::parse(location)
        .unwrap()
        .query_pairs()
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect()
}

pub fn param(location: &str, name: &str) -> Option<String> {
    query_of(location)
        .into_iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v)
}

/// Approves as `user` through the consent page; returns the code.
pub async fn code_for(mock: &MockHandle, user: &str, extra: &[(&str, &str)]) -> String {
    let location = submit_consent(&authorize_url(mock, extra), user, Consent::Authorize)
        .await
        .expect("consent completes");
    param(&location, "code").expect("a code comes back")
}

/// Posts a form to the token endpoint with client_secret_post.
pub async fn token_request(mock: &MockHandle, form: &[(&str, &str)]) -> (StatusCode, Value) {
    let mut full: Vec<(&str, &str)> = vec![
        ("client_id", "mock-client-id"),
        ("client_secret", "mock-client-secret"),
    ];
    full.extend_from_slice(form);
    post_form(mock, "/api/oauth2/token", &full).await
}

pub async fn post_form(
    mock: &MockHandle,
    path: &str,
    form: &[(&str, &str)],
) -> (StatusCode, Value) {
    let response = http()
        .post(format!("{}{}", mock.base_url(), path))
        .form(form)
        .send()
        .await
        .unwrap();
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// A whole login: consent, then the code exchange. Returns the token JSON.
pub async fn login(mock: &MockHandle, user: &str, scope: &str) -> Value {
    let code = code_for(mock, user, &[("scope", scope)]).await;
    let (status, body) = token_request(
        mock,
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", REDIRECT),
            ("code_verifier", VERIFIER),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

pub async fn get_with_token(mock: &MockHandle, path: &str, token: &str) -> reqwest::Response {
    http()
        .get(format!("{}{}", mock.base_url(), path))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
}

/// Loads the consent page (as the browser with `cookie`, if given) and
/// returns the browser cookie and the form's CSRF token.
pub async fn open_consent(url: &str, cookie: Option<&str>) -> (String, String) {
    let mut request = http().get(url);
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    let page = request.send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK, "the consent page");
    let cookie = match page.headers().get("set-cookie") {
        Some(set) => set.to_str().unwrap().split(';').next().unwrap().to_string(),
        None => cookie.expect("a browser cookie").to_string(),
    };
    let html = page.text().await.unwrap();
    let csrf = html
        .split("name=\"csrf_token\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a csrf_token field")
        .to_string();
    (cookie, csrf)
}

/// Submits the consent form as the browser with `cookie`.
pub async fn decide(
    mock: &MockHandle,
    cookie: Option<&str>,
    csrf: &str,
    user: &str,
    decision: &str,
) -> reqwest::Response {
    let mut request = http()
        .post(format!("{}/oauth2/authorize", mock.base_url()))
        .form(&[("csrf_token", csrf), ("user", user), ("decision", decision)]);
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    request.send().await.unwrap()
}
