//! Refresh, driven by the mock's clock (which the stage shares): no sleeps.

mod support;

use mock_discord::{Endpoint, Fault, FaultRule};
use std::time::Duration;
use support::*;

const WEEK: u64 = 604_800;

fn refreshes(mock: &mock_discord::MockHandle) -> usize {
    mock.requests_to("/api/oauth2/token")
        .iter()
        .filter(|e| e.param("grant_type") == Some("refresh_token"))
        .count()
}

#[tokio::test]
async fn a_fresh_token_is_not_refreshed() {
    let mock = mock().await;
    let mut browser = logged_in_browser(stage(&mock), &NELLY).await;
    mock.advance_clock(Duration::from_secs(WEEK - 120));
    let response = browser.get("/privileged").await;
    assert_eq!(response.status(), 200);
    assert_eq!(set_cookie(&response, "session"), None);
    assert_eq!(refreshes(&mock), 0);
}

#[tokio::test]
async fn a_token_about_to_expire_is_refreshed_and_the_cookie_reissued() {
    let mock = mock().await;
    let mut browser = logged_in_browser(stage(&mock), &NELLY).await;
    let before = browser.cookie("session").unwrap().to_string();
    // Within a minute of expiry: refresh now rather than fail mid-request.
    mock.advance_clock(Duration::from_secs(WEEK - 30));
    let response = browser.get("/users/me").await;
    assert_eq!(response.status(), 200);
    assert_eq!(body_json(&response)["id"], NELLY.as_str());
    let reissued = set_cookie(&response, "session").expect("a new session cookie");
    assert!(reissued.contains("Max-Age=604800"));
    assert_ne!(browser.cookie("session").unwrap(), before);
    assert_eq!(refreshes(&mock), 1);
    // The new token is good for another week.
    mock.advance_clock(Duration::from_secs(WEEK - 120));
    assert_eq!(browser.get("/users/me").await.status(), 200);
    assert_eq!(refreshes(&mock), 1);
}

#[tokio::test]
async fn an_expired_token_is_refreshed_even_on_privileged() {
    let mock = mock().await;
    let mut browser = logged_in_browser(stage(&mock), &NELLY).await;
    mock.advance_clock(Duration::from_secs(WEEK + 3600));
    let response = browser.get("/privileged").await;
    assert_eq!(response.status(), 200);
    assert!(set_cookie(&response, "session").is_some());
    assert_eq!(refreshes(&mock), 1);
}

/// Two requests at expiry, with the same cookie: one refresh, both served,
/// and the login survives (a second refresh with the same, rotated-away
/// token would have made the mock revoke everything).
#[tokio::test]
async fn concurrent_requests_at_expiry_refresh_once() {
    let mock = mock().await;
    let routes = stage(&mock);
    let browser = logged_in_browser(routes.clone(), &NELLY).await;
    let cookie = browser.cookie_header();
    mock.advance_clock(Duration::from_secs(WEEK));
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
    mock.advance_clock(Duration::from_secs(WEEK));
    let response = browser.get("/privileged").await;
    assert_eq!(response.status(), 401);
    assert_eq!(body_json(&response)["detail"], "Not logged in");
    let cleared = set_cookie(&response, "session").expect("the cookie is deleted");
    assert!(cleared.contains("Max-Age=0"));
    assert!(browser.cookie("session").is_none());
}

#[tokio::test]
async fn a_failing_refresh_is_a_5xx_and_keeps_the_session() {
    let mock = mock().await;
    let mut browser = logged_in_browser(stage(&mock), &NELLY).await;
    mock.advance_clock(Duration::from_secs(WEEK));
    mock.inject_fault(FaultRule::status_once(Endpoint::Token, 503));
    let response = browser.get("/privileged").await;
    assert_eq!(response.status(), 502);
    assert!(
        browser.cookie("session").is_some(),
        "a provider outage is not a logout"
    );
}
