//! What `/auth` refuses, and why.

use bytes::Bytes;
use common::testing::{location, path_and_query, query_param, Browser, StageRoutes};
use common::App;
use mock_discord::config::default_user_id;
use mock_discord::{submit_consent, Consent, MockDiscord, MockHandle};
use serde_json::Value;
use std::sync::LazyLock;

const REDIRECT: &str = "http://127.0.0.1:5000/auth";

static NELLY: LazyLock<String> = LazyLock::new(|| default_user_id("nelly"));

async fn setup() -> (MockHandle, Browser<impl StageRoutes>) {
    let mock = MockDiscord::builder().spawn().await.unwrap();
    let browser = Browser::new(basic::routes(App::for_mock(&mock, REDIRECT)));
    (mock, browser)
}

fn detail(response: &http::Response<Bytes>) -> String {
    let body: Value = serde_json::from_slice(response.body()).expect("a JSON body");
    body["detail"].as_str().expect("a detail").to_string()
}

/// Replaces one query parameter of a path.
fn with_param(path: &str, name: &str, value: Option<&str>) -> String {
    let mut url = url::Url::parse(&format!("http://x{path}")).unwrap();
    let pairs: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(n, _)| n != name)
        .map(|(n, v)| (n.into_owned(), v.into_owned()))
        .collect();
    {
        let mut query = url.query_pairs_mut();
        query.clear().extend_pairs(pairs);
        if let Some(value) = value {
            query.append_pair(name, value);
        }
    }
    path_and_query(url.as_str())
}

#[tokio::test]
async fn a_login_shows_the_token_json() {
    let (mock, mut browser) = setup().await;
    let response = browser.login(&NELLY).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["cache-control"], "no-store");
    let tokens: Value = serde_json::from_slice(response.body()).unwrap();
    for field in [
        "access_token",
        "token_type",
        "expires_in",
        "refresh_token",
        "scope",
        "expires_at",
    ] {
        assert!(!tokens[field].is_null(), "{field} missing from {tokens}");
    }
    assert_eq!(tokens["token_type"], "Bearer");
    assert_eq!(tokens["scope"], "identify");
    let me = reqwest::Client::new()
        .get(format!("{}/api/v10/users/@me", mock.base_url()))
        .bearer_auth(tokens["access_token"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), 200, "the token works at the provider");
}

#[tokio::test]
async fn a_wrong_or_missing_state_is_400_and_no_token_is_requested() {
    let (mock, mut browser) = setup().await;
    let callback = browser
        .login_until_callback(&NELLY, Consent::Authorize)
        .await;
    for forged in [
        with_param(&callback, "state", Some("forged-state-value-000")),
        with_param(&callback, "state", None),
        with_param(&callback, "state", Some("")),
    ] {
        let response = browser.get(&forged).await;
        assert_eq!(response.status(), 400, "{forged}");
        assert!(detail(&response).contains("state"), "{}", detail(&response));
        // The failed callback ended the transaction: log in again for the next case.
        browser
            .login_until_callback(&NELLY, Consent::Authorize)
            .await;
    }
    assert!(mock.requests_to("/api/oauth2/token").is_empty());
}

#[tokio::test]
async fn a_callback_without_a_transaction_cookie_is_400() {
    let (mock, mut browser) = setup().await;
    let callback = browser
        .login_until_callback(&NELLY, Consent::Authorize)
        .await;
    browser.set_cookie("oauth_transaction", None);
    let response = browser.get(&callback).await;
    assert_eq!(response.status(), 400);
    assert!(detail(&response).contains("No login in progress"));
    assert!(mock.requests_to("/api/oauth2/token").is_empty());
}

#[tokio::test]
async fn a_tampered_transaction_cookie_is_400() {
    let (mock, mut browser) = setup().await;
    let callback = browser
        .login_until_callback(&NELLY, Consent::Authorize)
        .await;
    let sealed = browser.cookie("oauth_transaction").unwrap().to_string();
    let mut bytes = sealed.into_bytes();
    bytes[10] = if bytes[10] == b'A' { b'B' } else { b'A' };
    browser.set_cookie(
        "oauth_transaction",
        Some(&String::from_utf8(bytes).unwrap()),
    );
    assert_eq!(browser.get(&callback).await.status(), 400);
    assert!(mock.requests_to("/api/oauth2/token").is_empty());
}

#[tokio::test]
async fn a_replayed_callback_is_400() {
    let (mock, mut browser) = setup().await;
    let callback = browser
        .login_until_callback(&NELLY, Consent::Authorize)
        .await;
    let first = browser.get(&callback).await;
    assert_eq!(first.status(), 200);
    let set_cookie = first.headers()["set-cookie"].to_str().unwrap();
    assert!(set_cookie.starts_with("oauth_transaction=;") && set_cookie.contains("Max-Age=0"));
    let replay = browser.get(&callback).await;
    assert_eq!(replay.status(), 400);
    assert_eq!(mock.requests_to("/api/oauth2/token").len(), 1);
}

#[tokio::test]
async fn access_denied_is_a_clear_403() {
    let (mock, mut browser) = setup().await;
    let callback = browser.login_until_callback(&NELLY, Consent::Cancel).await;
    let response = browser.get(&callback).await;
    assert_eq!(response.status(), 403);
    let detail = detail(&response);
    assert!(detail.contains("declined"), "{detail}");
    assert!(detail.contains("access_denied"), "{detail}");
    assert!(
        detail.contains("The resource owner or authorization server denied the request"),
        "{detail}"
    );
    assert!(mock.requests_to("/api/oauth2/token").is_empty());
}

/// C6: a callback with both a code and an error is no provider's answer:
/// 400, no token request, and its login is spent (the genuine callback,
/// with the same state, is refused after it).
#[tokio::test]
async fn a_callback_with_both_a_code_and_an_error_is_400_and_spends_the_login() {
    let (mock, mut browser) = setup().await;
    let callback = browser
        .login_until_callback(&NELLY, Consent::Authorize)
        .await;
    let both = with_param(&callback, "error", Some("access_denied"));
    let refused = browser.get(&both).await;
    assert_eq!(refused.status(), 400);
    assert!(
        detail(&refused).contains("both a code and an error"),
        "{}",
        detail(&refused)
    );
    let genuine = browser.get(&callback).await;
    assert_eq!(genuine.status(), 400, "the login was spent");
    assert!(mock.requests_to("/api/oauth2/token").is_empty());
}

/// C4: a provider that refuses the S256 challenge answers with an error;
/// the stage shows it and stops. It never retries the login without PKCE
/// (or with `plain`): one authorization request, no token request.
#[tokio::test]
async fn a_provider_refusing_s256_gets_no_retry_without_pkce() {
    let (mock, mut browser) = setup().await;
    let login = browser.get("/login").await;
    let state = query_param(&location(&login), "state").unwrap();
    let refusal = format!(
        "/auth?error=invalid_request&error_description=code_challenge_method+not+supported&state={state}"
    );
    let answer = browser.get(&refusal).await;
    assert_eq!(answer.status(), 400);
    assert!(answer.headers().get("location").is_none(), "no retry");
    assert!(
        detail(&answer).contains("invalid_request"),
        "{}",
        detail(&answer)
    );
    assert!(mock.requests_to("/oauth2/authorize").is_empty());
    assert!(mock.requests_to("/api/oauth2/token").is_empty());
}

/// C7: the redirect URI comes from configuration. A spoofed `Host` or
/// `X-Forwarded-Host` changes neither the one in the authorization request
/// nor the one sent with the code.
#[tokio::test]
async fn a_spoofed_host_never_changes_the_redirect_uri() {
    let (mock, mut browser) = setup().await;
    let spoofed = [
        ("host", "evil.example"),
        ("x-forwarded-host", "evil.example"),
    ];
    let login = browser.request("GET", "/login", &spoofed).await;
    assert_eq!(
        query_param(&location(&login), "redirect_uri").as_deref(),
        Some(REDIRECT)
    );
    let callback = submit_consent(&location(&login), &NELLY, Consent::Authorize)
        .await
        .unwrap();
    let answer = browser
        .request("GET", &path_and_query(&callback), &spoofed)
        .await;
    assert_eq!(answer.status(), 200, "{}", detail_or_body(&answer));
    let exchanges = mock.requests_to("/api/oauth2/token");
    assert_eq!(exchanges[0].param("redirect_uri"), Some(REDIRECT));
}

#[tokio::test]
async fn a_provider_error_with_markup_is_shown_as_inert_json() {
    let (_mock, mut browser) = setup().await;
    let callback = browser
        .login_until_callback(&NELLY, Consent::Authorize)
        .await;
    let state = query_param(&callback, "state").unwrap();
    let attack = format!(
        "/auth?error=invalid_scope&error_description=%3Cscript%3Ealert(1)%3C%2Fscript%3E&state={state}"
    );
    let response = browser.get(&attack).await;
    assert_eq!(response.status(), 400);
    assert_eq!(response.headers()["content-type"], "application/json");
    assert!(
        detail(&response).contains("<script>"),
        "kept as data, inert in JSON"
    );
}

#[tokio::test]
async fn an_iss_of_another_issuer_is_400() {
    let (mock, mut browser) = setup().await;
    let callback = browser
        .login_until_callback(&NELLY, Consent::Authorize)
        .await;
    let response = browser
        .get(&with_param(&callback, "iss", Some("https://evil.example")))
        .await;
    assert_eq!(response.status(), 400);
    assert!(detail(&response).contains("issuer"));
    assert!(mock.requests_to("/api/oauth2/token").is_empty());
}

#[tokio::test]
async fn without_iss_the_login_still_works() {
    // Discord itself does not send iss; its absence is not an error.
    let (_mock, mut browser) = setup().await;
    let callback = browser
        .login_until_callback(&NELLY, Consent::Authorize)
        .await;
    assert_eq!(
        browser
            .get(&with_param(&callback, "iss", None))
            .await
            .status(),
        200
    );
}

#[tokio::test]
async fn a_duplicated_parameter_is_400() {
    let (_mock, mut browser) = setup().await;
    let callback = browser
        .login_until_callback(&NELLY, Consent::Authorize)
        .await;
    let response = browser.get(&format!("{callback}&state=again")).await;
    assert_eq!(response.status(), 400);
}

/// PKCE, end to end: the verifier reaches the provider, and a code stolen
/// from one login cannot be redeemed through another login.
#[tokio::test]
async fn the_pkce_verifier_reaches_the_provider_which_checks_it() {
    let (mock, mut browser) = setup().await;
    let login = browser.get("/login").await;
    let authorize_url = location(&login);
    assert_eq!(
        query_param(&authorize_url, "code_challenge_method").as_deref(),
        Some("S256")
    );
    let challenge = query_param(&authorize_url, "code_challenge").unwrap();
    assert_eq!(challenge.len(), 43);
    let state = query_param(&authorize_url, "state").unwrap();
    assert!(state.len() >= 22, "at least 128 bits of state");
    let callback = submit_consent(&authorize_url, &NELLY, Consent::Authorize)
        .await
        .unwrap();
    assert_eq!(browser.get(&path_and_query(&callback)).await.status(), 200);
    let exchange = &mock.requests_to("/api/oauth2/token")[0];
    assert_eq!(exchange.status, 200);
    assert!(exchange.param("code_verifier").is_some(), "{exchange:?}");

    // The victim's code, injected into the attacker's own login: the
    // attacker's verifier does not match the victim's challenge.
    let mut victim = Browser::new(basic::routes(App::for_mock(&mock, REDIRECT)));
    let victims_callback = victim
        .login_until_callback(&NELLY, Consent::Authorize)
        .await;
    let stolen_code = query_param(&victims_callback, "code").unwrap();
    let attackers_callback = browser
        .login_until_callback(&NELLY, Consent::Authorize)
        .await;
    let injected = with_param(&attackers_callback, "code", Some(&stolen_code));
    let response = browser.get(&injected).await;
    assert_eq!(response.status(), 400);
    assert!(
        detail(&response).contains("invalid_grant"),
        "{}",
        detail(&response)
    );
}

#[tokio::test]
async fn the_transaction_cookie_has_the_right_attributes() {
    let (_mock, mut browser) = setup().await;
    let login = browser.get("/login").await;
    let set_cookie = login.headers()["set-cookie"].to_str().unwrap().to_string();
    let cookie = cookie::Cookie::parse(set_cookie.clone()).unwrap();
    assert_eq!(cookie.name(), "oauth_transaction");
    assert_eq!(cookie.http_only(), Some(true), "{set_cookie}");
    assert_eq!(
        cookie.same_site(),
        Some(cookie::SameSite::Lax),
        "{set_cookie}"
    );
    assert_eq!(cookie.path(), Some("/"));
    assert_eq!(cookie.max_age(), Some(cookie::time::Duration::minutes(10)));
    assert_eq!(cookie.secure(), None, "plain http on loopback: not Secure");
    // Neither the state nor anything else readable is in it.
    let state = query_param(&location(&login), "state").unwrap();
    assert!(!set_cookie.contains(&state));

    let mock = MockDiscord::builder().spawn().await.unwrap();
    let mut app = App::for_mock(&mock, REDIRECT);
    app.cookies.secure = true;
    let response = warp::test::request()
        .path("/login")
        .reply(&basic::routes(app))
        .await;
    let cookie = cookie::Cookie::parse(
        response.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .to_string(),
    )
    .unwrap();
    assert_eq!(cookie.secure(), Some(true));
}

#[tokio::test]
async fn unknown_paths_and_wrong_methods() {
    let (_mock, mut browser) = setup().await;
    let missing = browser.get("/nope").await;
    assert_eq!(missing.status(), 404);
    assert_eq!(detail(&missing), "Not Found");
    let wrong = browser.request("POST", "/login", &[]).await;
    assert_eq!(wrong.status(), 405);
    assert_eq!(detail(&wrong), "Method Not Allowed");
}

/// The logins in progress in a browser, as the server reads its cookie:
/// (state, verifier) of each.
fn logins_in_cookie(
    keys: &common::CookieKeys,
    browser: &Browser<impl StageRoutes>,
) -> Vec<(String, String)> {
    let opened = basic::cookies::open(
        keys,
        common::CookiePolicy { secure: false },
        Some(&browser.cookie_header()),
        basic::transaction::TRANSACTION_COOKIE,
    )
    .unwrap()
    .expect("a transaction cookie");
    let logins: Vec<Value> = serde_json::from_str(&opened).unwrap();
    logins
        .iter()
        .map(|l| {
            (
                l["state"].as_str().unwrap().to_string(),
                l["pkce_verifier"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// RFC 7636: a fresh verifier per login, 43 to 128 characters, whose
/// SHA-256 is the challenge; it never leaves in the authorize URL.
#[tokio::test]
async fn each_login_has_its_own_verifier_and_only_its_hash_goes_out() {
    use base64::Engine;
    use sha2::Digest;
    let mock = MockDiscord::builder().spawn().await.unwrap();
    let app = App::for_mock(&mock, REDIRECT);
    let keys = app.keys.clone();
    let mut browser = Browser::new(basic::routes(app));
    let first = location(&browser.get("/login").await);
    let second = location(&browser.get("/login").await);
    let logins = logins_in_cookie(&keys, &browser);
    assert_eq!(logins.len(), 2);
    assert_ne!(logins[0].1, logins[1].1, "the verifier is fresh per login");
    for ((_, verifier), url) in logins.iter().zip([&first, &second]) {
        assert!((43..=128).contains(&verifier.len()), "{}", verifier.len());
        assert!(!url.contains(verifier.as_str()), "the verifier is in {url}");
        let challenge = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .encode(sha2::Sha256::digest(verifier.as_bytes()));
        assert_eq!(query_param(url, "code_challenge"), Some(challenge));
    }
}

/// Two tabs, two logins: both complete, in either order.
#[tokio::test]
async fn two_logins_in_two_tabs_both_complete() {
    let (mock, mut browser) = setup().await;
    let first_tab = location(&browser.get("/login").await);
    let second_tab = location(&browser.get("/login").await);
    let first_callback = submit_consent(&first_tab, &NELLY, Consent::Authorize)
        .await
        .unwrap();
    let second_callback = submit_consent(&second_tab, &NELLY, Consent::Authorize)
        .await
        .unwrap();
    let second = browser.get(&path_and_query(&second_callback)).await;
    assert_eq!(second.status(), 200, "{}", detail_or_body(&second));
    let first = browser.get(&path_and_query(&first_callback)).await;
    assert_eq!(first.status(), 200, "{}", detail_or_body(&first));
    assert_eq!(mock.requests_to("/api/oauth2/token").len(), 2);
    assert!(browser.cookie("oauth_transaction").is_none(), "none left");
}

/// However often /login is hit, the browser holds at most MAX_IN_FLIGHT
/// logins, and a forged callback ends none of them.
#[tokio::test]
async fn logins_in_progress_are_bounded_and_a_forged_callback_ends_none() {
    let mock = MockDiscord::builder().spawn().await.unwrap();
    let app = App::for_mock(&mock, REDIRECT);
    let keys = app.keys.clone();
    let mut browser = Browser::new(basic::routes(app));
    let mut urls = Vec::new();
    for _ in 0..20 {
        urls.push(location(&browser.get("/login").await));
    }
    let max = basic::transaction::MAX_IN_FLIGHT;
    let logins = logins_in_cookie(&keys, &browser);
    assert_eq!(logins.len(), max);
    let newest: Vec<String> = urls[urls.len() - max..]
        .iter()
        .map(|u| query_param(u, "state").unwrap())
        .collect();
    let kept: Vec<String> = logins.into_iter().map(|(state, _)| state).collect();
    assert_eq!(kept, newest, "the newest are kept, the oldest pushed out");
    assert!(
        browser.cookie_header().len() < 2048,
        "{}",
        browser.cookie_header().len()
    );

    let forged = browser.get("/auth?code=x&state=forged").await;
    assert_eq!(forged.status(), 400);
    assert_eq!(logins_in_cookie(&keys, &browser).len(), max);
}

/// A second transaction cookie (one another site or path planted) is
/// refused, not resolved by taking the first.
#[tokio::test]
async fn two_transaction_cookies_are_refused() {
    let (mock, mut browser) = setup().await;
    let callback = browser
        .login_until_callback(&NELLY, Consent::Authorize)
        .await;
    let ours = browser.cookie_header();
    let response = warp::test::request()
        .path(&callback)
        .header("cookie", format!("oauth_transaction=planted; {ours}"))
        .reply(&basic::routes(App::for_mock(&mock, REDIRECT)))
        .await;
    assert_eq!(response.status(), 400);
    assert!(detail(&response).contains("two cookies named oauth_transaction"));
    assert!(mock.requests_to("/api/oauth2/token").is_empty());
}

fn detail_or_body(response: &http::Response<Bytes>) -> String {
    String::from_utf8_lossy(response.body()).into_owned()
}
