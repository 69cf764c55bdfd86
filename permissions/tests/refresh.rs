//! Refresh with sessions on the server: the new tokens go to the row, and
//! two instances sharing the database never redeem one refresh token twice
//! (the provider would take that for theft and end the login).

mod support;

use mock_discord::{Endpoint, Fault, FaultRule};
use permissions::app::PermissionsApp;
use permissions::db::Db;
use permissions::settings::Settings;
use permissions::store;
use std::time::Duration;
use support::*;

const WEEK: u64 = 604_800;

/// Sessions that outlive the week an access token lasts, so that the
/// clock can reach the token's expiry without ending the session first.
fn long_sessions() -> Settings {
    Settings {
        session_idle: Duration::from_secs(14 * 24 * 3600),
        session_lifetime: Duration::from_secs(30 * 24 * 3600),
        ..Settings::default()
    }
}

async fn an_expiring_token_is_refreshed_into_the_row(backend: Backend) {
    let mock = mock().await;
    let (_, db) = database(backend).await;
    let state = state_with(&mock, db.clone(), &long_sessions());
    let mut browser = logged_in_browser(stage(&state), &GRACE).await;
    let cookie = browser.cookie("session").unwrap().to_string();
    let sealed_before = texts(&db, "SELECT sealed_tokens FROM sessions").await;
    mock.advance_clock(Duration::from_secs(WEEK));
    let response = browser.get("/privileged").await;
    assert_eq!(response.status(), 200);
    assert_eq!(refreshes(&mock), 1);
    assert_eq!(
        browser.cookie("session").unwrap(),
        cookie,
        "the cookie stays: only the row changes"
    );
    assert_ne!(
        texts(&db, "SELECT sealed_tokens FROM sessions").await,
        sealed_before
    );
    // The new pair is good for another week.
    mock.advance_clock(Duration::from_secs(WEEK - 120));
    assert_eq!(browser.get("/privileged").await.status(), 200);
    assert_eq!(refreshes(&mock), 1);
}

/// Two instances (each its own state and connection pool, one database),
/// and requests at expiry on both at once: one refresh, every request
/// served, and the login still alive at the provider.
async fn two_instances_refresh_once(backend: Backend) {
    let mock = mock().await;
    let (url, db) = database(backend).await;
    let a = state_with(&mock, db, &long_sessions());
    let second_pool = Db::connect(&url).await.unwrap();
    // The same SESSION_SECRET: instance B opens what A sealed.
    let b = PermissionsApp::new(a.app.clone(), second_pool, &long_sessions(), true, None);
    let browser = logged_in_browser(stage(&a), &GRACE).await;
    let cookie = format!("session={}", browser.cookie("session").unwrap());
    mock.advance_clock(Duration::from_secs(WEEK));

    let mut requests = Vec::new();
    for i in 0..16 {
        let routes = stage(if i % 2 == 0 { &a } else { &b });
        let cookie = cookie.clone();
        requests.push(tokio::spawn(async move {
            warp::test::request()
                .path("/privileged")
                .header("cookie", cookie)
                .reply(&routes)
                .await
                .status()
                .as_u16()
        }));
    }
    let mut statuses = Vec::new();
    for request in requests {
        statuses.push(request.await.unwrap());
    }
    assert!(statuses.iter().all(|s| *s == 200), "{statuses:?}");
    assert_eq!(refreshes(&mock), 1, "one refresh across both instances");
    let mut after = support::browser(stage(&b));
    after.set_cookie("session", Some(cookie.trim_start_matches("session=")));
    assert_eq!(after.get("/privileged").await.status(), 200);
    assert_eq!(refreshes(&mock), 1);
}

async fn a_refused_refresh_ends_the_session(backend: Backend) {
    let mock = mock().await;
    let (_, db) = database(backend).await;
    let state = state_with(&mock, db.clone(), &long_sessions());
    let mut browser = logged_in_browser(stage(&state), &GRACE).await;
    // The grant is gone at the provider (the user removed the app).
    mock.reset();
    mock.advance_clock(Duration::from_secs(WEEK));
    let response = browser.get("/privileged").await;
    assert_eq!(response.status(), 401);
    assert!(browser.cookie("session").is_none());
    assert!(texts(&db, "SELECT id_hash FROM sessions").await.is_empty());
}

async fn a_passing_refresh_failure_is_retried_by_the_next_request(backend: Backend) {
    let mock = mock().await;
    let (_, db) = database(backend).await;
    let state = state_with(&mock, db, &long_sessions());
    let mut browser = logged_in_browser(stage(&state), &GRACE).await;
    mock.advance_clock(Duration::from_secs(WEEK));
    mock.inject_fault(FaultRule::status_once(Endpoint::Token, 503));
    let failed = browser.get("/privileged").await;
    assert_eq!(failed.status(), 503, "{}", detail(&failed));
    assert!(browser.cookie("session").is_some(), "the session is kept");
    let retried = browser.get("/privileged").await;
    assert_eq!(retried.status(), 200, "{}", detail(&retried));
    assert_eq!(refreshes(&mock), 2);
}

/// RFC 6749 §6: a refresh response may leave out `refresh_token`; the
/// session then keeps the one it had, instead of losing it.
async fn a_refresh_without_a_refresh_token_keeps_the_old_one(backend: Backend) {
    let mock = mock().await;
    let (_, db) = database(backend).await;
    let state = state_with(&mock, db.clone(), &long_sessions());
    let mut browser = logged_in_browser(stage(&state), &GRACE).await;
    let id_hash = texts(&db, "SELECT id_hash FROM sessions").await.remove(0);
    let before = store::tokens(&db, &state.seal, &id_hash)
        .await
        .unwrap()
        .unwrap();
    mock.inject_fault(FaultRule {
        endpoint: Endpoint::Token,
        times: 1,
        fault: Fault::Status {
            status: 200,
            body: r#"{"access_token":"a-new-access-token","token_type":"Bearer","expires_in":604800,"scope":"identify"}"#.into(),
            content_type: None,
        },
    });
    mock.advance_clock(Duration::from_secs(WEEK));
    assert_eq!(browser.get("/privileged").await.status(), 200);
    let after = store::tokens(&db, &state.seal, &id_hash)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(after.access_token, "a-new-access-token");
    assert_eq!(after.refresh_token, before.refresh_token);
}

on_both_databases!(
    a_refresh_without_a_refresh_token_keeps_the_old_one,
    an_expiring_token_is_refreshed_into_the_row,
    two_instances_refresh_once,
    a_refused_refresh_ends_the_session,
    a_passing_refresh_failure_is_retried_by_the_next_request,
);
