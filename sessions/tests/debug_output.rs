//! `{:?}` of every state type, after a whole login and a refresh, shows no
//! token, code, verifier or secret: the first debug log line must not leak
//! a login.

mod support;

use basic::transaction::InFlight;
use common::config::Config;
use common::testing::{query_param, Browser};
use common::App;
use mock_discord::Consent;
use sessions::app::SessionApp;
use sessions::refresh::Refreshed;
use sessions::session::Session;
use support::*;

/// A login of Nelly's stopped before its callback: the callback URL, its
/// code and state, and the browser's logins in progress, opened.
async fn until_callback<F: common::testing::StageRoutes>(
    browser: &mut Browser<F>,
    app: &App,
) -> (String, String, String, InFlight) {
    let callback = browser
        .login_until_callback(&NELLY, Consent::Authorize)
        .await;
    let code = query_param(&callback, "code").unwrap();
    let state = query_param(&callback, "state").unwrap();
    let in_flight = InFlight::from_cookies(
        &app.keys,
        app.cookies,
        Some(&browser.cookie_header()),
        app.now(),
    )
    .unwrap();
    (callback, code, state, in_flight)
}

#[tokio::test]
async fn no_debug_output_shows_a_secret() {
    let mock = mock().await;
    let app = App::for_mock(&mock, REDIRECT);
    let (keys, policy) = (app.keys.clone(), app.cookies);
    let mut browser = Browser::new(sessions::routes(app.clone()));

    // Mid-login: the transaction, with its state and verifier.
    let (callback, code, state, mut in_flight) = until_callback(&mut browser, &app).await;
    let in_flight_shown = format!("{in_flight:?}");
    let transaction = in_flight.take(&state).expect("the login in progress");
    let verifier = transaction.pkce_verifier.clone();
    let callback_params =
        basic::callback::CallbackParams::parse(callback.split_once('?').unwrap().1).unwrap();

    // Logged in: the session, with its tokens.
    assert_eq!(browser.get(&callback).await.status(), 303);
    let session = Session::from_cookies(&keys, policy, Some(&browser.cookie_header()))
        .unwrap()
        .unwrap();
    let access = session.access_token.clone();
    let refresh = session.refresh_token.clone().unwrap();

    // Refreshed: the refresher now remembers the old refresh token.
    let stage = SessionApp::new(app.clone());
    mock.advance_clock(UNTIL_THE_TOKEN_EXPIRES);
    let Refreshed::Tokens(tokens) = stage.refresher.refresh(&app, &refresh).await else {
        panic!("the refresh succeeds");
    };
    let refreshed = session.clone().refreshed(tokens.clone(), app.now());

    let config = Config::from_lookup(|name| match name {
        "DISCORD_CLIENT_ID" => Some("123".into()),
        "DISCORD_CLIENT_SECRET" => Some("config-client-secret".into()),
        "SESSION_SECRET" => Some("a-session-secret-of-32-bytes-or-more".into()),
        _ => None,
    })
    .unwrap();

    let shown = [
        in_flight_shown,
        format!("{transaction:?}"),
        format!("{callback_params:?}"),
        format!("{session:?}"),
        format!("{tokens:?}"),
        format!("{refreshed:?}"),
        format!("{stage:?}"),
        format!("{app:?}"),
        format!("{keys:?}"),
        format!("{config:?}"),
    ];
    let client = mock.client();
    let secrets = [
        ("code", code.as_str()),
        ("state", state.as_str()),
        ("verifier", verifier.as_str()),
        ("access token", access.as_str()),
        ("refresh token", refresh.as_str()),
        ("new access token", tokens.access_token.as_str()),
        (
            "new refresh token",
            tokens.refresh_token.as_deref().unwrap(),
        ),
        ("client secret", client.client_secret.as_str()),
        ("config's client secret", "config-client-secret"),
        ("session secret", "a-session-secret-of-32-bytes-or-more"),
    ];
    for text in &shown {
        for (what, secret) in secrets {
            assert!(!text.contains(secret), "the {what} shows in {text}");
        }
    }
    // The refresher was holding a token while it printed.
    assert!(format!("{stage:?}").contains("flights: 1"), "{stage:?}");
    // Hidden, not blank: what an operator needs is still shown.
    let session_shown = format!("{session:?}");
    for kept in ["[REDACTED]", "logged_in_at", "Nelly"] {
        assert!(session_shown.contains(kept), "{kept} in {session_shown}");
    }
}

/// C13: everything stage 2 and its mock log, at the most verbose level,
/// over a whole login, a refresh and a logout, holds no token, code,
/// state, verifier, cookie or secret.
#[tokio::test]
async fn the_log_of_a_login_a_refresh_and_a_logout_holds_no_secret() {
    let logs = common::testing::logs::CapturedLogs::start();
    let mock = mock().await;
    let app = App::for_mock(&mock, REDIRECT);
    let (keys, policy) = (app.keys.clone(), app.cookies);
    let mut browser = Browser::new(sessions::routes(app.clone()));
    let (callback, code, state, mut in_flight) = until_callback(&mut browser, &app).await;
    let transaction_cookie = browser.cookie("oauth_transaction").unwrap().to_string();
    let verifier = in_flight.take(&state).unwrap().pkce_verifier;
    assert_eq!(browser.get(&callback).await.status(), 303);
    let first = Session::from_cookies(&keys, policy, Some(&browser.cookie_header()))
        .unwrap()
        .unwrap();
    let first_cookie = browser.cookie("session").unwrap().to_string();
    keep_using_for(&mock, &mut browser, UNTIL_THE_TOKEN_EXPIRES).await;
    assert_eq!(browser.get("/users/me").await.status(), 200);
    let refreshed = Session::from_cookies(&keys, policy, Some(&browser.cookie_header()))
        .unwrap()
        .unwrap();
    assert_ne!(
        refreshed.access_token, first.access_token,
        "a refresh happened"
    );
    let logout = browser
        .request("POST", "/logout", &[("sec-fetch-site", "same-origin")])
        .await;
    assert_eq!(logout.status(), 303);
    logs.assert_holds_none_of(&[
        ("code", &code),
        ("state", &state),
        ("verifier", &verifier),
        ("transaction cookie", &transaction_cookie),
        ("session cookie", &first_cookie),
        ("access token", &first.access_token),
        ("refresh token", first.refresh_token.as_deref().unwrap()),
        ("new access token", &refreshed.access_token),
        (
            "new refresh token",
            refreshed.refresh_token.as_deref().unwrap(),
        ),
        ("client secret", &mock.client().client_secret),
    ]);
}
