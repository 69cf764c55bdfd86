//! One whole login, step by step, as a transcript a learner can read next
//! to the code. Random values (state, PKCE, code, tokens, ports, the sealed
//! cookie) are replaced by labels.

use common::testing::{location, path_and_query, query_param, Body, Browser, Transcript};
use common::App;
use mock_discord::config::default_user_id;
use mock_discord::{submit_consent, Consent, MockDiscord};
use serde_json::Value;

const REDIRECT: &str = "http://127.0.0.1:5000/auth";

#[tokio::test]
async fn transcript_of_a_whole_login() {
    let mock = MockDiscord::builder().seed(1).spawn().await.unwrap();
    let app = App::for_mock(&mock, REDIRECT);
    let mut browser = Browser::new(basic::routes(app));
    let mut t = Transcript::new(&mock);

    let home = browser.get("/").await;
    t.line(format!("1. GET / -> {}", home.status()));
    let html = String::from_utf8_lossy(home.body());
    assert!(html.contains("href=\"/login\"") && html.contains("Log in with Discord"));
    t.line("    (a page with a \"Log in with Discord\" link to /login)");

    let login = browser.get("/login").await;
    let authorize_url = location(&login);
    t.redact
        .hide_login(&authorize_url, browser.cookie("oauth_transaction").unwrap());
    t.response(
        "2. GET /login",
        &login,
        &["location", "set-cookie", "cache-control"],
        Body::Hidden,
    );

    let callback = submit_consent(
        &authorize_url,
        &default_user_id("nelly"),
        Consent::Authorize,
    )
    .await
    .unwrap();
    t.redact
        .hide(&query_param(&callback, "code").unwrap(), "code");
    t.line("3. the provider's consent page: Nelly clicks Authorize -> 302");
    t.line(format!("    location: {callback}"));

    let callback_path = path_and_query(&callback);
    let auth = browser.get(&callback_path).await;
    let tokens: Value = serde_json::from_slice(auth.body()).unwrap();
    t.redact
        .hide(tokens["access_token"].as_str().unwrap(), "access_token");
    t.redact
        .hide(tokens["refresh_token"].as_str().unwrap(), "refresh_token");
    t.redact
        .hide(&tokens["expires_at"].to_string(), "expires_at");
    t.response(
        &format!("4. GET {callback_path}"),
        &auth,
        &["content-type", "cache-control", "set-cookie"],
        Body::PrettyJson,
    );

    t.provider_saw("   meanwhile, the provider saw:", &mock, |exchange| {
        if !exchange.path.ends_with("/token") {
            return Vec::new();
        }
        let mut lines: Vec<String> = exchange
            .params
            .iter()
            .map(|(name, value)| match name.as_str() {
                // The journal keeps four characters of each secret; those
                // of the verifier are random, so they are labelled too.
                "code" | "code_verifier" => format!("{name} = [{name}, first 4 characters]"),
                _ => format!("{name} = {value}"),
            })
            .collect();
        lines.push(format!(
            "authorization: {}",
            exchange.authorization.clone().unwrap_or_default()
        ));
        lines
    });

    let replay = browser.get(&callback_path).await;
    t.response(
        &format!("5. GET {callback_path} again (replay)"),
        &replay,
        &[],
        Body::Raw,
    );
    assert_eq!(replay.status(), 400);
    assert_eq!(
        mock.requests_to("/api/oauth2/token").len(),
        1,
        "the replay never reached the provider"
    );

    let text = t.text();
    for secret in [
        "mock-client-secret",
        tokens["access_token"].as_str().unwrap(),
    ] {
        assert!(!text.contains(secret));
    }
    insta::assert_snapshot!("whole_login", text);
}

/// The labels of the mock's timeline, each with ✓ or ✗: what the live
/// inspector at /__mock draws.
fn drawn(mock: &mock_discord::MockHandle) -> Vec<String> {
    mock.steps()
        .iter()
        .map(|s| format!("{} {}", if s.ok { "✓" } else { "✗" }, s.label))
        .collect()
}

#[tokio::test]
async fn the_stages_decisions_are_drawn_between_the_providers_exchanges() {
    let mock = MockDiscord::builder().seed(1).spawn().await.unwrap();
    let app = App::for_mock(&mock, REDIRECT);
    let mut browser = Browser::new(basic::routes(app));
    browser.login(&default_user_id("nelly")).await;
    assert_eq!(
        drawn(&mock),
        [
            "✓ 303 to the provider; transaction sealed",
            "✓ GET /oauth2/authorize",
            "✓ POST /oauth2/authorize",
            "✓ GET /auth: state matches",
            "✓ iss checked",
            "✓ code and verifier sent",
            "✓ POST /api/oauth2/token",
        ]
    );
    assert!(mock.steps().iter().all(|s| s.login == 1));

    // A callback this browser did not start: refused, and drawn so, with
    // no token request after it.
    let forged = browser.get("/auth?code=stolen&state=forged").await;
    assert_eq!(forged.status(), 400);
    assert_eq!(
        drawn(&mock).last().map(String::as_str),
        Some("✗ GET /auth: state refused")
    );
}

#[tokio::test]
async fn a_stage_against_real_discord_reports_to_nobody() {
    // Built as `common::stage` builds it for real Discord (`App::new`,
    // and no `watched_by`), only pointed at the mock to have a provider.
    let mock = MockDiscord::builder().seed(1).spawn().await.unwrap();
    let app = App::new(
        common::Provider::for_mock(&mock),
        REDIRECT,
        common::CookieKeys::random().unwrap(),
        common::CookiePolicy { secure: false },
        common::Upstream::new().unwrap(),
    )
    .unwrap();
    let mut browser = Browser::new(basic::routes(app));
    browser.login(&default_user_id("nelly")).await;
    assert_eq!(
        drawn(&mock),
        [
            "✓ GET /oauth2/authorize",
            "✓ POST /oauth2/authorize",
            "✓ POST /api/oauth2/token",
        ]
    );
}
