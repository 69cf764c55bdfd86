//! The session's two clocks (README, "Two clocks"): a week from the
//! login, and half a week unused. Driven by the mock's clock, which the
//! stage shares: no sleeps.

mod support;

use std::time::Duration;
use support::*;

const WEEK: u64 = 604_800;

/// The cookie's Max-Age is a week, but a copied cookie (or a browser that
/// ignores Max-Age) can come back later. The server counts too.
#[tokio::test]
async fn a_cookie_past_its_lifetime_is_refused_by_the_server() {
    let mock = mock().await;
    let mut browser = logged_in_browser(stage(&mock), &NELLY).await;
    mock.advance_clock(Duration::from_secs(WEEK + 3600));
    let response = browser.get("/privileged").await;
    assert_eq!(response.status(), 401);
    assert_session_cookie_deleted(&response);
    assert_eq!(refreshes(&mock), 0, "an over-age session is not refreshed");
}

/// What a stage restarted with the same key, its clock back at now,
/// answers `/privileged` with this session cookie.
async fn after_a_restart(keys: common::CookieKeys, session: &str) -> http::StatusCode {
    let restarted = mock().await;
    let mut app = common::App::for_mock(&restarted, REDIRECT);
    app.keys = keys;
    let mut browser = common::testing::Browser::new(sessions::routes(app));
    browser.set_cookie("session", Some(session));
    browser.get("/privileged").await.status()
}

/// A cookie issued in the future, by a clock that has since gone back (an
/// offline stage restarted after its mock's clock was moved a century on,
/// with the same `SESSION_SECRET`), is over: its age would otherwise read
/// as zero for a hundred years.
#[tokio::test]
async fn a_cookie_issued_in_the_future_is_refused() {
    let ahead = mock().await;
    ahead.advance_clock(mock_discord::clock::MAX_OFFSET);
    let app = common::App::for_mock(&ahead, REDIRECT);
    let keys = app.keys.clone();
    let mut browser = logged_in_browser(sessions::routes(app), &NELLY).await;
    assert_eq!(browser.get("/privileged").await.status(), 200);

    let session = browser.cookie("session").unwrap();
    assert_eq!(after_a_restart(keys, session).await, 401);
}

/// A cookie logged in now but renewed in the future (the offline clock
/// moved on, a page loaded, then the stage restarted with its clock back)
/// is over too: its idle time would otherwise read as zero until then.
#[tokio::test]
async fn a_cookie_renewed_in_the_future_is_refused() {
    let ahead = mock().await;
    let app = common::App::for_mock(&ahead, REDIRECT);
    let keys = app.keys.clone();
    let mut browser = logged_in_browser(sessions::routes(app), &NELLY).await;
    ahead.advance_clock(Duration::from_secs(2 * 3600));
    let renewed = browser.get("/privileged").await;
    assert!(
        set_cookie(&renewed, "session").is_some(),
        "renewed two hours on"
    );

    let session = browser.cookie("session").unwrap();
    assert_eq!(after_a_restart(keys, session).await, 401);
}

/// The lifetime counts from the login, not from the last refresh: a thief
/// who replays a copied cookie just before each expiry, refreshing it each
/// time, keeps it at most a week.
#[tokio::test]
async fn refreshing_never_extends_a_login_past_its_week() {
    let mock = mock().await;
    let mut browser = logged_in_browser(stage(&mock), &NELLY).await;
    keep_using_for(&mock, &mut browser, UNTIL_THE_TOKEN_EXPIRES).await;
    let refreshed = browser.get("/privileged").await;
    assert_eq!(refreshed.status(), 200);
    assert_eq!(refreshes(&mock), 1);
    // The renewed cookie's Max-Age is what is left of the week.
    let renewed = set_cookie(&refreshed, "session").unwrap();
    let max_age = cookie::Cookie::parse(renewed).unwrap().max_age().unwrap();
    assert!(max_age.whole_seconds() <= 30, "{max_age}");
    // A fresh token, a cookie in use: only the login's week can end it.
    // (Margins of seconds: the wall clock under the mock's keeps running.)
    mock.advance_clock(Duration::from_secs(20));
    assert_eq!(browser.get("/privileged").await.status(), 200);
    mock.advance_clock(Duration::from_secs(10));
    let response = browser.get("/privileged").await;
    assert_eq!(response.status(), 401);
    assert_eq!(refreshes(&mock), 1, "an over-age login is not refreshed");
}

/// A cookie nobody uses for half a week is over, though its login's week
/// is not: a cookie left on a shared computer, or copied and kept for
/// later, does not last the whole week.
#[tokio::test]
async fn a_session_unused_for_half_a_week_is_over() {
    let mock = mock().await;
    let mut browser = logged_in_browser(stage(&mock), &NELLY).await;
    let idle = sessions::session::SESSION_IDLE;
    let copy = browser.cookie("session").unwrap().to_string();
    // (Margins of seconds: the wall clock under the mock's keeps running.)
    mock.advance_clock(idle - Duration::from_secs(10));
    assert_eq!(browser.get("/privileged").await.status(), 200);
    // Ten seconds later the copy, unused since the login, is over; the
    // browser's own cookie was renewed by its use just before.
    mock.advance_clock(Duration::from_secs(10));
    browser.set_cookie("session", Some(&copy));
    let response = browser.get("/privileged").await;
    assert_eq!(response.status(), 401);
    assert_session_cookie_deleted(&response);
    assert_eq!(refreshes(&mock), 0, "an idle session is not refreshed");
}

/// Use renews the cookie, at most once an hour: the idle limit then
/// counts from the last use, and a busy page does not get a new cookie
/// with every answer. The renewed cookie's Max-Age is the idle limit, and
/// its token is the same one (nothing is refreshed).
#[tokio::test]
async fn use_renews_the_cookie_at_most_once_an_hour() {
    let mock = mock().await;
    let app = common::App::for_mock(&mock, REDIRECT);
    let (keys, policy) = (app.keys.clone(), app.cookies);
    let mut browser = logged_in_browser(sessions::routes(app), &NELLY).await;
    let session = |browser: &common::testing::Browser<_>| {
        sessions::session::Session::from_cookies(&keys, policy, Some(&browser.cookie_header()))
            .unwrap()
            .unwrap()
    };
    let login = session(&browser);

    // (Margins of seconds: the wall clock under the mock's keeps running.)
    mock.advance_clock(Duration::from_secs(3590));
    let within_the_hour = browser.get("/privileged").await;
    assert_eq!(within_the_hour.status(), 200);
    assert_eq!(set_cookie(&within_the_hour, "session"), None);

    mock.advance_clock(Duration::from_secs(20));
    let after_an_hour = browser.get("/privileged").await;
    assert_eq!(after_an_hour.status(), 200);
    let renewed = set_cookie(&after_an_hour, "session").expect("a renewed cookie");
    let idle = sessions::session::SESSION_IDLE.as_secs();
    assert!(renewed.contains(&format!("Max-Age={idle}")), "{renewed}");
    let now = session(&browser);
    let used = now.issued_at - login.issued_at;
    assert!(
        (3610..3620).contains(&used),
        "renewed at its use, {used} s on"
    );
    assert_eq!(now.logged_in_at, login.logged_in_at);
    assert_eq!(now.access_token, login.access_token);
    assert_eq!(refreshes(&mock), 0);

    // Idle counts from that use: most of half a week later, still in.
    mock.advance_clock(sessions::session::SESSION_IDLE - Duration::from_secs(10));
    assert_eq!(browser.get("/privileged").await.status(), 200);
}
