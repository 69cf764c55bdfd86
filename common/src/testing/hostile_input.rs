//! Generators of hostile input for the property tests: text that parsers
//! choke on, callback queries, cookie headers, and provider answers of any
//! shape, numbers from the edges included.

use super::scripted_provider::{valid_profile, valid_tokens, Scripted};
use proptest::prelude::*;

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
