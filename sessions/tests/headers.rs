//! Every answer carries `nosniff`; every page a CSP that refuses framing
//! (the logout button must not be clickjackable), `X-Frame-Options` and
//! `Referrer-Policy`.

mod support;

use common::testing::{missing_security_headers, Browser};
use support::*;

#[tokio::test]
async fn every_answer_carries_the_security_headers() {
    let mock = mock().await;
    let routes = stage(&mock);
    let mut anonymous = Browser::new(routes.clone());
    let mut answers = vec![
        ("/ anonymous", anonymous.get("/").await),
        ("/privileged anonymous", anonymous.get("/privileged").await),
        ("/nope", anonymous.get("/nope").await),
    ];
    let mut browser = Browser::new(routes);
    answers.push(("/auth", browser.login(&NELLY).await));
    for path in ["/", "/users/me", "/privileged"] {
        answers.push((path, browser.get(path).await));
    }
    let logout = browser
        .request("POST", "/logout", &[("sec-fetch-site", "cross-site")])
        .await;
    assert_eq!(logout.status(), 403);
    answers.push(("POST /logout cross-site", logout));
    answers.push((
        "POST /logout",
        browser.request("POST", "/logout", &[]).await,
    ));
    let home = &answers[3 + 1].1;
    assert!(home.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    for (what, response) in &answers {
        let missing = missing_security_headers(response);
        assert!(missing.is_empty(), "{what} lacks {missing:?}");
    }
}
