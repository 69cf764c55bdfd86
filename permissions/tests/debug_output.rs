//! C13 for stage 3: what it logs over a whole login, refresh and logout,
//! and the `{:?}` of its state types, hold no token, code, cookie or
//! secret.

mod support;

use common::testing::logs::CapturedLogs;
use common::testing::query_param;
use mock_discord::Consent;
use permissions::settings::Settings;
use std::time::Duration;
use support::*;

#[tokio::test]
async fn the_log_and_the_debug_output_of_a_whole_flow_hold_no_secret() {
    let logs = CapturedLogs::start();
    let mock = mock().await;
    let (_, db) = database(Backend::Sqlite).await;
    // Long timeouts, so that a week's jump refreshes instead of ending it.
    let settings = Settings {
        session_idle: Duration::from_secs(8 * 24 * 3600),
        session_lifetime: Duration::from_secs(30 * 24 * 3600),
        ..Settings::default()
    };
    let state = state_with(&mock, db.clone(), &settings);
    let mut browser = support::browser(stage(&state));
    let callback = browser
        .login_until_callback(&GRACE, Consent::Authorize)
        .await;
    let code = query_param(&callback, "code").unwrap();
    let login_state = query_param(&callback, "state").unwrap();
    let transaction_cookie = browser.cookie("oauth_transaction").unwrap().to_string();
    assert_eq!(browser.get(&callback).await.status(), 303);
    let session_cookie = browser.cookie("session").unwrap().to_string();
    let id_hash = texts(&db, "SELECT id_hash FROM sessions").await.remove(0);
    let first = permissions::store::tokens(&db, &state.seal, &id_hash)
        .await
        .unwrap()
        .unwrap();
    let row = permissions::store::find(&db, &id_hash)
        .await
        .unwrap()
        .unwrap();

    mock.advance_clock(Duration::from_secs(604_800 - 30));
    assert_eq!(browser.get("/privileged").await.status(), 200);
    assert_eq!(refreshes(&mock), 1);
    let refreshed = permissions::store::tokens(&db, &state.seal, &id_hash)
        .await
        .unwrap()
        .unwrap();
    let held = {
        // A second login's row, ended, for its HeldTokens.
        let other = logged_in_browser(stage(&state), &ADA).await;
        assert!(other.cookie("session").is_some());
        let hashes = texts(&db, "SELECT id_hash FROM sessions").await;
        let theirs = hashes.into_iter().find(|h| *h != id_hash).unwrap();
        permissions::store::delete(&db, &state.seal, &theirs)
            .await
            .unwrap()
            .unwrap()
    };
    let logout = browser.request("POST", "/logout", SAME_ORIGIN).await;
    assert_eq!(logout.status(), 303);

    let secrets = [
        ("code", code.as_str()),
        ("state", login_state.as_str()),
        ("transaction cookie", transaction_cookie.as_str()),
        ("session cookie", session_cookie.as_str()),
        ("access token", first.access_token.as_str()),
        ("refresh token", first.refresh_token.as_deref().unwrap()),
        ("new access token", refreshed.access_token.as_str()),
        (
            "new refresh token",
            refreshed.refresh_token.as_deref().unwrap(),
        ),
        ("held access token", held.tokens.access_token.as_str()),
        ("client secret", "mock-client-secret"),
        ("Google's client secret", "mock-google-client-secret"),
    ];
    logs.assert_holds_none_of(&secrets);

    let google = google_state_of(common::App::for_mock(&mock, REDIRECT), &mock, db.clone()).await;
    let shown = [
        format!("{state:?}"),
        format!("{google:?}"),
        format!("{:?}", google.google),
        format!("{:?}", state.seal),
        format!("{row:?}"),
        format!("{held:?}"),
        format!("{first:?}"),
    ];
    for text in &shown {
        for (what, secret) in secrets {
            assert!(!text.contains(secret), "the {what} shows in {text}");
        }
    }
    // Hidden, not blank: each says what it is.
    assert_eq!(format!("{:?}", state.seal), "TokenSeal([REDACTED])");
}
