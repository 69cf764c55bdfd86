//! POST /logout: revocation, CSRF, and the honest limit of cookie sessions.

mod support;

use mock_discord::{Endpoint, FaultRule};
use support::*;

#[tokio::test]
async fn logout_revokes_at_the_provider_and_clears_the_cookie() {
    let mock = mock().await;
    let routes = stage(&mock);
    let mut browser = logged_in_browser(routes, &NELLY).await;
    let response = browser
        .request("POST", "/logout", &[("origin", "http://127.0.0.1:5000")])
        .await;
    assert_eq!(response.status(), 303);
    assert_eq!(common::testing::location(&response), "/");
    assert_session_cookie_deleted(&response);
    let revocations = mock.requests_to("/token/revoke");
    assert_eq!(revocations.len(), 1);
    assert_eq!(revocations[0].status, 200);
    assert_eq!(browser.get("/privileged").await.status(), 401);
}

#[tokio::test]
async fn cross_site_logouts_are_refused() {
    let mock = mock().await;
    let routes = stage(&mock);
    let mut browser = logged_in_browser(routes, &NELLY).await;
    for headers in [
        vec![("sec-fetch-site", "cross-site")],
        vec![("sec-fetch-site", "same-site")],
        vec![("origin", "https://evil.example")],
        vec![("origin", "null")],
        vec![("origin", "http://127.0.0.1:5000.evil.example")],
    ] {
        let response = browser.request("POST", "/logout", &headers).await;
        assert_eq!(response.status(), 403, "{headers:?}");
        assert_eq!(set_cookie(&response, "session"), None);
    }
    assert!(mock.requests_to("/token/revoke").is_empty());
    assert_eq!(
        browser.get("/privileged").await.status(),
        200,
        "still logged in"
    );
}

#[tokio::test]
async fn get_logout_is_405() {
    let mock = mock().await;
    let mut browser = logged_in_browser(stage(&mock), &NELLY).await;
    let response = browser.get("/logout").await;
    assert_eq!(response.status(), 405);
    assert_eq!(browser.get("/privileged").await.status(), 200);
}

#[tokio::test]
async fn a_failed_revocation_still_logs_out_locally() {
    let mock = mock().await;
    let mut browser = logged_in_browser(stage(&mock), &NELLY).await;
    mock.inject_fault(FaultRule::status_once(Endpoint::Revoke, 500));
    let response = browser
        .request("POST", "/logout", &[("sec-fetch-site", "same-origin")])
        .await;
    assert_eq!(response.status(), 303);
    assert_session_cookie_deleted(&response);
    assert_eq!(browser.get("/privileged").await.status(), 401);
}

#[tokio::test]
async fn logout_without_a_session_just_redirects() {
    let mock = mock().await;
    let mut browser = common::testing::Browser::new(stage(&mock));
    let response = browser.request("POST", "/logout", &[]).await;
    assert_eq!(response.status(), 303);
    assert!(mock.requests_to("/token/revoke").is_empty());
}

/// The limit of stateless sessions, shown rather than hidden: a copy of the
/// cookie taken before logout still opens /privileged afterwards, because
/// nothing on the server remembers the logout. (Its token is revoked, so
/// /users/me fails.) Stage 3's server-side sessions close this gap.
#[tokio::test]
async fn a_copied_cookie_outlives_logout() {
    let mock = mock().await;
    let routes = stage(&mock);
    let mut browser = logged_in_browser(routes.clone(), &NELLY).await;
    let copied = browser.cookie("session").unwrap().to_string();
    browser
        .request("POST", "/logout", &[("sec-fetch-site", "same-origin")])
        .await;

    let mut thief = common::testing::Browser::new(routes);
    thief.set_cookie("session", Some(&copied));
    assert_eq!(
        thief.get("/privileged").await.status(),
        200,
        "still accepted: the honest limit"
    );
    assert_eq!(
        thief.get("/users/me").await.status(),
        401,
        "but the token itself is revoked"
    );
}

#[tokio::test]
async fn an_unreadable_origin_is_refused() {
    let mock = mock().await;
    let routes = stage(&mock);
    let browser = logged_in_browser(routes.clone(), &NELLY).await;
    let response = warp::test::request()
        .method("POST")
        .path("/logout")
        .header("cookie", browser.cookie_header())
        .header(
            "origin",
            http::HeaderValue::from_bytes(b"http://\xff").unwrap(),
        )
        .reply(&routes)
        .await;
    assert_eq!(response.status(), 403);
    assert!(mock.requests_to("/token/revoke").is_empty());
}

/// RFC 6749 §2.3.1: the client id and secret are form-urlencoded before
/// they go into HTTP Basic. The token exchange (the oauth2 crate) does it;
/// the revocation must too, or a secret holding `+`, `/` or `=` is another
/// secret there: 401 `invalid_client`, and the grant stays live.
#[tokio::test]
async fn a_client_secret_with_plus_slash_and_equals_still_revokes() {
    let mut config = mock_discord::config::MockConfig::default();
    config.clients[0].client_secret = "s3cr+t/with=signs".into();
    let mock = mock_discord::MockDiscord::builder()
        .config(config)
        .spawn()
        .await
        .unwrap();
    let mut browser = logged_in_browser(stage(&mock), &NELLY).await;
    let logout = browser
        .request("POST", "/logout", &[("sec-fetch-site", "same-origin")])
        .await;
    assert_eq!(logout.status(), 303);
    let exchange = &mock.requests_to("/api/oauth2/token")[0];
    let revocation = &mock.requests_to("/token/revoke")[0];
    assert_eq!(exchange.status, 200);
    assert_eq!(revocation.status, 200, "the revocation's Basic credentials");
    // One encoding for both: the same Basic header (as the mock shows it).
    assert_eq!(revocation.authorization, exchange.authorization);
}
