//! Property tests: whatever the browser or the provider sends, stage 1
//! answers, never panics, never answers a 5xx that is not the provider's
//! fault (502/503/504), and shapes every error `{"detail": …}`.
//!
//! 10,000 cases per property; `PROPTEST_CASES=1000000 cargo test --release
//! -p basic --test properties` runs a million.

use common::testing::properties::{
    callback_query, check, config, cookie_header, request_target, scripted_login, token_answer,
    world,
};
use common::testing::{location, query_param, Browser};
use proptest::prelude::any;
use proptest::test_runner::TestRunner;

#[test]
fn any_callback_query_and_cookie_gets_a_clear_answer() {
    let (runtime, _provider, app) = world();
    let mut runner = TestRunner::new(config());
    runner
        .run(
            &(callback_query(), cookie_header(), any::<bool>()),
            |(query, cookies, real_state)| {
                runtime.block_on(async {
                    let routes = basic::routes(app.clone());
                    // With a login in progress, and in half the cases its real
                    // state, so that a case gets past the state check; then
                    // with the hostile cookie instead.
                    let mut browser = Browser::new(routes.clone());
                    let state =
                        query_param(&location(&browser.get("/login").await), "state").unwrap();
                    let query = if real_state {
                        format!("{query}&state={state}")
                    } else {
                        query
                    };
                    let target = request_target("/auth", &query);
                    check(&target, &browser.get(&target).await)?;
                    if let Ok(cookie) = http::HeaderValue::from_str(&cookies) {
                        for path in ["/", "/login", target.as_str()] {
                            let response = warp::test::request()
                                .path(path)
                                .header("cookie", cookie.clone())
                                .reply(&routes)
                                .await;
                            check(path, &response)?;
                        }
                    }
                    Ok(())
                })
            },
        )
        .unwrap();
}

#[test]
fn any_token_response_gets_a_clear_answer() {
    let (runtime, provider, app) = world();
    let routes = basic::routes(app);
    let mut runner = TestRunner::new(config());
    runner
        .run(&token_answer(), |scripted| {
            provider.answer_token(scripted);
            runtime.block_on(scripted_login(&routes, "/login", "/auth", &[]))
        })
        .unwrap();
}
