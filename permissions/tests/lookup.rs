//! Coalesced session lookups: concurrent requests share queries, and a
//! change committed before a request is still seen by that request.

mod support;

use common::testing::StageRoutes;
use permissions::users;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use support::*;

async fn get(routes: &impl StageRoutes, cookie: &str) -> u16 {
    warp::test::request()
        .path("/privileged")
        .header("cookie", format!("session={cookie}"))
        .reply(routes)
        .await
        .status()
        .as_u16()
}

async fn concurrent_requests_share_queries(backend: Backend) {
    let mock = mock().await;
    let (_, db) = database(backend).await;
    let state = state(&mock, db);
    let mut cookies = Vec::new();
    for user in [&*GRACE, &*NELLY, &*ADA, &*GRACE] {
        let browser = logged_in_browser(stage(&state), user).await;
        cookies.push(browser.cookie("session").unwrap().to_string());
    }
    let before = state.lookups.queries();
    let mut requests = Vec::new();
    for i in 0..64 {
        let (routes, cookie) = (stage(&state), cookies[i % 4].clone());
        requests.push(tokio::spawn(async move { get(&routes, &cookie).await }));
    }
    let mut statuses = Vec::new();
    for request in requests {
        statuses.push(request.await.unwrap());
    }
    for (i, status) in statuses.iter().enumerate() {
        // Nelly (the second cookie) may not; Grace and Ada may.
        let expected = if i % 4 == 1 { 403 } else { 200 };
        assert_eq!(*status, expected, "request {i}");
    }
    let queries = state.lookups.queries() - before;
    assert!(queries < 64, "{queries} queries for 64 requests");
}

async fn a_change_is_seen_by_the_next_request_under_load(backend: Backend) {
    let mock = mock().await;
    let (_, db) = database(backend).await;
    let state = state(&mock, db.clone());
    let grace = logged_in_browser(stage(&state), &GRACE).await;
    let cookie = grace.cookie("session").unwrap().to_string();
    let grace_id = users::find_by_identity(&db, "discord", &GRACE)
        .await
        .unwrap()
        .unwrap();

    // Other requests keep the lookups busy all along.
    let running = Arc::new(AtomicBool::new(true));
    let mut load = Vec::new();
    for _ in 0..8 {
        let (routes, cookie, running) = (stage(&state), cookie.clone(), running.clone());
        load.push(tokio::spawn(async move {
            while running.load(Ordering::Relaxed) {
                get(&routes, &cookie).await;
            }
        }));
    }
    let routes = stage(&state);
    for round in 0..100 {
        users::revoke(&db, grace_id, "privileged").await.unwrap();
        assert_eq!(get(&routes, &cookie).await, 403, "round {round}: revoked");
        users::grant(&db, grace_id, "privileged").await.unwrap();
        assert_eq!(get(&routes, &cookie).await, 200, "round {round}: granted");
    }
    running.store(false, Ordering::Relaxed);
    for task in load {
        task.await.unwrap();
    }
}

on_both_databases!(
    concurrent_requests_share_queries,
    a_change_is_seen_by_the_next_request_under_load,
);
