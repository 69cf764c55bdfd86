//! Every answer carries `nosniff`; every page a CSP that refuses framing,
//! `X-Frame-Options` and `Referrer-Policy` (the callback URL holds a code).

use common::testing::{missing_security_headers, Browser};
use common::App;
use mock_discord::config::default_user_id;
use mock_discord::MockDiscord;

#[tokio::test]
async fn every_answer_carries_the_security_headers() {
    let mock = MockDiscord::builder().spawn().await.unwrap();
    let mut browser = Browser::new(basic::routes(App::for_mock(
        &mock,
        "http://127.0.0.1:5000/auth",
    )));
    let mut answers = vec![
        ("/", browser.get("/").await),
        ("/login", browser.get("/login").await),
        ("/auth (forged)", browser.get("/auth?code=x&state=y").await),
        ("/nope", browser.get("/nope").await),
        ("POST /login", browser.request("POST", "/login", &[]).await),
    ];
    answers.push(("/auth", browser.login(&default_user_id("nelly")).await));
    let home = &answers[0].1;
    assert!(home.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    for (what, response) in &answers {
        let missing = missing_security_headers(response);
        assert!(missing.is_empty(), "{what} lacks {missing:?}");
    }
}
