//! Transcripts: a flow, step by step, as text for a snapshot, with the
//! random values (state, codes, tokens, ports, sealed cookies) replaced by
//! labels.

use crate::testing::query_param;
use bytes::Bytes;
use http::Response;
use mock_discord::{Exchange, MockHandle};
use std::fmt::Write;

/// Replaces random values with labels, so a transcript can be a snapshot.
#[derive(Default)]
pub struct Redactor {
    pairs: Vec<(String, String)>,
}

impl Redactor {
    /// From now on, `secret` (and its URL-encoded form) reads `[label]`.
    pub fn hide(&mut self, secret: &str, label: &str) {
        if secret.is_empty() {
            return;
        }
        let encoded: String = url::form_urlencoded::byte_serialize(secret.as_bytes()).collect();
        self.pairs.push((secret.to_string(), format!("[{label}]")));
        if encoded != secret {
            self.pairs.push((encoded, format!("[{label}]")));
        }
        // Longest first, so a value that contains another is replaced whole.
        self.pairs.sort_by_key(|(s, _)| std::cmp::Reverse(s.len()));
    }

    /// Hides what `/login` made up: the state and PKCE challenge in the
    /// authorize URL, and the sealed transaction cookie.
    pub fn hide_login(&mut self, authorize_url: &str, sealed_transaction: &str) {
        for name in ["state", "code_challenge"] {
            if let Some(value) = query_param(authorize_url, name) {
                self.hide(&value, name);
            }
        }
        self.hide(sealed_transaction, "sealed transaction");
    }

    pub fn apply(&self, text: &str) -> String {
        let mut text = text.to_string();
        for (secret, label) in &self.pairs {
            text = text.replace(secret, label);
        }
        text
    }
}

/// How a transcript shows a response's body.
#[derive(Clone, Copy, PartialEq)]
pub enum Body {
    Hidden,
    /// As it came, unless empty or HTML.
    Raw,
    /// JSON, indented.
    PrettyJson,
}

/// A flow, step by step, as text for a snapshot that a learner can read
/// next to the code. Random values are replaced by labels ([`Redactor`]).
pub struct Transcript {
    text: String,
    pub redact: Redactor,
}

impl Transcript {
    /// A transcript of a flow against `mock` (whose port is random).
    pub fn new(mock: &MockHandle) -> Transcript {
        let mut redact = Redactor::default();
        redact.hide(&mock.addr().port().to_string(), "mock-port");
        Transcript {
            text: String::new(),
            redact,
        }
    }

    pub fn line(&mut self, line: impl std::fmt::Display) {
        writeln!(self.text, "{line}").expect("writing to a String");
    }

    /// `{step} -> {status}`, the `headers` named, and the body.
    pub fn response(
        &mut self,
        step: &str,
        response: &Response<Bytes>,
        headers: &[&str],
        body: Body,
    ) {
        self.line(format!("{step} -> {}", response.status()));
        for name in headers {
            for value in response.headers().get_all(*name) {
                self.line(format!(
                    "    {name}: {}",
                    value.to_str().unwrap_or("(not text)")
                ));
            }
        }
        let is_html = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("text/html"));
        match body {
            Body::Hidden => {}
            Body::Raw if response.body().is_empty() || is_html => {}
            Body::Raw => self.line(format!(
                "    body: {}",
                String::from_utf8_lossy(response.body())
            )),
            Body::PrettyJson => {
                let json: serde_json::Value =
                    serde_json::from_slice(response.body()).expect("a JSON body");
                let pretty = serde_json::to_string_pretty(&json).expect("JSON prints");
                self.line(format!("    body: {}", pretty.replace('\n', "\n    ")));
            }
        }
    }

    /// Every exchange the mock saw, under `heading`, each followed by the
    /// lines `details` picks out of it.
    pub fn provider_saw(
        &mut self,
        heading: &str,
        mock: &MockHandle,
        details: impl Fn(&Exchange) -> Vec<String>,
    ) {
        self.line(heading);
        for exchange in mock.requests() {
            self.line(format!(
                "    {} {} -> {}",
                exchange.method, exchange.path, exchange.status
            ));
            for detail in details(&exchange) {
                self.line(format!("      {detail}"));
            }
        }
    }

    /// [`Transcript::provider_saw`], noting the `token_type_hint` of each
    /// revocation: what logout told the provider.
    pub fn provider_saw_revocations(&mut self, mock: &MockHandle) {
        self.provider_saw("meanwhile, the provider saw:", mock, |exchange| {
            exchange
                .param("token_type_hint")
                .map(|hint| format!("token_type_hint = {hint}"))
                .into_iter()
                .collect()
        });
    }

    /// The transcript, redacted.
    pub fn text(&self) -> String {
        self.redact.apply(&self.text)
    }
}
