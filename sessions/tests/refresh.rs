//! Refresh, driven by the mock's clock (which the stage shares): no sleeps.

mod support;

use mock_discord::{Endpoint, Fault, FaultRule};
use std::time::Duration;
use support::*;

const WEEK: u64 = 604_800;

/// The stage against a provider played by wiremock.
fn against(server: &wiremock::MockServer) -> impl common::testing::StageRoutes {
    let provider = common::Provider::discord(
        &url::Url::parse(&server.uri()).unwrap(),
        "client-id".into(),
        secrecy::SecretString::from("client-secret"),
    );
    let app = common::App::new(
        provider,
        REDIRECT,
        KEYS.clone(),
        common::CookiePolicy { secure: false },
        common::Upstream::new().unwrap(),
    )
    .unwrap();
    sessions::routes(app)
}

static KEYS: std::sync::LazyLock<common::CookieKeys> =
    std::sync::LazyLock::new(|| common::CookieKeys::random().unwrap());

/// A session cookie's value, as if logged in with these tokens, whose
/// access token has expired (expires_at 0).
fn sealed_session(access: &str, refresh: Option<&str>, expires_at: u64) -> String {
    let now = common::Clock::wall().now();
    let session = sessions::session::Session {
        access_token: access.into(),
        refresh_token: refresh.map(str::to_string),
        expires_at,
        scope: "identify".into(),
        user_name: "Nelly".into(),
        issued_at: now,
        logged_in_at: now,
    };
    let set = session.to_cookie(&KEYS, common::CookiePolicy { secure: false });
    cookie::Cookie::parse(set.to_str().unwrap().to_string())
        .unwrap()
        .value()
        .to_string()
}

fn open_session(value: &str) -> sessions::session::Session {
    sessions::session::Session::from_cookies(
        &KEYS,
        common::CookiePolicy { secure: false },
        Some(&format!("session={value}")),
    )
    .unwrap()
    .expect("the cookie opens")
}

#[tokio::test]
async fn a_fresh_token_is_not_refreshed() {
    let mock = mock().await;
    let mut browser = logged_in_browser(stage(&mock), &NELLY).await;
    keep_using_for(&mock, &mut browser, Duration::from_secs(WEEK - 120)).await;
    let response = browser.get("/privileged").await;
    assert_eq!(response.status(), 200);
    assert_eq!(refreshes(&mock), 0);
}

#[tokio::test]
async fn a_token_about_to_expire_is_refreshed_and_the_cookie_reissued() {
    let mock = mock().await;
    let mut browser = logged_in_browser(stage(&mock), &NELLY).await;
    let before = browser.cookie("session").unwrap().to_string();
    // Within a minute of expiry: refresh now rather than fail mid-request.
    keep_using_for(&mock, &mut browser, UNTIL_THE_TOKEN_EXPIRES).await;
    let response = browser.get("/users/me").await;
    assert_eq!(response.status(), 200);
    assert_eq!(body_json(&response)["id"], NELLY.as_str());
    let reissued = set_cookie(&response, "session").expect("a new session cookie");
    // What is left of the login's week (see
    // refreshing_never_extends_a_login_past_its_week).
    assert!(reissued.contains("Max-Age=30"), "{reissued}");
    assert_ne!(browser.cookie("session").unwrap(), before);
    assert_eq!(refreshes(&mock), 1);
    // The new token serves the rest of the login without another refresh.
    mock.advance_clock(Duration::from_secs(20));
    assert_eq!(browser.get("/users/me").await.status(), 200);
    assert_eq!(refreshes(&mock), 1);
}

#[tokio::test]
async fn an_expiring_token_is_refreshed_even_on_privileged() {
    let mock = mock().await;
    let mut browser = logged_in_browser(stage(&mock), &NELLY).await;
    keep_using_for(&mock, &mut browser, UNTIL_THE_TOKEN_EXPIRES).await;
    let response = browser.get("/privileged").await;
    assert_eq!(response.status(), 200);
    assert!(set_cookie(&response, "session").is_some());
    assert_eq!(refreshes(&mock), 1);
}

/// The old cookie's refresh token is spent by a refresh: the renewed
/// cookie must reach the browser even when the handler then fails (here
/// Discord's API answers 503), or the browser's next refresh presents a
/// rotated-away token and looks like theft.
#[tokio::test]
async fn a_refreshed_cookie_reaches_the_browser_even_when_the_handler_fails() {
    let mock = mock().await;
    let mut browser = logged_in_browser(stage(&mock), &NELLY).await;
    let before = browser.cookie("session").unwrap().to_string();
    keep_using_for(&mock, &mut browser, UNTIL_THE_TOKEN_EXPIRES).await;
    mock.inject_fault(FaultRule::status_once(Endpoint::UsersMe, 503));
    let failed = browser.get("/users/me").await;
    assert_eq!(failed.status(), 503);
    assert_eq!(refreshes(&mock), 1);
    let renewed = set_cookie(&failed, "session").expect("the renewed cookie");
    assert!(!renewed.contains("Max-Age=0"), "{renewed}");
    assert_ne!(browser.cookie("session").unwrap(), before);
    // The renewed cookie holds the new pair: no second refresh, no theft.
    assert_eq!(browser.get("/users/me").await.status(), 200);
    assert_eq!(refreshes(&mock), 1);
}

/// An answer that deletes the session cookie itself (the API says the new
/// token is no good: 401) keeps deleting it: the renewed cookie does not
/// bring the session back.
#[tokio::test]
async fn an_answer_that_deletes_the_cookie_keeps_deleting_it_after_a_refresh() {
    let mock = mock().await;
    let mut browser = logged_in_browser(stage(&mock), &NELLY).await;
    keep_using_for(&mock, &mut browser, UNTIL_THE_TOKEN_EXPIRES).await;
    mock.inject_fault(FaultRule::status_once(Endpoint::UsersMe, 401));
    let refused = browser.get("/users/me").await;
    assert_eq!(refused.status(), 401);
    assert_eq!(refreshes(&mock), 1);
    let headers: Vec<_> = refused
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter(|v| v.starts_with("session="))
        .collect();
    assert_eq!(headers.len(), 1, "{headers:?}");
    assert!(headers[0].contains("Max-Age=0"), "{headers:?}");
    assert!(browser.cookie("session").is_none());
}

/// A refresh response without `refresh_token` keeps the old one (RFC 6749
/// §6): the next expiry refreshes again instead of logging the user out.
#[tokio::test]
async fn a_refresh_without_a_refresh_token_keeps_the_old_one() {
    let server = wiremock::MockServer::start().await;
    wiremock::Mock::given(wiremock::matchers::path("/api/oauth2/token"))
        .respond_with(
            wiremock::ResponseTemplate::new(200).set_body_json(serde_json::json!({
                "access_token": "new-access", "token_type": "Bearer", "expires_in": 3600
            })),
        )
        .mount(&server)
        .await;
    let routes = against(&server);
    let cookie = sealed_session("old-access", Some("kept-refresh"), 0);
    let mut browser = common::testing::Browser::new(routes.clone());
    browser.set_cookie("session", Some(&cookie));
    assert_eq!(browser.get("/privileged").await.status(), 200);
    let reissued = open_session(browser.cookie("session").unwrap());
    assert_eq!(reissued.access_token, "new-access");
    assert_eq!(reissued.refresh_token.as_deref(), Some("kept-refresh"));
}

/// Two requests at expiry, with the same cookie: one refresh, both served,
/// and the login survives (a second refresh with the same, rotated-away
/// token would have made the mock revoke everything).
#[tokio::test]
async fn concurrent_requests_at_expiry_refresh_once() {
    let mock = mock().await;
    let routes = stage(&mock);
    let mut browser = logged_in_browser(routes.clone(), &NELLY).await;
    keep_using_for(&mock, &mut browser, UNTIL_THE_TOKEN_EXPIRES).await;
    let cookie = browser.cookie_header();
    // Slow the refresh down, so that the second request surely arrives
    // while the first one's refresh is still in flight.
    mock.inject_fault(FaultRule {
        endpoint: Endpoint::Token,
        times: 1,
        fault: Fault::Delay { millis: 300 },
    });
    let request = |path: &'static str| {
        let (routes, cookie) = (routes.clone(), cookie.clone());
        async move {
            warp::test::request()
                .path(path)
                .header("cookie", cookie)
                .reply(&routes)
                .await
        }
    };
    let (first, second) = tokio::join!(request("/privileged"), request("/users/me"));
    assert_eq!(first.status(), 200, "{:?}", first.body());
    assert_eq!(second.status(), 200, "{:?}", second.body());
    assert_eq!(refreshes(&mock), 1, "single flight");
    let first_cookie = set_cookie(&first, "session").unwrap();
    let second_cookie = set_cookie(&second, "session").unwrap();
    // Both carry the same new tokens (sealed with different nonces).
    let mut again = common::testing::Browser::new(routes.clone());
    again.set_cookie(
        "session",
        Some(cookie::Cookie::parse(second_cookie).unwrap().value()),
    );
    assert_eq!(again.get("/users/me").await.status(), 200);
    let mut again = common::testing::Browser::new(routes.clone());
    again.set_cookie(
        "session",
        Some(cookie::Cookie::parse(first_cookie).unwrap().value()),
    );
    assert_eq!(again.get("/users/me").await.status(), 200);

    // A straggler with the old cookie, after the refresh finished, gets the
    // same result instead of replaying the used refresh token.
    let late = request("/users/me").await;
    assert_eq!(late.status(), 200);
    assert_eq!(refreshes(&mock), 1);
}

#[tokio::test]
async fn a_refused_refresh_ends_the_session_with_401() {
    let mock = mock().await;
    let mut browser = logged_in_browser(stage(&mock), &NELLY).await;
    // The user removes the app in Discord's settings: every token dies.
    mock.reset();
    keep_using_for(&mock, &mut browser, UNTIL_THE_TOKEN_EXPIRES).await;
    let response = browser.get("/privileged").await;
    assert_eq!(response.status(), 401);
    assert_eq!(body_json(&response)["detail"], "Not logged in");
    let cleared = set_cookie(&response, "session").expect("the cookie is deleted");
    assert!(cleared.contains("Max-Age=0"));
    assert!(browser.cookie("session").is_none());
}

/// One 503 is not remembered: the next request refreshes again, and
/// succeeds.
#[tokio::test]
async fn a_passing_refresh_failure_is_retried_by_the_next_request() {
    let mock = mock().await;
    let mut browser = logged_in_browser(stage(&mock), &NELLY).await;
    keep_using_for(&mock, &mut browser, UNTIL_THE_TOKEN_EXPIRES).await;
    mock.inject_fault(FaultRule::status_once(Endpoint::Token, 503));
    let response = browser.get("/privileged").await;
    assert_eq!(response.status(), 503);
    assert!(
        browser.cookie("session").is_some(),
        "a provider outage is not a logout"
    );
    let retried = browser.get("/privileged").await;
    assert_eq!(retried.status(), 200, "{:?}", retried.body());
    assert_eq!(refreshes(&mock), 2);
}

/// A request that starts a refresh and is then cancelled (the browser
/// closed the tab) must not abandon it: the refresh completes, and the
/// next request with the old cookie shares it instead of presenting the
/// refresh token a second time (which the provider would take for theft).
#[tokio::test]
async fn a_cancelled_request_does_not_abandon_its_refresh() {
    let server = wiremock::MockServer::start().await;
    wiremock::Mock::given(wiremock::matchers::path("/api/oauth2/token"))
        .respond_with(
            wiremock::ResponseTemplate::new(200)
                .set_body_json(serde_json::json!({
                    "access_token": "new-access", "token_type": "Bearer",
                    "expires_in": 3600, "refresh_token": "new-refresh"
                }))
                .set_delay(Duration::from_millis(400)),
        )
        .mount(&server)
        .await;
    let routes = against(&server);
    let cookie = format!("session={}", sealed_session("old", Some("old-refresh"), 0));
    let request = || {
        warp::test::request()
            .path("/privileged")
            .header("cookie", cookie.clone())
            .reply(&routes)
    };
    // Cancelled while the provider is still answering.
    let cancelled = tokio::time::timeout(Duration::from_millis(100), request()).await;
    assert!(cancelled.is_err(), "the first request was cut off");
    let next = request().await;
    assert_eq!(next.status(), 200, "{:?}", next.body());
    let presented = server.received_requests().await.unwrap().len();
    assert_eq!(presented, 1, "the refresh token was presented once");
}

/// A stale cookie is shared the new tokens only for the grace window: a
/// few seconds, not minutes.
#[tokio::test]
async fn the_grace_window_is_seconds() {
    assert!(sessions::refresh::GRACE <= Duration::from_secs(10));
    let mock = mock().await;
    let routes = stage(&mock);
    let mut browser = logged_in_browser(routes.clone(), &NELLY).await;
    keep_using_for(&mock, &mut browser, UNTIL_THE_TOKEN_EXPIRES).await;
    let old_cookie = browser.cookie_header();
    let with_old_cookie = || {
        warp::test::request()
            .path("/privileged")
            .header("cookie", old_cookie.clone())
            .reply(&routes)
    };
    assert_eq!(with_old_cookie().await.status(), 200);
    assert_eq!(
        with_old_cookie().await.status(),
        200,
        "within the grace window"
    );
    assert_eq!(refreshes(&mock), 1);
    tokio::time::sleep(sessions::refresh::GRACE + Duration::from_millis(200)).await;
    // Past it, the old refresh token is presented again: the mock takes it
    // for theft and ends the grant.
    assert_eq!(with_old_cookie().await.status(), 401);
    assert_eq!(refreshes(&mock), 2);
}
