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
use std::time::{Duration, Instant};
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

/// What one callback got, with what the token endpoint saw.
struct Outcome {
    status: u16,
    retry_after: Option<String>,
    body: String,
    state: String,
    /// How long the callback took.
    elapsed: Duration,
}

/// Starts a login, then comes back with `CODE`: the exchange hits the
/// token endpoint.
async fn exchange(app: App) -> Outcome {
    let mut browser = Browser::new(basic::routes(app));
    let login = browser.get("/login").await;
    let state = query_param(&location(&login), "state").unwrap();
    let started = Instant::now();
    let response = browser
        .get(&format!("/auth?code={CODE}&state={state}"))
        .await;
    let elapsed = started.elapsed();
    let retry_after = response
        .headers()
        .get("retry-after")
        .map(|v| v.to_str().unwrap().to_string());
    let body = String::from_utf8(response.body().to_vec()).unwrap();
    // The server still serves after the failure.
    assert_eq!(browser.get("/login").await.status(), 303);
    Outcome {
        status: response.status().as_u16(),
        retry_after,
        body,
        state,
        elapsed,
    }
}

/// The token endpoint answers `template`; returns the outcome and how many
/// token requests arrived.
async fn token_endpoint_answers(template: ResponseTemplate) -> (Outcome, usize) {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/oauth2/token"))
        .respond_with(template)
        .mount(&server)
        .await;
    let outcome = exchange(app_against(&server.uri())).await;
    let calls = server.received_requests().await.unwrap_or_default().len();
    (outcome, calls)
}

fn json_body(value: Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(value)
}

/// A token response that would work, if nothing else were wrong with it.
fn valid_tokens() -> Value {
    json!({"access_token": "a", "token_type": "Bearer", "expires_in": 604800, "refresh_token": "r", "scope": "identify"})
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

    // A valid answer, padded past the size cap: only the cap refuses it.
    let mut padded = valid_tokens();
    padded["padding"] = json!("x".repeat(common::upstream::MAX_BODY_BYTES));
    // Where a followed redirect would land: a token endpoint that works.
    let elsewhere = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(json_body(valid_tokens()))
        .mount(&elsewhere)
        .await;
    let mut other_type = valid_tokens();
    other_type["token_type"] = json!("mac");
    let mut lower_case = valid_tokens();
    lower_case["token_type"] = json!("bearer");
    let mut endless = valid_tokens();
    endless["expires_in"] = json!(u64::MAX);

    let cases: Vec<(&str, ResponseTemplate, u16)> = vec![
        ("timeout", ResponseTemplate::new(200).set_delay(Duration::from_secs(3)), 504),
        ("500", ResponseTemplate::new(500).set_body_string("Internal Server Error"), 502),
        ("503", ResponseTemplate::new(503), 503),
        ("503 with Retry-After", ResponseTemplate::new(503).insert_header("retry-after", "30"), 503),
        ("429", ResponseTemplate::new(429).insert_header("retry-after", "7").set_body_json(json!({"message": "You are being rate limited.", "retry_after": 6.5, "global": false})), 503),
        ("malformed JSON", ResponseTemplate::new(200).set_body_raw(r#"{"access_token": "#, "application/json"), 502),
        ("HTML body", ResponseTemplate::new(200).set_body_raw("<html>Cloudflare</html>", "text/html"), 502),
        ("missing access_token", json_body(json!({"token_type": "Bearer", "expires_in": 604800})), 502),
        ("token_type mac", json_body(other_type), 502),
        ("token_type bearer, lower case", json_body(lower_case), 200),
        ("expires_in u64::MAX", json_body(endless), 502),
        ("huge but valid body", json_body(padded), 502),
        ("302 to a working token endpoint", ResponseTemplate::new(302).insert_header("location", format!("{}/api/oauth2/token", elsewhere.uri())), 502),
        ("400 invalid_grant", ResponseTemplate::new(400).set_body_json(json!({"error": "invalid_grant", "error_description": "Invalid \"code\" in request."})), 400),
        ("400 with a forged log line", ResponseTemplate::new(400).set_body_json(json!({"error": "invalid_request", "error_description": "x\n2026-01-01T00:00:00Z  INFO FORGED-LINE"})), 400),
        ("401 invalid_client", ResponseTemplate::new(401).set_body_json(json!({"error": "invalid_client"})), 502),
        ("400 HTML", ResponseTemplate::new(400).set_body_raw("<h1>Bad</h1>", "text/html"), 502),
    ];
    // Every case runs, and every failing one is reported, not only the first.
    let mut failures = Vec::new();
    for (name, template, expected) in cases {
        let (outcome, calls) = token_endpoint_answers(template).await;
        let Outcome {
            status,
            retry_after,
            body,
            state,
            elapsed,
        } = outcome;
        let mut check = |ok: bool, what: String| {
            if !ok {
                failures.push(format!("{name}: {what}"));
            }
        };
        check(
            status == expected,
            format!("status {status}, expected {expected}: {body}"),
        );
        // Exactly one token request: no retry loop, the code never resent.
        check(calls == 1, format!("{calls} token requests, expected 1"));
        if status != 200 {
            let detail = serde_json::from_str::<Value>(&body).ok();
            check(
                detail.as_ref().is_some_and(|d| d["detail"].is_string()),
                format!("not {{\"detail\": …}}: {body}"),
            );
        }
        for secret in [CLIENT_SECRET, CODE, &state] {
            check(!body.contains(secret), format!("{secret} in {body}"));
        }
        let expected_retry_after = match name {
            "429" => Some("7"),
            "503 with Retry-After" => Some("30"),
            _ => None,
        };
        check(
            retry_after.as_deref() == expected_retry_after,
            format!("Retry-After {retry_after:?}, expected {expected_retry_after:?}"),
        );
        if name == "timeout" {
            // The 1 s budget ended it, not the provider's 3 s answer.
            check(
                elapsed >= Duration::from_secs(1) && elapsed < Duration::from_secs(3),
                format!("took {elapsed:?}, the budget is 1 s"),
            );
        }
        if name.starts_with("400 invalid_grant") {
            check(
                body.contains("invalid_grant"),
                format!("no invalid_grant in {body}"),
            );
        }
        if name == "401 invalid_client" {
            check(
                body.contains("not yours"),
                format!("the user is blamed: {body}"),
            );
        }
    }
    assert!(
        elsewhere
            .received_requests()
            .await
            .unwrap_or_default()
            .is_empty(),
        "the redirect was followed"
    );
    assert!(
        failures.is_empty(),
        "failing cases:\n{}",
        failures.join("\n")
    );

    // A provider that refuses connections.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let refused = exchange(app_against(&format!("http://127.0.0.1:{port}"))).await;
    assert_eq!(refused.status, 502, "{}", refused.body);

    let logs = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    assert!(
        logs.contains("token request failed"),
        "the failures are logged:\n{logs}"
    );
    for secret in [CLIENT_SECRET, CODE] {
        assert!(!logs.contains(secret), "{secret} in the logs:\n{logs}");
    }
    assert!(
        logs.contains("invalid_client") && logs.contains("developer portal"),
        "invalid_client tells the operator what to fix:\n{logs}"
    );
    assert!(
        logs.lines()
            .all(|line| !line.contains("FORGED-LINE") || line.contains("\\n")),
        "a provider's newline forged a log line:\n{logs}"
    );
}
