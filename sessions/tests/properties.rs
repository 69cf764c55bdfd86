//! Property tests: whatever the browser or the provider sends, stage 2
//! answers, never panics, never answers a 5xx that is not the provider's
//! fault (502/503/504), and shapes every error `{"detail": …}`.
//!
//! 10,000 cases per property; `PROPTEST_CASES=1000000 cargo test --release
//! -p sessions --test properties` runs a million.

use common::testing::properties::{
    config, cookie_header, profile_answer, scripted_login, sweep_with_cookie, token_answer,
    valid_profile, valid_tokens, world, Scripted,
};
use proptest::test_runner::TestRunner;

#[test]
fn any_cookie_header_gets_a_clear_answer() {
    let (runtime, _provider, app) = world();
    let routes = sessions::routes(app);
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
                    ("GET", "/auth?code=c&state=s"),
                    ("POST", "/logout"),
                ],
            ))
        })
        .unwrap();
}

/// A login whose token response, or whose profile, is anything at all;
/// then, if it logged in, the profile page and a refresh with the same.
#[test]
fn any_token_response_or_profile_gets_a_clear_answer() {
    let (runtime, provider, app) = world();
    let routes = sessions::routes(app);
    let mut runner = TestRunner::new(config());
    runner
        .run(&(token_answer(), profile_answer()), |(token, profile)| {
            provider.answer_token(token.clone());
            provider.answer_profile(profile);
            runtime.block_on(scripted_login(
                &routes,
                "/login",
                "/auth",
                &["/users/me", "/privileged"],
            ))
        })
        .unwrap();
    provider.answer_token(Scripted::json(valid_tokens()));
    provider.answer_profile(Scripted::json(valid_profile()));
}
