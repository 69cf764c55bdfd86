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
    check, config, cookie_header, profile_answer, token_answer, world,
};
use common::testing::{location, query_param, Browser};
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
            let Ok(cookie) = http::HeaderValue::from_str(&cookies) else {
                return Ok(()); // no browser can send it
            };
            runtime.block_on(async {
                for (method, path) in [
                    ("GET", "/"),
                    ("GET", "/privileged"),
                    ("GET", "/users/me"),
                    ("GET", "/admin/users"),
                    ("GET", "/auth/discord?code=c&state=s"),
                    ("POST", "/logout"),
                ] {
                    let response = warp::test::request()
                        .method(method)
                        .path(path)
                        .header("cookie", cookie.clone())
                        .reply(&routes)
                        .await;
                    check(path, &response)?;
                }
                Ok(())
            })
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
            runtime.block_on(async {
                let mut browser = Browser::new(routes.clone());
                let state =
                    query_param(&location(&browser.get("/login/discord").await), "state").unwrap();
                let callback = browser
                    .get(&format!("/auth/discord?code=c&state={state}"))
                    .await;
                check("the callback", &callback)?;
                for path in ["/users/me", "/privileged"] {
                    check(path, &browser.get(path).await)?;
                }
                Ok(())
            })
        })
        .unwrap();
}
