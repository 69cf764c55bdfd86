//! Property tests' shared parts: a provider that answers whatever a case
//! says, generators of hostile input, and the rule every answer must keep.
//!
//! Each stage's `tests/properties.rs` feeds arbitrary callback queries,
//! cookie headers, token responses and profiles through its routes and
//! checks [`answer_problems`]: never a panic, never a 5xx other than
//! 502/503/504 (the provider's fault), and every error shaped
//! `{"detail": …}`. CI runs [`cases`] (10,000) per property;
//! `PROPTEST_CASES=1000000` runs a million.

use crate::Provider;
use bytes::Bytes;
use http::{Response, StatusCode};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use secrecy::SecretString;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use warp::Filter;

/// How many cases each property runs: `PROPTEST_CASES`, else 10,000.
pub fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000)
}

/// proptest's configuration for these properties: [`cases`], and no
/// failure-persistence files written into the source tree.
pub fn config() -> ProptestConfig {
    ProptestConfig {
        cases: cases(),
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// What is wrong with an answer, if anything.
pub fn answer_problems(response: &Response<Bytes>) -> Option<String> {
    let status = response.status();
    if status.is_server_error()
        && !matches!(
            status,
            StatusCode::BAD_GATEWAY | StatusCode::SERVICE_UNAVAILABLE | StatusCode::GATEWAY_TIMEOUT
        )
    {
        return Some(format!("status {status}: {:?}", response.body()));
    }
    if status.is_client_error() || status.is_server_error() {
        let detail = serde_json::from_slice::<serde_json::Value>(response.body())
            .ok()
            .and_then(|body| body.get("detail").map(serde_json::Value::is_string));
        if detail != Some(true) {
            return Some(format!(
                "{status} without {{\"detail\"}}: {:?}",
                response.body()
            ));
        }
    }
    None
}

/// [`answer_problems`], as a proptest verdict.
pub fn check(what: &str, response: &Response<Bytes>) -> Result<(), TestCaseError> {
    match answer_problems(response) {
        None => Ok(()),
        Some(problem) => Err(TestCaseError::fail(format!("{what}: {problem}"))),
    }
}

/// A path with its query as a client could send it: characters a URI may
/// not hold are percent-encoded (the URL parser does what a browser does).
pub fn request_target(path: &str, query: &str) -> String {
    let url = url::Url::parse(&format!("http://x{path}?{query}")).expect("a URL");
    match url.query() {
        Some(query) => format!("{}?{query}", url.path()),
        None => url.path().to_string(),
    }
}

/// A runtime, a scripted provider in it, and a stage's [`App`] against it
/// (short timeouts: a case never waits long).
pub fn world() -> (tokio::runtime::Runtime, ScriptedProvider, crate::App) {
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    let provider = runtime.block_on(ScriptedProvider::start());
    let app = crate::App::new(
        provider.provider(),
        "http://127.0.0.1:5000/auth",
        crate::CookieKeys::random().expect("randomness"),
        crate::CookiePolicy { secure: false },
        crate::Upstream::with_timeouts(Duration::from_secs(2), Duration::from_secs(2))
            .expect("an HTTP client"),
    )
    .expect("a valid redirect URI");
    (runtime, provider, app)
}

/// One scripted answer: status, content type, body.
#[derive(Clone, Debug)]
pub struct Scripted {
    pub status: u16,
    pub content_type: String,
    pub body: String,
}

impl Scripted {
    pub fn json(body: impl Into<String>) -> Scripted {
        Scripted {
            status: 200,
            content_type: "application/json".into(),
            body: body.into(),
        }
    }
}

/// A provider on 127.0.0.1 whose token endpoint and `/users/@me` answer
/// what the current case scripted; revocation always succeeds.
#[derive(Clone)]
pub struct ScriptedProvider {
    pub addr: SocketAddr,
    token: Arc<Mutex<Scripted>>,
    profile: Arc<Mutex<Scripted>>,
}

impl ScriptedProvider {
    /// Starts it on a free port, in the current runtime.
    pub async fn start() -> ScriptedProvider {
        let token = Arc::new(Mutex::new(Scripted::json(valid_tokens())));
        let profile = Arc::new(Mutex::new(Scripted::json(valid_profile())));
        let answer = |script: Arc<Mutex<Scripted>>| {
            move || {
                let scripted = script.lock().unwrap_or_else(|p| p.into_inner()).clone();
                let mut response = Response::new(scripted.body.into());
                *response.status_mut() =
                    StatusCode::from_u16(scripted.status).unwrap_or(StatusCode::OK);
                if let Ok(value) = http::HeaderValue::from_str(&scripted.content_type) {
                    response
                        .headers_mut()
                        .insert(http::header::CONTENT_TYPE, value);
                }
                response
            }
        };
        let token_route = warp::post()
            .and(warp::path!("api" / "oauth2" / "token"))
            .map(answer(token.clone()));
        let revoke_route = warp::post()
            .and(warp::path!("api" / "oauth2" / "token" / "revoke"))
            .map(|| warp::reply::json(&serde_json::json!({})).into_response());
        let profile_route = warp::get()
            .and(warp::path!("api" / "v10" / "users" / "@me"))
            .map(answer(profile.clone()));
        use warp::Reply;
        let routes = token_route
            .or(revoke_route)
            .unify()
            .or(profile_route)
            .unify();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a free port");
        let addr = listener.local_addr().expect("its address");
        tokio::spawn(warp::serve(routes).incoming(listener).run());
        ScriptedProvider {
            addr,
            token,
            profile,
        }
    }

    /// The provider, for `App::new`.
    pub fn provider(&self) -> Provider {
        let base = url::Url::parse(&format!("http://{}", self.addr)).expect("a URL");
        Provider::discord(
            &base,
            "client-id".into(),
            SecretString::from("client-secret"),
        )
    }

    pub fn answer_token(&self, scripted: Scripted) {
        *self.token.lock().unwrap_or_else(|p| p.into_inner()) = scripted;
    }

    pub fn answer_profile(&self, scripted: Scripted) {
        *self.profile.lock().unwrap_or_else(|p| p.into_inner()) = scripted;
    }
}

pub fn valid_tokens() -> String {
    r#"{"access_token":"a","token_type":"Bearer","expires_in":604800,"refresh_token":"r","scope":"identify"}"#.into()
}

pub fn valid_profile() -> String {
    r#"{"id":"80351110224678912","username":"nelly","global_name":"Nelly"}"#.into()
}

/// Text that parsers choke on: any characters, percent signs, separators,
/// control characters, long runs.
fn hostile_text() -> impl Strategy<Value = String> {
    prop_oneof![
        ".{0,40}",
        "[%&=;+ a-zA-Z0-9]{0,40}",
        "(%[0-9A-Fa-f]{2}|%|[a-z]){0,20}",
        Just("x".repeat(10_000)),
        "[\\x00-\\x1f\\x7f]{0,8}",
        // Long and beyond ASCII: where byte and character counts differ.
        "\\PC{150,300}",
    ]
}

/// A callback query: random text; the real parameter names with hostile
/// values, repeated or not; or a well-formed callback (each parameter at
/// most once) with hostile values, which gets past the parser.
pub fn callback_query() -> impl Strategy<Value = String> {
    let name = prop_oneof![
        Just("code".to_string()),
        Just("state".to_string()),
        Just("iss".to_string()),
        Just("error".to_string()),
        Just("error_description".to_string()),
        "[a-z_]{1,12}",
    ];
    let pair = (name, hostile_text()).prop_map(|(name, value)| format!("{name}={value}"));
    let optional = |name: &'static str| {
        proptest::option::of(hostile_text())
            .prop_map(move |value| value.map(|v| format!("{name}={v}")))
    };
    let well_formed = (
        optional("code"),
        optional("error"),
        optional("error_description"),
        optional("iss"),
    )
        .prop_map(|(a, b, c, d)| {
            [a, b, c, d]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join("&")
        });
    prop_oneof![
        1 => hostile_text(),
        1 => proptest::collection::vec(pair, 0..8).prop_map(|pairs| pairs.join("&")),
        2 => well_formed,
    ]
}

/// A `Cookie` header: random text, or the stages' cookie names with
/// hostile values, repeated or not.
pub fn cookie_header() -> impl Strategy<Value = String> {
    let name = prop_oneof![
        Just("session".to_string()),
        Just("__Host-session".to_string()),
        Just("oauth_transaction".to_string()),
        "[a-zA-Z_-]{1,12}",
    ];
    let pair = (name, hostile_text()).prop_map(|(name, value)| format!("{name}={value}"));
    prop_oneof![
        hostile_text(),
        proptest::collection::vec(pair, 0..5).prop_map(|pairs| pairs.join("; ")),
    ]
}

/// A JSON value of any shape, numbers from the edges included.
fn any_json() -> impl Strategy<Value = serde_json::Value> {
    use serde_json::Value;
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        hostile_text().prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            proptest::collection::btree_map("[a-z_]{1,12}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Values from the edges, where arithmetic and parsers break: the largest
/// and smallest integers, zero, negatives, floats, empty and huge strings.
fn edge_json() -> impl Strategy<Value = serde_json::Value> {
    use serde_json::Value;
    prop_oneof![
        Just(Value::from(u64::MAX)),
        Just(Value::from(u64::MAX - 1)),
        Just(Value::from(i64::MAX)),
        Just(Value::from(i64::MIN)),
        Just(Value::from(-1)),
        Just(Value::from(0)),
        Just(Value::from(1e308)),
        Just(Value::from(-0.5)),
        Just(Value::from("")),
        Just(Value::from("x".repeat(100_000))),
        Just(Value::Null),
        any::<u64>().prop_map(Value::from),
    ]
}

/// An answer whose body is `fields` merged into a valid one, or any JSON,
/// under any status and content type.
fn provider_answer(
    valid: String,
    field_names: &'static [&'static str],
) -> impl Strategy<Value = Scripted> {
    let field = prop::sample::select(field_names);
    let value = prop_oneof![edge_json(), any_json()];
    let tampered = proptest::collection::vec((field, value), 0..4).prop_map(move |changes| {
        let mut body: serde_json::Value = serde_json::from_str(&valid).expect("valid JSON");
        for (name, value) in changes {
            body[name] = value;
        }
        body.to_string()
    });
    let body = prop_oneof![
        4 => tampered,
        1 => any_json().prop_map(|v| v.to_string()),
        1 => hostile_text(),
    ];
    let status = prop_oneof![
        6 => Just(200u16),
        1 => prop::sample::select(vec![201u16, 204, 301, 302, 400, 401, 403, 404, 429, 500, 502, 503]),
    ];
    let content_type = prop_oneof![
        6 => Just("application/json".to_string()),
        1 => Just("text/html".to_string()),
        1 => "[a-z/;= -]{0,20}",
    ];
    (status, content_type, body).prop_map(|(status, content_type, body)| Scripted {
        status,
        content_type,
        body,
    })
}

/// A token endpoint's answer, mostly token-shaped, with fields of any type.
pub fn token_answer() -> impl Strategy<Value = Scripted> {
    provider_answer(
        valid_tokens(),
        &[
            "access_token",
            "token_type",
            "expires_in",
            "refresh_token",
            "scope",
            "error",
            "error_description",
        ],
    )
}

/// `/users/@me`'s answer, mostly user-shaped, with fields of any type.
pub fn profile_answer() -> impl Strategy<Value = Scripted> {
    provider_answer(
        valid_profile(),
        &[
            "id",
            "username",
            "global_name",
            "avatar",
            "email",
            "verified",
        ],
    )
}
