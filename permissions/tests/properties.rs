//! Property tests: whatever the browser or the provider sends, stage 3
//! answers, never panics, never answers a 5xx that is not the provider's
//! or the database's fault (502/503/504), and shapes every error
//! `{"detail": …}`. On SQLite: the inputs never reach SQL as text, and the
//! other tests run both databases.
//!
//! 10,000 cases per property; `PROPTEST_CASES=1000000 cargo test --release
//! -p permissions --test properties` runs a million.

mod support;

use common::testing::properties::{
    config, cookie_header, profile_answer, scripted_login, sweep_with_cookie, token_answer, world,
};
use permissions::app::PermissionsApp;
use permissions::settings::Settings;
use proptest::test_runner::TestRunner;
use support::*;

#[test]
fn any_cookie_header_gets_a_clear_answer() {
    let (runtime, _provider, app) = world();
    let (_, db) = runtime.block_on(database(Backend::Sqlite));
    let routes = permissions::routes(PermissionsApp::new(
        app,
        db,
        &Settings::default(),
        false,
        None,
    ));
    let mut runner = TestRunner::new(config());
    runner
        .run(&cookie_header(), |cookies| {
            runtime.block_on(sweep_with_cookie(
                &routes,
                &cookies,
                &[
                    ("GET", "/"),
                    ("GET", "/privileged"),
                    ("GET", "/users/me"),
                    ("GET", "/admin/users"),
                    ("GET", "/auth/discord?code=c&state=s"),
                    ("POST", "/logout"),
                ],
            ))
        })
        .unwrap();
}

#[test]
fn any_token_response_or_profile_gets_a_clear_answer() {
    let (runtime, provider, app) = world();
    let (_, db) = runtime.block_on(database(Backend::Sqlite));
    let routes = permissions::routes(PermissionsApp::new(
        app,
        db,
        &Settings::default(),
        false,
        None,
    ));
    let mut runner = TestRunner::new(config());
    runner
        .run(&(token_answer(), profile_answer()), |(token, profile)| {
            provider.answer_token(token);
            provider.answer_profile(profile);
            runtime.block_on(scripted_login(
                &routes,
                "/login/discord",
                "/auth/discord",
                &["/users/me", "/privileged"],
            ))
        })
        .unwrap();
}
