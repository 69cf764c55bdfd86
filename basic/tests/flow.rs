//! One whole login, step by step, as a transcript a learner can read next
//! to the code. Random values (state, PKCE, code, tokens, ports, the sealed
//! cookie) are replaced by labels.

use common::testing::{location, query_param, Browser, Redactor};
use common::App;
use mock_discord::{submit_consent, Decision, MockDiscord};
use serde_json::Value;
use std::fmt::Write;

const REDIRECT: &str = "http://127.0.0.1:5000/auth";
const NELLY: &str = "80351110224678912";

fn headers_of(response: &http::Response<bytes::Bytes>, names: &[&str]) -> String {
    let mut out = String::new();
    for name in names {
        for value in response.headers().get_all(*name) {
            writeln!(out, "    {name}: {}", value.to_str().unwrap()).unwrap();
        }
    }
    out
}

#[tokio::test]
async fn transcript_of_a_whole_login() {
    let mock = MockDiscord::builder().seed(1).spawn().await.unwrap();
    let app = App::for_mock(&mock, REDIRECT);
    let mut browser = Browser::new(basic::routes(app));
    let mut redact = Redactor::default();
    redact.hide(&mock.addr().port().to_string(), "mock-port");
    let mut t = String::new();

    let home = browser.get("/").await;
    writeln!(t, "1. GET / -> {}", home.status()).unwrap();
    let html = String::from_utf8_lossy(home.body());
    assert!(html.contains("href=\"/login\"") && html.contains("Log in with Discord"));
    writeln!(
        t,
        "    (a page with a \"Log in with Discord\" link to /login)"
    )
    .unwrap();

    let login = browser.get("/login").await;
    let authorize_url = location(&login);
    redact.hide_login(&authorize_url, browser.cookie("oauth_transaction").unwrap());
    writeln!(t, "2. GET /login -> {}", login.status()).unwrap();
    t += &headers_of(&login, &["location", "set-cookie", "cache-control"]);

    let callback = submit_consent(&authorize_url, NELLY, Decision::Authorize)
        .await
        .unwrap();
    redact.hide(&query_param(&callback, "code").unwrap(), "code");
    writeln!(
        t,
        "3. the provider's consent page: Nelly clicks Authorize -> 302"
    )
    .unwrap();
    writeln!(t, "    location: {callback}").unwrap();

    let callback_path = common::testing::path_and_query(&callback);
    let auth = browser.get(&callback_path).await;
    let tokens: Value = serde_json::from_slice(auth.body()).unwrap();
    redact.hide(tokens["access_token"].as_str().unwrap(), "access_token");
    redact.hide(tokens["refresh_token"].as_str().unwrap(), "refresh_token");
    redact.hide(&tokens["expires_at"].to_string(), "expires_at");
    writeln!(t, "4. GET {callback_path} -> {}", auth.status()).unwrap();
    t += &headers_of(&auth, &["content-type", "cache-control", "set-cookie"]);
    writeln!(
        t,
        "    body: {}",
        serde_json::to_string_pretty(&tokens)
            .unwrap()
            .replace('\n', "\n    ")
    )
    .unwrap();

    writeln!(t, "   meanwhile, the provider saw:").unwrap();
    for exchange in mock.requests() {
        writeln!(
            t,
            "    {} {} -> {}",
            exchange.method, exchange.path, exchange.status
        )
        .unwrap();
        if exchange.path.ends_with("/token") {
            for (name, value) in &exchange.params {
                // The journal keeps four characters of each secret; those
                // of the verifier are random, so they are labelled too.
                let value = match name.as_str() {
                    "code" | "code_verifier" => format!("[{name}, first 4 characters]"),
                    _ => value.clone(),
                };
                writeln!(t, "      {name} = {value}").unwrap();
            }
            writeln!(
                t,
                "      authorization: {}",
                exchange.authorization.clone().unwrap_or_default()
            )
            .unwrap();
        }
    }

    let replay = browser.get(&callback_path).await;
    writeln!(
        t,
        "5. GET {callback_path} again (replay) -> {}",
        replay.status()
    )
    .unwrap();
    writeln!(t, "    body: {}", String::from_utf8_lossy(replay.body())).unwrap();
    assert_eq!(replay.status(), 400);
    assert_eq!(
        mock.requests_to("/api/oauth2/token").len(),
        1,
        "the replay never reached the provider"
    );

    let text = redact.apply(&t);
    for secret in [
        "mock-client-secret",
        tokens["access_token"].as_str().unwrap(),
    ] {
        assert!(!text.contains(secret));
    }
    insta::assert_snapshot!("whole_login", text);
}
