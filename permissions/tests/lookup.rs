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
    let grace_id = permissions::identities::find_by_identity(&db, "discord", &GRACE)
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
    a_flood_of_lookups_makes_bounded_batches,
    a_lookup_waits_at_most_its_deadline,
);

/// A flood of random, well-formed session ids, all waiting while a slow
/// query holds the lane: they make batches of at most 256 keys, never one
/// of thousands, and each gets its answer (no such session: 401).
async fn a_flood_of_lookups_makes_bounded_batches(backend: Backend) {
    let (_, db) = database(backend).await;
    let lookups = permissions::lookup::Lookups::new(db);
    let held = lookups.hold().await;
    let mut waiting = Vec::new();
    for n in 0..1000 {
        let lookups = lookups.clone();
        waiting.push(tokio::spawn(async move {
            lookups.find(&format!("{n:064x}")).await
        }));
    }
    // Every lookup joins a batch while the lane is held.
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    drop(held);
    for lookup in waiting {
        assert!(matches!(lookup.await.unwrap(), Ok(None)));
    }
    let largest = lookups.largest_batch();
    assert!(largest <= 256, "a batch of {largest} keys");
    assert!(lookups.queries() >= 4, "{} queries", lookups.queries());
}

/// Waiting has a deadline: a lookup stuck behind a query that does not end
/// gets a 503 that says to retry, not a hang.
async fn a_lookup_waits_at_most_its_deadline(backend: Backend) {
    let (_, db) = database(backend).await;
    let deadline = std::time::Duration::from_millis(200);
    let lookups = permissions::lookup::Lookups::with_deadline(db, deadline);
    let _held = lookups.hold().await;
    // (Bounded here too, so that without the deadline this fails, not hangs.)
    let found = tokio::time::timeout(deadline * 25, lookups.find(&"0".repeat(64))).await;
    let problem = found.expect("an answer within the deadline").unwrap_err();
    assert_eq!(problem.status, http::StatusCode::SERVICE_UNAVAILABLE);
    assert!(problem.detail.contains("Try again"), "{}", problem.detail);
}

/// The lookups keep a connection of their own, which the pool no longer
/// checks. If it breaks (the server restarted, an administrator ended it),
/// one batch gets a 503 that says to retry, and the next batch takes a new
/// connection: the lookups do not stay broken.
#[tokio::test]
async fn a_broken_lookup_connection_is_replaced() {
    let (url, db) = database(Backend::Postgres).await;
    let lookups = permissions::lookup::Lookups::new(db);
    let nobody = "0".repeat(64);
    assert!(matches!(lookups.find(&nobody).await, Ok(None)));
    let admin = sqlx::AnyPool::connect(&url).await.unwrap();
    sqlx::query(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
         WHERE datname = current_database() AND pid <> pg_backend_pid()",
    )
    .execute(&admin)
    .await
    .unwrap();
    if let Err(problem) = lookups.find(&nobody).await {
        assert_eq!(problem.status, http::StatusCode::SERVICE_UNAVAILABLE);
    }
    assert!(
        matches!(lookups.find(&nobody).await, Ok(None)),
        "the lookups kept their broken connection"
    );
}
