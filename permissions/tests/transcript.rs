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

/// A Google login, as a learner would follow it: the authorization
/// request (with its nonce), the callback, our session; and what the
/// mock's Google saw, parameter by parameter, secrets cut.
async fn a_google_login(backend: Backend) {
    let mock = mock().await;
    let (_, db) = database(backend).await;
    let state = state_with_google(&mock, db).await;
    let mut t = Transcript::new(&mock);
    let mut ada = support::google_browser(stage(&state));

    let login = ada.get(LOGIN_GOOGLE).await;
    let authorize = common::testing::location(&login);
    t.redact
        .hide_login(&authorize, ada.cookie("oauth_transaction").unwrap());
    let nonce = common::testing::query_param(&authorize, "nonce").unwrap();
    t.redact.hide(&nonce, "nonce");
    t.response(
        "1. GET /login/google",
        &login,
        &["location", "set-cookie"],
        Body::Raw,
    );

    let callback = mock_discord::submit_consent(
        &authorize,
        "110248495921238986420",
        mock_discord::Consent::Authorize,
    )
    .await
    .unwrap();
    let callback = common::testing::path_and_query(&callback);
    let code = common::testing::query_param(&callback, "code").unwrap();
    t.redact.hide(&code, "code");
    let done = ada.get(&callback).await;
    let session = ada.cookie("session").unwrap().to_string();
    t.redact.hide(&session, "session id");
    t.response(&format!("2. GET {callback}"), &done, SHOWN, Body::Raw);
    let me = ada.get("/users/me").await;
    let user_id = body_json(&me)["id"].as_i64().unwrap();
    t.redact.hide(&user_id.to_string(), "user id");
    t.redact
        .hide(&body_json(&me)["created_at"].to_string(), "created at");
    t.response("3. GET /users/me", &me, &[], Body::PrettyJson);

    t.provider_saw("meanwhile, the mock's Google saw:", &mock, |exchange| {
        exchange
            .params
            .iter()
            // The journal keeps a secret's first four characters: random,
            // so cut here too.
            .map(|(name, value)| match value.ends_with('…') {
                true => format!("{name} = [{name}, first 4 characters]"),
                false => format!("{name} = {value}"),
            })
            .collect()
    });
    insta::assert_snapshot!("a_google_login", t.text());
}

on_both_databases!(grant_revoke_and_logout, a_google_login);
