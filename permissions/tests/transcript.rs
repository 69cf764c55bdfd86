//! The lesson of stage 3 as a transcript: 403 until an admin grants the
//! permission, 200 on the next request, and after logout a copied cookie
//! is worth nothing. Run against SQLite and PostgreSQL; both must read the
//! same.

mod support;

use common::testing::{Body, Transcript};
use support::*;

const SHOWN: &[&str] = &["location", "set-cookie"];

async fn grant_revoke_and_logout(backend: Backend) {
    let mock = mock().await;
    let (_, db) = database(backend).await;
    let state = state(&mock, db);
    let mut t = Transcript::new(&mock);

    let mut grace = support::browser(stage(&state));
    let login = grace.login(&GRACE).await;
    let session = grace.cookie("session").unwrap().to_string();
    t.redact.hide(&session, "Grace's session id");
    t.response(
        "1. Grace logs in: GET /auth/discord?code&state&iss",
        &login,
        SHOWN,
        Body::Raw,
    );
    let me = grace.get("/users/me").await;
    let grace_id = body_json(&me)["id"].as_i64().unwrap();
    t.redact.hide(&grace_id.to_string(), "Grace's user id");
    t.line(format!(
        "2. GET /users/me -> {}: permissions {}",
        me.status(),
        body_json(&me)["permissions"]
    ));
    let forbidden = grace.get("/admin").await;
    t.response("3. GET /admin", &forbidden, SHOWN, Body::Raw);
    assert_eq!(forbidden.status(), 403);

    let mut ada = logged_in_browser(stage(&state), &ADA).await;
    let grant = ada
        .send(
            "POST",
            &format!("/admin/users/{grace_id}/permissions"),
            &[
                ("sec-fetch-site", "same-origin"),
                ("content-type", "application/x-www-form-urlencoded"),
            ],
            "permission=admin&action=grant",
        )
        .await;
    t.response(
        "4. Ada, an admin: POST /admin/users/{Grace}/permissions permission=admin&action=grant",
        &grant,
        SHOWN,
        Body::Raw,
    );
    assert_eq!(grant.status(), 303);

    let allowed = grace.get("/admin").await;
    t.response("5. Grace: GET /admin", &allowed, SHOWN, Body::Raw);
    assert_eq!(allowed.status(), 200);

    let copied = session.clone();
    let logout = grace.request("POST", "/logout", SAME_ORIGIN).await;
    t.response("6. Grace: POST /logout", &logout, SHOWN, Body::Raw);
    let mut thief = support::browser(stage(&state));
    thief.set_cookie("session", Some(&copied));
    let replayed = thief.get("/admin").await;
    t.response(
        "7. a copy of Grace's old cookie: GET /admin",
        &replayed,
        SHOWN,
        Body::Raw,
    );
    assert_eq!(replayed.status(), 401);

    t.provider_saw_revocations(&mock);
    insta::assert_snapshot!("grant_revoke_and_logout", t.text());
}

on_both_databases!(grant_revoke_and_logout);
