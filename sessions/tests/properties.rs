//! Property tests: whatever the browser or the provider sends, stage 2
//! answers, never panics, never answers a 5xx that is not the provider's
//! fault (502/503/504), and shapes every error `{"detail": …}`.
//!
//! 10,000 cases per property; `PROPTEST_CASES=1000000 cargo test --release
//! -p sessions --test properties` runs a million.

use common::testing::properties::{
    check, config, cookie_header, profile_answer, token_answer, valid_profile, valid_tokens, world,
    Scripted,
};
use common::testing::{location, query_param, Browser};
use proptest::test_runner::TestRunner;

#[test]
fn any_cookie_header_gets_a_clear_answer() {
    let (runtime, _provider, app) = world();
    let routes = sessions::routes(app);
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
                    ("GET", "/auth?code=c&state=s"),
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
            runtime.block_on(async {
                let mut browser = Browser::new(routes.clone());
                let state = query_param(&location(&browser.get("/login").await), "state").unwrap();
                let callback = browser.get(&format!("/auth?code=c&state={state}")).await;
                check("the callback", &callback)?;
                for path in ["/users/me", "/privileged"] {
                    check(path, &browser.get(path).await)?;
                }
                Ok(())
            })
        })
        .unwrap();
    provider.answer_token(Scripted::json(valid_tokens()));
    provider.answer_profile(Scripted::json(valid_profile()));
}
