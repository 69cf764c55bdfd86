//! Every answer carries `nosniff`; every page (the admin page's grant and
//! revoke buttons above all) a CSP that refuses framing, `X-Frame-Options`
//! and `Referrer-Policy`.

mod support;

use common::testing::missing_security_headers;
use support::*;

async fn every_answer_carries_the_security_headers(backend: Backend) {
    let mock = mock().await;
    let (_, db) = database(backend).await;
    let state = state(&mock, db);
    let mut anonymous = support::browser(stage(&state));
    let mut answers = vec![
        ("/ anonymous", anonymous.get("/").await),
        ("/admin anonymous", anonymous.get("/admin").await),
        ("/nope", anonymous.get("/nope").await),
    ];
    let mut nelly = logged_in_browser(stage(&state), &NELLY).await;
    answers.push(("/admin as nelly", nelly.get("/admin").await));
    let mut ada = support::browser(stage(&state));
    answers.push(("/auth", ada.login(&ADA).await));
    for path in [
        "/",
        "/users/me",
        "/privileged",
        "/admin",
        "/admin/users",
        "/admin/api/users",
    ] {
        answers.push((path, ada.get(path).await));
    }
    answers.push(("POST /logout", ada.request("POST", "/logout", &[]).await));
    let pages = answers
        .iter()
        .filter(|(_, r)| {
            r.headers()
                .get("content-type")
                .is_some_and(|v| v.to_str().unwrap().starts_with("text/html"))
        })
        .count();
    assert!(pages >= 3, "the sweep covers the pages: {pages}");
    for (what, response) in &answers {
        let missing = missing_security_headers(response);
        assert!(missing.is_empty(), "{what} lacks {missing:?}");
    }
}

on_both_databases!(every_answer_carries_the_security_headers);
