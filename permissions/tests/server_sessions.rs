//! Sessions on the server: what the cookie and the database hold, fixation,
//! both timeouts (driven by the mock's clock, which the stage shares),
//! logout everywhere, and a permission or a user removed in the database.

mod support;

use permissions::settings::Settings;
use permissions::{store, users};
use sha2::{Digest, Sha256};
use std::time::Duration;
use support::*;

const MINUTE: u64 = 60;

async fn the_cookie_holds_a_random_id_and_the_database_its_hash(backend: Backend) {
    let mock = mock().await;
    let (_, db) = database(backend).await;
    let state = state(&mock, db.clone());
    let browser = logged_in_browser(stage(&state), &GRACE).await;
    let id = browser.cookie("session").unwrap().to_string();
    assert_eq!(id.len(), 43, "256 random bits, base64url");

    let hashes = texts(&db, "SELECT id_hash FROM sessions").await;
    let expected: String = Sha256::digest(id.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(hashes, [expected], "the table keeps the id's SHA-256 only");

    let sealed = texts(&db, "SELECT sealed_tokens FROM sessions").await;
    let tokens = store::tokens(&db, &state.seal, &hashes[0])
        .await
        .unwrap()
        .expect("the stage can open its tokens");
    for secret in [
        tokens.access_token.as_str(),
        tokens.refresh_token.as_deref().unwrap(),
    ] {
        assert!(
            !sealed[0].contains(secret),
            "a token in the clear in the table"
        );
        assert!(!id.contains(secret));
    }
    let token_works = reqwest::Client::new()
        .get(format!("{}/api/v10/users/@me", mock.base_url()))
        .bearer_auth(&tokens.access_token)
        .send()
        .await
        .unwrap();
    assert_eq!(
        token_works.status(),
        200,
        "the sealed token is the live one"
    );
}

async fn logging_in_again_replaces_any_session_the_browser_had(backend: Backend) {
    let mock = mock().await;
    let (_, db) = database(backend).await;
    let state = state(&mock, db.clone());

    // An attacker logs in, and plants the session cookie in the victim's
    // browser (a subdomain, a shared computer).
    let attacker = logged_in_browser(stage(&state), &NELLY).await;
    let planted = attacker.cookie("session").unwrap().to_string();
    let mut victim = support::browser(stage(&state));
    victim.set_cookie("session", Some(&planted));
    let login = victim.login(&GRACE).await;
    assert_eq!(login.status(), 303);
    let fresh = victim.cookie("session").unwrap().to_string();
    assert_ne!(fresh, planted, "a login always gets a new session id");

    // The planted id no longer works for anyone.
    let mut replay = support::browser(stage(&state));
    replay.set_cookie("session", Some(&planted));
    assert_eq!(replay.get("/users/me").await.status(), 401);
    assert_eq!(texts(&db, "SELECT id_hash FROM sessions").await.len(), 1);
    // Its grant was revoked at the provider too.
    assert_eq!(mock.requests_to("/api/oauth2/token/revoke").len(), 1);

    // An id the server never issued is not adopted either.
    let mut guessed = support::browser(stage(&state));
    let made_up = "A".repeat(43);
    guessed.set_cookie("session", Some(&made_up));
    guessed.login(&GRACE).await;
    assert_ne!(guessed.cookie("session").unwrap(), made_up);
}

async fn the_idle_timeout_ends_an_unused_session(backend: Backend) {
    let mock = mock().await;
    let (_, db) = database(backend).await;
    let state = state(&mock, db);
    let mut browser = logged_in_browser(stage(&state), &GRACE).await;
    // Used every 25 minutes, a 30-minute idle timeout never strikes.
    for _ in 0..4 {
        mock.advance_clock(Duration::from_secs(25 * MINUTE));
        assert_eq!(browser.get("/privileged").await.status(), 200);
    }
    // Left alone for 31 minutes, it does, and its grant is revoked at
    // the provider (its tokens were live there).
    mock.advance_clock(Duration::from_secs(31 * MINUTE));
    let response = browser.get("/privileged").await;
    assert_eq!(response.status(), 401);
    assert!(browser.cookie("session").is_none(), "the cookie is deleted");
    assert_eq!(revocations(&mock), 1);
}

fn revocations(mock: &mock_discord::MockHandle) -> usize {
    mock.requests_to("/api/oauth2/token/revoke").len()
}

/// A session nobody comes back for: the sweep ends it past its timeout,
/// and revokes its grant; its sealed refresh token does not stay in the
/// database for ever.
async fn the_sweep_ends_abandoned_sessions_and_revokes_them(backend: Backend) {
    let mock = mock().await;
    let (_, db) = database(backend).await;
    let state = state(&mock, db.clone());
    logged_in_browser(stage(&state), &GRACE).await;
    logged_in_browser(stage(&state), &ADA).await;
    assert_eq!(
        permissions::ending::sweep(&state).await.unwrap(),
        0,
        "none over"
    );
    mock.advance_clock(Duration::from_secs(31 * MINUTE));
    assert_eq!(permissions::ending::sweep(&state).await.unwrap(), 2);
    assert!(texts(&db, "SELECT id_hash FROM sessions").await.is_empty());
    assert_eq!(revocations(&mock), 2);
    assert_eq!(permissions::ending::sweep(&state).await.unwrap(), 0);
}

async fn the_absolute_timeout_ends_even_a_busy_session(backend: Backend) {
    let mock = mock().await;
    let (_, db) = database(backend).await;
    let settings = Settings {
        session_lifetime: Duration::from_secs(2 * 3600),
        ..Settings::default()
    };
    let state = state_with(&mock, db.clone(), &settings);
    let mut browser = logged_in_browser(stage(&state), &GRACE).await;
    let copied = browser.cookie("session").unwrap().to_string();
    for _ in 0..4 {
        mock.advance_clock(Duration::from_secs(25 * MINUTE));
        assert_eq!(browser.get("/privileged").await.status(), 200);
    }
    // 2 h 5 min after login, busy or not: over. The cookie's Max-Age does
    // not matter; a copy replayed is refused just the same.
    mock.advance_clock(Duration::from_secs(25 * MINUTE));
    let mut replay = support::browser(stage(&state));
    replay.set_cookie("session", Some(&copied));
    assert_eq!(replay.get("/privileged").await.status(), 401);
    assert_eq!(browser.get("/privileged").await.status(), 401);
    assert!(texts(&db, "SELECT id_hash FROM sessions").await.is_empty());
}

/// A row last seen in the future was timed by a clock that has since gone
/// back (an offline stage restarted after its mock's clock was moved a
/// century on): its timeouts would not strike for a century, so it is over.
async fn a_session_last_seen_in_the_future_is_over(backend: Backend) {
    let ahead = mock().await;
    ahead.advance_clock(mock_discord::clock::MAX_OFFSET);
    let (_, db) = database(backend).await;
    let mut browser = logged_in_browser(stage(&state(&ahead, db.clone())), &GRACE).await;
    assert_eq!(browser.get("/privileged").await.status(), 200);

    let restarted = mock().await;
    let session = browser.cookie("session").unwrap().to_string();
    let mut browser = support::browser(stage(&state(&restarted, db)));
    browser.set_cookie("session", Some(&session));
    assert_eq!(browser.get("/privileged").await.status(), 401);
}

/// Sealed tokens open only for their row, provider and user. A row whose
/// provider was changed (tokens written for Discord would go to Google's
/// endpoints), and a corrupted row shorter than a nonce, both end the
/// session at its next refresh: a 401, no request to any provider, and
/// never a panic.
async fn tokens_that_do_not_open_end_the_session(backend: Backend) {
    for spoil in [
        "UPDATE sessions SET provider = 'google'",
        "UPDATE sessions SET sealed_tokens = 'AAAA'",
    ] {
        let mock = mock().await;
        let (_, db) = database(backend).await;
        let state = state_with_google(&mock, db.clone()).await;
        let mut browser = logged_in_browser(stage(&state), &GRACE).await;
        sqlx::query(spoil).execute(&db.pool).await.unwrap();
        // The access token expires now: the next request refreshes (well
        // inside the idle timeout, which moving the clock would pass).
        sqlx::query("UPDATE sessions SET access_expires_at = $1")
            .bind(mock.clock().now_secs() as i64)
            .execute(&db.pool)
            .await
            .unwrap();
        let response = browser.get("/privileged").await;
        assert_eq!(response.status(), 401, "{spoil}");
        assert_eq!(refreshes(&mock), 0, "{spoil}");
        assert!(mock.requests_to("/google/token").is_empty(), "{spoil}");
        assert!(texts(&db, "SELECT id_hash FROM sessions").await.is_empty());
    }
}

async fn last_seen_is_written_at_most_once_a_minute(backend: Backend) {
    let mock = mock().await;
    let (_, db) = database(backend).await;
    let state = state(&mock, db.clone());
    let mut browser = logged_in_browser(stage(&state), &GRACE).await;
    let last_seen = || async {
        use sqlx::Row;
        sqlx::query("SELECT last_seen_at FROM sessions")
            .fetch_one(&db.pool)
            .await
            .unwrap()
            .get::<i64, _>(0)
    };
    let at_login = last_seen().await;
    mock.advance_clock(Duration::from_secs(30));
    assert_eq!(browser.get("/privileged").await.status(), 200);
    assert_eq!(last_seen().await, at_login, "30 s later: not written");
    mock.advance_clock(Duration::from_secs(31));
    assert_eq!(browser.get("/privileged").await.status(), 200);
    assert!(last_seen().await >= at_login + 61, "61 s later: written");
}

async fn logout_everywhere_ends_every_session_of_the_user(backend: Backend) {
    let mock = mock().await;
    let (_, db) = database(backend).await;
    let state = state(&mock, db.clone());
    let mut laptop = logged_in_browser(stage(&state), &ADA).await;
    let mut phone = logged_in_browser(stage(&state), &ADA).await;
    let mut grace = logged_in_browser(stage(&state), &GRACE).await;
    let out = laptop.request("POST", "/logout/all", SAME_ORIGIN).await;
    assert_eq!(out.status(), 303);
    assert_eq!(phone.get("/users/me").await.status(), 401);
    assert_eq!(laptop.get("/users/me").await.status(), 401);
    assert_eq!(
        grace.get("/users/me").await.status(),
        200,
        "other users stay"
    );
    assert_eq!(mock.requests_to("/api/oauth2/token/revoke").len(), 2);
    // Anonymous: nothing to end.
    let mut nobody = support::browser(stage(&state));
    let anonymous = nobody.request("POST", "/logout/all", SAME_ORIGIN).await;
    assert_eq!(anonymous.status(), 401);
}

async fn changes_in_the_database_count_on_the_next_request(backend: Backend) {
    let mock = mock().await;
    let (_, db) = database(backend).await;
    let state = state(&mock, db.clone());
    let mut grace = logged_in_browser(stage(&state), &GRACE).await;
    assert_eq!(grace.get("/privileged").await.status(), 200);
    let grace_id = permissions::identities::find_by_identity(&db, "discord", &GRACE)
        .await
        .unwrap()
        .unwrap();

    users::revoke(&db, grace_id, "privileged").await.unwrap();
    let forbidden = grace.get("/privileged").await;
    assert_eq!(forbidden.status(), 403);
    assert_eq!(detail(&forbidden), "Insufficient permissions");

    users::grant(&db, grace_id, "privileged").await.unwrap();
    assert_eq!(grace.get("/privileged").await.status(), 200);

    users::delete(&db, grace_id).await.unwrap();
    let gone = grace.get("/privileged").await;
    assert_eq!(gone.status(), 401);
    assert_eq!(detail(&gone), "Not logged in");
}

async fn users_me_is_our_record_from_the_database(backend: Backend) {
    let mock = mock().await;
    let (_, db) = database(backend).await;
    let state = state(&mock, db);
    let mut ada = logged_in_browser(stage(&state), &ADA).await;
    let calls_after_login = mock.requests_to("/users/@me").len();
    let me = body_json(&ada.get("/users/me").await);
    assert_eq!(me["display_name"], "Ada Lovelace");
    assert_eq!(
        me["permissions"],
        serde_json::json!(["admin", "privileged"])
    );
    assert_eq!(me["identities"][0]["provider"], "discord");
    assert_eq!(me["identities"][0]["subject"], ADA.as_str());
    assert_eq!(me["identities"][0]["profile"]["username"], "ada.lovelace");
    assert!(me["id"].as_i64().is_some_and(|id| id > 0));
    assert_eq!(
        mock.requests_to("/users/@me").len(),
        calls_after_login,
        "no call to the provider"
    );

    // A second login finds the same user, by (provider, subject).
    let mut again = logged_in_browser(stage(&state), &ADA).await;
    assert_eq!(body_json(&again.get("/users/me").await)["id"], me["id"]);
}

async fn who_may_see_what(backend: Backend) {
    let mock = mock().await;
    let (_, db) = database(backend).await;
    let state = state(&mock, db);
    let mut anonymous = support::browser(stage(&state));
    let mut nelly = logged_in_browser(stage(&state), &NELLY).await;
    let mut grace = logged_in_browser(stage(&state), &GRACE).await;
    let mut ada = logged_in_browser(stage(&state), &ADA).await;
    for (path, expected) in [
        ("/privileged", [401, 403, 200, 200]),
        ("/admin", [401, 403, 403, 200]),
        ("/admin/users", [401, 403, 403, 200]),
        ("/admin/api/users", [401, 403, 403, 200]),
        ("/users/me", [401, 200, 200, 200]),
    ] {
        let got = [
            anonymous.get(path).await.status().as_u16(),
            nelly.get(path).await.status().as_u16(),
            grace.get(path).await.status().as_u16(),
            ada.get(path).await.status().as_u16(),
        ];
        assert_eq!(got, expected, "{path}: anonymous, nelly, grace, ada");
    }
    assert_eq!(
        body_json(&grace.get("/privileged").await),
        "You are truly privileged!"
    );
    assert_eq!(body_json(&ada.get("/admin").await), "You are an admin!");
}

/// Served over https, the cookie is `Secure` and its name carries the
/// `__Host-` prefix (so no subdomain can set it); the plain name is then
/// not read at all.
async fn a_secure_session_cookie_is_a_host_cookie(backend: Backend) {
    let mock = mock().await;
    let (_, db) = database(backend).await;
    let mut app = common::App::for_mock(&mock, REDIRECT);
    app.cookies = common::CookiePolicy { secure: true };
    let state = permissions::app::PermissionsApp::new(app, db, &Settings::default(), true, None);
    let mut browser = support::browser(stage(&state));
    let login = browser.login(&GRACE).await;
    let set = login
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .find(|v| v.starts_with("__Host-session="))
        .expect("a __Host-session cookie");
    assert!(set.contains("; Secure") && set.contains("Path=/"), "{set}");
    assert!(!set.contains("Domain"), "{set}");
    assert_eq!(browser.get("/privileged").await.status(), 200);
    let id = browser.cookie("__Host-session").unwrap().to_string();
    let mut unprefixed = support::browser(stage(&state));
    unprefixed.set_cookie("session", Some(&id));
    assert_eq!(unprefixed.get("/privileged").await.status(), 401);
}

on_both_databases!(
    a_secure_session_cookie_is_a_host_cookie,
    the_cookie_holds_a_random_id_and_the_database_its_hash,
    logging_in_again_replaces_any_session_the_browser_had,
    the_idle_timeout_ends_an_unused_session,
    the_sweep_ends_abandoned_sessions_and_revokes_them,
    the_absolute_timeout_ends_even_a_busy_session,
    a_session_last_seen_in_the_future_is_over,
    tokens_that_do_not_open_end_the_session,
    last_seen_is_written_at_most_once_a_minute,
    logout_everywhere_ends_every_session_of_the_user,
    changes_in_the_database_count_on_the_next_request,
    users_me_is_our_record_from_the_database,
    who_may_see_what,
);
