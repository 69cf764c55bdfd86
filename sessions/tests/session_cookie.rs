//! The session cookie: its attributes, its size, what it hides, and what
//! happens when it is tampered with.

mod support;

use base64::Engine;
use common::testing::Browser;
use common::App;
use support::*;

#[tokio::test]
async fn the_session_cookie_has_the_right_attributes_and_size() {
    let mock = mock().await;
    let mut browser = Browser::new(stage(&mock));
    let auth = browser.login(&NELLY).await;
    let header = set_cookie(&auth, "session").expect("a session cookie");
    let cookie = cookie::Cookie::parse(header.clone()).unwrap();
    assert_eq!(cookie.http_only(), Some(true), "{header}");
    assert_eq!(cookie.same_site(), Some(cookie::SameSite::Lax), "{header}");
    assert_eq!(cookie.path(), Some("/"));
    // Half a week: as long as the server would take the cookie unused.
    assert_eq!(
        cookie.max_age(),
        Some(cookie::time::Duration::seconds(302_400))
    );
    assert_eq!(cookie.secure(), None, "plain http on loopback");
    // Browsers drop cookies over 4096 bytes; keep a wide margin.
    assert!(header.len() < 1024, "{} bytes: {header}", header.len());

    let mock = mock_discord::MockDiscord::builder().spawn().await.unwrap();
    let mut app = App::for_mock(&mock, REDIRECT);
    app.cookies.secure = true;
    let mut browser = Browser::new(sessions::routes(app));
    let auth = browser.login(&NELLY).await;
    let cookie = cookie::Cookie::parse(set_cookie(&auth, "__Host-session").unwrap()).unwrap();
    assert_eq!(cookie.secure(), Some(true));
    assert_eq!(cookie.path(), Some("/"));
    assert_eq!(cookie.domain(), None, "a __Host- cookie has no Domain");
}

/// Encrypted, not merely signed: the token cannot be read out of the cookie,
/// whether as text or after base64-decoding it. (Only the key opens it.)
#[tokio::test]
async fn the_cookie_does_not_contain_the_token() {
    let mock = mock().await;
    let app = App::for_mock(&mock, REDIRECT);
    let (keys, policy) = (app.keys.clone(), app.cookies);
    let browser = logged_in_browser(sessions::routes(app), &NELLY).await;
    let sealed = browser.cookie("session").unwrap().to_string();
    let session =
        sessions::session::Session::from_cookies(&keys, policy, Some(&format!("session={sealed}")))
            .unwrap()
            .expect("the key opens it");
    let token = session.access_token.clone();
    let refresh = session.refresh_token.clone().unwrap();
    // It is the real, working token.
    let me = reqwest::Client::new()
        .get(format!("{}/api/v10/users/@me", mock.base_url()))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), 200);

    let decoded = base64::engine::general_purpose::STANDARD
        .decode(sealed.as_bytes())
        .expect("a private cookie is base64");
    let decoded = String::from_utf8_lossy(&decoded);
    for secret in [&token, &refresh] {
        assert!(
            !sealed.contains(secret.as_str()),
            "the token is in the cookie"
        );
        assert!(
            !decoded.contains(secret.as_str()),
            "the token is in the decoded cookie"
        );
    }
    assert!(!decoded.contains("\"a\":"), "no plaintext JSON inside");
    assert!(
        !format!("{session:?}").contains(&token),
        "Debug redacts the token"
    );
}

#[tokio::test]
async fn tampered_truncated_garbage_and_old_key_cookies_are_no_session() {
    let mock = mock().await;
    let routes = stage(&mock);
    let good = logged_in_browser(routes.clone(), &NELLY)
        .await
        .cookie("session")
        .unwrap()
        .to_string();
    let mut flipped = good.clone().into_bytes();
    flipped[20] = if flipped[20] == b'A' { b'B' } else { b'A' };
    let old_key = logged_in_browser(stage(&mock), &NELLY)
        .await
        .cookie("session")
        .unwrap()
        .to_string();
    let signed_only = base64::engine::general_purpose::STANDARD
        .encode(r#"{"a":"x","r":null,"e":99999999999,"s":"identify","n":"Mallory"}"#);
    let cases = [
        ("flipped byte", String::from_utf8(flipped).unwrap()),
        ("truncated", good[..good.len() / 2].to_string()),
        ("one byte short", good[..good.len() - 1].to_string()),
        ("garbage", "!!!not-a-cookie!!!".to_string()),
        ("empty", String::new()),
        ("another key", old_key),
        ("forged plaintext", signed_only),
        ("huge", "A".repeat(3000)),
    ];
    for (name, value) in cases {
        let mut browser = Browser::new(routes.clone());
        browser.set_cookie("session", Some(&value));
        for path in ["/privileged", "/users/me"] {
            let response = browser.get(path).await;
            assert_eq!(response.status(), 401, "{name} on {path}");
            assert_eq!(body_json(&response)["detail"], "Not logged in", "{name}");
        }
        let home = browser.get("/").await;
        assert_eq!(home.status(), 200, "{name}: the home page still works");
        assert!(String::from_utf8_lossy(home.body()).contains("not logged in"));
    }
}

/// Only a completed login counts: the transaction cookie of a login in
/// progress is not a session (the original tutorial let this through).
#[tokio::test]
async fn a_login_in_progress_is_not_a_login() {
    let mock = mock().await;
    let mut browser = Browser::new(stage(&mock));
    assert_eq!(browser.get("/login").await.status(), 303);
    assert!(browser.cookie("oauth_transaction").is_some());
    assert_eq!(browser.get("/privileged").await.status(), 401);
    assert_eq!(browser.get("/users/me").await.status(), 401);
}

#[tokio::test]
async fn the_home_page_shows_the_login_state_escaped() {
    let mut config = mock_discord::MockConfig::default();
    config.users[0].global_name = Some("<img src=x onerror=alert(1)>".into());
    let mock = mock_discord::MockDiscord::builder()
        .config(config)
        .spawn()
        .await
        .unwrap();
    let mut browser = Browser::new(stage(&mock));
    let home = String::from_utf8(browser.get("/").await.body().to_vec()).unwrap();
    assert!(home.contains("href=\"/login\""));
    browser.login(&NELLY).await;
    let home = String::from_utf8(browser.get("/").await.body().to_vec()).unwrap();
    assert!(home.contains("action=\"/logout\""));
    assert!(!home.contains("<img src=x"), "the name is escaped");
    assert!(home.contains("&#60;img src=x onerror=alert(1)&#62;"));
}

/// Logging in again in the same browser revokes the replaced session's
/// grant: a copy of the old cookie stops working.
#[tokio::test]
async fn logging_in_again_revokes_the_previous_grant() {
    let mock = mock().await;
    let routes = stage(&mock);
    let mut browser = logged_in_browser(routes.clone(), &NELLY).await;
    let mut copy = Browser::new(routes.clone());
    copy.set_cookie("session", browser.cookie("session"));
    assert_eq!(copy.get("/users/me").await.status(), 200);

    let again = browser.login(&NELLY).await;
    assert_eq!(again.status(), 303);
    assert_eq!(mock.requests_to("/token/revoke").len(), 1);
    assert_eq!(
        browser.get("/users/me").await.status(),
        200,
        "the new login works"
    );
    assert_eq!(
        copy.get("/users/me").await.status(),
        401,
        "the old copy does not"
    );
}

/// Two session cookies in one request (a sibling subdomain planted one):
/// refused with 400, not resolved by taking the first.
#[tokio::test]
async fn two_session_cookies_are_refused() {
    let mock = mock().await;
    let routes = stage(&mock);
    let browser = logged_in_browser(routes.clone(), &NELLY).await;
    let ours = browser.cookie_header();
    for path in ["/privileged", "/users/me", "/"] {
        let response = warp::test::request()
            .path(path)
            .header("cookie", format!("session=planted; {ours}"))
            .reply(&routes)
            .await;
        assert_eq!(response.status(), 400, "{path}");
        assert!(body_json(&response)["detail"]
            .as_str()
            .unwrap()
            .contains("two cookies named session"));
    }
}
