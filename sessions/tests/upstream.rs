//! /users/me when Discord says no, slows down or breaks.

mod support;

use mock_discord::{Endpoint, Fault, FaultRule};
use support::*;

fn fault(mock: &mock_discord::MockHandle, fault: Fault) {
    mock.inject_fault(FaultRule {
        endpoint: Endpoint::UsersMe,
        times: 1,
        fault,
    });
}

#[tokio::test]
async fn a_token_revoked_upstream_ends_the_session() {
    let mock = mock().await;
    let mut browser = logged_in_browser(stage(&mock), &NELLY).await;
    // Revoked behind our back: the user deauthorized the app on Discord.
    mock.reset();
    let response = browser.get("/users/me").await;
    assert_eq!(response.status(), 401);
    assert_eq!(body_json(&response)["detail"], "Not logged in");
    assert_session_cookie_deleted(&response);
    assert_eq!(
        browser.get("/privileged").await.status(),
        401,
        "the cookie is gone"
    );
}

#[tokio::test]
async fn rate_limiting_upstream_is_503_with_retry_after() {
    let mock = mock().await;
    let mut browser = logged_in_browser(stage(&mock), &NELLY).await;
    fault(
        &mock,
        Fault::Status {
            status: 429,
            body: r#"{"message":"You are being rate limited.","retry_after":2.5,"global":false}"#
                .into(),
            content_type: None,
        },
    );
    let response = browser.get("/users/me").await;
    assert_eq!(response.status(), 503);
    assert_eq!(
        response.headers()["retry-after"],
        "1",
        "no Retry-After upstream: 1 s"
    );
    assert!(browser.cookie("session").is_some());
}

#[tokio::test]
async fn the_mocks_own_rate_limit_passes_its_retry_after_through() {
    let mock = mock_discord::MockDiscord::builder()
        .rate_limit(2, std::time::Duration::from_secs(30))
        .spawn()
        .await
        .unwrap();
    let mut browser = logged_in_browser(stage(&mock), &NELLY).await;
    // The login itself used one /users/@me call; one more is allowed.
    assert_eq!(browser.get("/users/me").await.status(), 200);
    let limited = browser.get("/users/me").await;
    assert_eq!(limited.status(), 503);
    let retry_after: u64 = limited.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=30).contains(&retry_after), "{retry_after}");
}

#[tokio::test]
async fn other_failures_map_as_in_basic() {
    let mock = mock().await;
    let mut browser = logged_in_browser(stage(&mock), &NELLY).await;
    for (injected, expected) in [
        (
            Fault::Status {
                status: 500,
                body: String::new(),
                content_type: None,
            },
            502,
        ),
        (Fault::MalformedJson, 502),
        (Fault::WrongContentType, 502),
        (Fault::DropConnection, 502),
    ] {
        fault(&mock, injected.clone());
        let response = browser.get("/users/me").await;
        assert_eq!(response.status(), expected, "{injected:?}");
        assert!(body_json(&response)["detail"].is_string());
    }
    assert_eq!(
        browser.get("/users/me").await.status(),
        200,
        "still logged in"
    );
}

/// A user object without an id is not passed on as a profile.
#[tokio::test]
async fn a_profile_without_an_id_is_502() {
    let mock = mock().await;
    let mut browser = logged_in_browser(stage(&mock), &NELLY).await;
    fault(
        &mock,
        Fault::Status {
            status: 200,
            body: r#"{"username":"nelly","global_name":"Nelly"}"#.into(),
            content_type: None,
        },
    );
    let response = browser.get("/users/me").await;
    assert_eq!(response.status(), 502);
    assert!(body_json(&response)["detail"]
        .as_str()
        .unwrap()
        .contains("no id"));
    // And at login, where the name is read: no session from it.
    let mut fresh = common::testing::Browser::new(stage(&mock));
    fault(
        &mock,
        Fault::Status {
            status: 200,
            body: r#"{"username":"nelly"}"#.into(),
            content_type: None,
        },
    );
    let login = fresh.login(&NELLY).await;
    assert_eq!(login.status(), 502);
    assert!(fresh.cookie("session").is_none());
}

/// The mock's own fault kinds for what a provider's edge does: a 429 with
/// `Retry-After` (passed on, as the stage's 503 says when to retry), a
/// redirect (never followed: 502), and a body trickled a byte a second
/// (F2: the total timeout cuts it off, 504, never a hang).
#[tokio::test]
async fn rate_limits_redirects_and_trickled_bodies_at_the_api() {
    let mock = mock().await;
    let mut browser = logged_in_browser(stage(&mock), &NELLY).await;
    fault(&mock, Fault::TooManyRequests { retry_after: 7 });
    let limited = browser.get("/users/me").await;
    assert_eq!(limited.status(), 503);
    assert_eq!(limited.headers()["retry-after"], "7");

    fault(
        &mock,
        Fault::Redirect {
            status: 302,
            location: "https://evil.example/steal".into(),
        },
    );
    let redirected = browser.get("/users/me").await;
    assert_eq!(redirected.status(), 502);
    assert!(redirected.headers().get("location").is_none());

    fault(&mock, Fault::SlowBody { millis: 1000 });
    let trickled = browser.get("/users/me").await;
    assert_eq!(trickled.status(), 504);
    assert!(browser.cookie("session").is_some(), "still logged in");
}
