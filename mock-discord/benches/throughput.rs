//! How fast is the mock? `cargo bench -p mock-discord` prints token
//! exchanges per second and `/users/@me` requests per second.
//!
//! The mock must never be the bottleneck of a stage's load test, so the aim
//! is at least 20,000 token exchanges per second on two cores. The load
//! generator runs in the same process and shares those cores, so the
//! figures are a floor, not a ceiling.

use bytes::Bytes;
use http_body_util::Full;
use hyper::Request;
use mock_discord::config::default_user_id;
use mock_discord::{loadgen, MockDiscord};
use std::sync::{Arc, LazyLock};
use std::time::Duration;

const REDIRECT: &str = "http://127.0.0.1:5000/auth";
const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
static NELLY: LazyLock<String> = LazyLock::new(|| default_user_id("nelly"));
const CONNECTIONS: usize = 32;
const RUN_FOR: Duration = Duration::from_secs(3);
/// `mock-client-id:mock-client-secret`, base64: HTTP Basic client auth.
const BASIC: &str = "Basic bW9jay1jbGllbnQtaWQ6bW9jay1jbGllbnQtc2VjcmV0";

#[tokio::main]
async fn main() {
    let mock = MockDiscord::builder()
        .rate_limit(u32::MAX, Duration::from_secs(1))
        .spawn()
        .await
        .expect("mock starts");
    let addr = mock.addr();

    // Codes are minted directly, so that only the exchange is measured;
    // more than the run can use, since each one redeems once.
    let codes: Arc<Vec<String>> = Arc::new(
        (0..300_000)
            .map(|_| mock.issue_code_directly(REDIRECT, &NELLY, &["identify"], Some(CHALLENGE)))
            .collect(),
    );
    let exchange = {
        let codes = codes.clone();
        move |n: u64| {
            let body =
                format!(
                "grant_type=authorization_code&code={}&redirect_uri={}&code_verifier={VERIFIER}",
                codes.get(n as usize).expect("the run outpaced the minted codes: mint more"),
                "http%3A%2F%2F127.0.0.1%3A5000%2Fauth"
            );
            Request::post("/api/oauth2/token")
                .header("host", "127.0.0.1")
                .header("authorization", BASIC)
                .header("content-type", "application/x-www-form-urlencoded")
                .body(Full::new(Bytes::from(body)))
                .unwrap()
        }
    };
    let exchanges =
        loadgen::requests_per_second(addr, CONNECTIONS, RUN_FOR, Arc::new(exchange)).await;

    let access = {
        let code = mock.issue_code_directly(REDIRECT, &NELLY, &["identify"], None);
        let tokens: serde_json::Value = reqwest::Client::new()
            .post(format!("{}/api/oauth2/token", mock.base_url()))
            .basic_auth("mock-client-id", Some("mock-client-secret"))
            .form(&[
                ("grant_type", "authorization_code"),
                ("code", code.as_str()),
                ("redirect_uri", REDIRECT),
            ])
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        format!("Bearer {}", tokens["access_token"].as_str().unwrap())
    };
    let users_me = move |_| {
        Request::get("/api/v10/users/@me")
            .header("host", "127.0.0.1")
            .header("authorization", access.as_str())
            .body(Full::new(Bytes::new()))
            .unwrap()
    };
    let users_me =
        loadgen::requests_per_second(addr, CONNECTIONS, RUN_FOR, Arc::new(users_me)).await;

    println!(
        "mock-discord throughput: {CONNECTIONS} connections, {} s each, load generator in the same process",
        RUN_FOR.as_secs()
    );
    println!("  token exchanges (authorization_code + PKCE): {exchanges:>9.0} /s");
    println!("  GET /api/v10/users/@me:                      {users_me:>9.0} /s");
}
