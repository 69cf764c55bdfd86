//! The token endpoint misbehaves in every way we could think of (wiremock
//! plays it). Each failure maps to a clear status, never a 500 or a hang,
//! no secret shows in the answer or the logs, and the server keeps serving.

use common::testing::{location, query_param, Browser};
use common::CookieKeys;
use common::CookiePolicy;
use common::{App, Provider, Upstream};
use secrecy::SecretString;
use serde_json::{json, Value};
use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const CLIENT_SECRET: &str = "client-secret-that-must-not-leak";
const CODE: &str = "authorization-code-that-must-not-leak";
const REDIRECT: &str = "http://127.0.0.1:5000/auth";

/// Log lines, captured for the test that checks them.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn app_against(base_url: &str) -> App {
    let provider = Provider::discord(
        &url::Url::parse(base_url).unwrap(),
        "client-id".into(),
        SecretString::from(CLIENT_SECRET),
    );
    // Short timeouts, so that the timeout case takes a second, not ten.
    let upstream = Upstream::with_timeouts(Duration::from_secs(1), Duration::from_secs(1)).unwrap();
    App::new(
        provider,
        REDIRECT,
        CookieKeys::random().unwrap(),
        CookiePolicy { secure: false },
        upstream,
    )
    .unwrap()
}

/// Starts a login, then comes back with `CODE`: the exchange hits the
/// token endpoint. Returns (status, Retry-After, body, state).
async fn exchange(app: App) -> (u16, Option<String>, String, String) {
    let mut browser = Browser::new(basic::routes(app));
    let login = browser.get("/login").await;
    let state = query_param(&location(&login), "state").unwrap();
    let response = browser
        .get(&format!("/auth?code={CODE}&state={state}"))
        .await;
    let retry_after = response
        .headers()
        .get("retry-after")
        .map(|v| v.to_str().unwrap().to_string());
    let body = String::from_utf8(response.body().to_vec()).unwrap();
    // The server still serves after the failure.
    assert_eq!(browser.get("/login").await.status(), 303);
    (response.status().as_u16(), retry_after, body, state)
}

async fn token_endpoint_answers(
    template: ResponseTemplate,
) -> (u16, Option<String>, String, String) {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/oauth2/token"))
        .respond_with(template)
        .mount(&server)
        .await;
    exchange(app_against(&server.uri())).await
}

fn json_body(value: Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(value)
}

#[tokio::test]
async fn each_failure_maps_to_its_status_and_leaks_nothing() {
    let logs = Captured::default();
    let writer = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let huge = "x".repeat(1024 * 1024);
    let cases: Vec<(&str, ResponseTemplate, u16)> = vec![
        ("timeout", ResponseTemplate::new(200).set_delay(Duration::from_secs(3)), 504),
        ("500", ResponseTemplate::new(500).set_body_string("Internal Server Error"), 502),
        ("503", ResponseTemplate::new(503), 502),
        ("429", ResponseTemplate::new(429).insert_header("retry-after", "7").set_body_json(json!({"message": "You are being rate limited.", "retry_after": 6.5, "global": false})), 503),
        ("malformed JSON", ResponseTemplate::new(200).set_body_raw(r#"{"access_token": "#, "application/json"), 502),
        ("HTML body", ResponseTemplate::new(200).set_body_raw("<html>Cloudflare</html>", "text/html"), 502),
        ("missing access_token", json_body(json!({"token_type": "Bearer", "expires_in": 604800})), 502),
        ("huge body", ResponseTemplate::new(200).set_body_raw(format!("{{\"a\":\"{huge}\"}}"), "application/json"), 502),
        ("302", ResponseTemplate::new(302).insert_header("location", "http://127.0.0.1:1/steal"), 502),
        ("400 invalid_grant", ResponseTemplate::new(400).set_body_json(json!({"error": "invalid_grant", "error_description": "Invalid \"code\" in request."})), 400),
        ("401 invalid_client", ResponseTemplate::new(401).set_body_json(json!({"error": "invalid_client"})), 400),
        ("400 HTML", ResponseTemplate::new(400).set_body_raw("<h1>Bad</h1>", "text/html"), 502),
    ];
    // Every case runs, and every failing one is reported, not only the first.
    let mut failures = Vec::new();
    for (name, template, expected) in cases {
        let (status, retry_after, body, state) = token_endpoint_answers(template).await;
        let mut check = |ok: bool, what: String| {
            if !ok {
                failures.push(format!("{name}: {what}"));
            }
        };
        check(
            status == expected,
            format!("status {status}, expected {expected}: {body}"),
        );
        let detail = serde_json::from_str::<Value>(&body).ok();
        check(
            detail.as_ref().is_some_and(|d| d["detail"].is_string()),
            format!("not {{\"detail\": …}}: {body}"),
        );
        for secret in [CLIENT_SECRET, CODE, &state] {
            check(!body.contains(secret), format!("{secret} in {body}"));
        }
        if name == "429" {
            check(
                retry_after.as_deref() == Some("7"),
                format!("Retry-After {retry_after:?}, expected 7"),
            );
        }
        if name.starts_with("400 invalid_grant") {
            check(
                body.contains("invalid_grant"),
                format!("no invalid_grant in {body}"),
            );
        }
    }
    assert!(
        failures.is_empty(),
        "failing cases:\n{}",
        failures.join("\n")
    );

    // A provider that refuses connections.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let (status, _, body, _) = exchange(app_against(&format!("http://127.0.0.1:{port}"))).await;
    assert_eq!(status, 502, "{body}");

    let logs = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    assert!(
        logs.contains("token request failed"),
        "the failures are logged:\n{logs}"
    );
    for secret in [CLIENT_SECRET, CODE] {
        assert!(!logs.contains(secret), "{secret} in the logs:\n{logs}");
    }
}
