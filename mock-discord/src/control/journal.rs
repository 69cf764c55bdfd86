//! The record of every exchange, for the inspector and for tests.
//!
//! Secrets are shortened to their first four characters *before* they are
//! stored, so nothing that reads the journal (a test, a snapshot, the HTML
//! inspector on a projector) can ever show a usable code or token.

use crate::oauth::request::MockRequest;
use crate::oauth::secrets::shorten;
use serde::Serialize;
use std::collections::VecDeque;

/// Parameters whose values are secrets. `state`, `code_challenge` and
/// `nonce` travel in the browser's URL, but only this login's browser
/// should know them: whoever reads them off the inspector (on a projector)
/// while a login is under way can start a login of their own with them,
/// and the victim's browser would accept the code it yields (a login
/// CSRF, or their identity linked to the victim's account).
const SECRET_PARAMS: &[&str] = &[
    "code",
    "client_secret",
    "code_verifier",
    "token",
    "access_token",
    "refresh_token",
    "csrf_token",
    "state",
    "code_challenge",
    "nonce",
];

/// The journal keeps the most recent exchanges only, so that a benchmark or
/// a long-running mock does not grow without bound.
pub const JOURNAL_CAPACITY: usize = 1000;

/// Each kept value (a path, a parameter, a redirect) is cut to this many
/// characters: the capacity bounds the count, and this the size, so that
/// requests with 60 KB values, repeated, cannot fill the memory of the
/// process an offline stage shares.
pub const MAX_KEPT_CHARS: usize = 200;

/// One request and the status it got.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Exchange {
    pub seq: u64,
    pub method: String,
    pub path: String,
    pub status: u16,
    /// Query and form parameters, secrets shortened.
    pub params: Vec<(String, String)>,
    /// How the client authenticated (`Basic abcd…`, `Bearer abcd…`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub authorization: Option<String>,
    /// Where a redirect sent the browser, with the code shortened.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
}

impl Exchange {
    /// The exchange as the journal keeps it, secrets shortened; numbered
    /// when recorded. Made before the store is locked, so that the
    /// redaction's work does not hold up other requests.
    pub fn of(request: &MockRequest, status: u16, location: Option<&str>) -> Exchange {
        let mut params = Vec::new();
        for found in [request.query(), request.form_if_form()]
            .into_iter()
            .flatten()
        {
            params.extend(found.iter().map(|(n, v)| (kept(n), redact(n, v))));
        }
        let authorization =
            request
                .header("authorization")
                .map(|value| match value.split_once(' ') {
                    Some((scheme, credential)) => format!("{scheme} {}", shorten(credential)),
                    None => shorten(value),
                });
        Exchange {
            seq: 0,
            method: request.method.to_string(),
            path: kept(&request.path),
            status,
            params,
            authorization,
            location: location.map(|l| kept(&redact_url(l))),
        }
    }

    /// The value of a recorded parameter.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

#[derive(Default)]
pub struct Journal {
    exchanges: VecDeque<Exchange>,
    next_seq: u64,
}

impl Journal {
    /// Keeps an exchange (made by [`Exchange::of`]), numbered.
    pub fn record(&mut self, mut exchange: Exchange) {
        self.next_seq += 1;
        exchange.seq = self.next_seq;
        if self.exchanges.len() == JOURNAL_CAPACITY {
            self.exchanges.pop_front();
        }
        self.exchanges.push_back(exchange);
    }

    pub fn exchanges(&self) -> Vec<Exchange> {
        self.exchanges.iter().cloned().collect()
    }

    pub fn clear(&mut self) {
        self.exchanges.clear();
    }
}

fn redact(name: &str, value: &str) -> String {
    if SECRET_PARAMS.contains(&name) {
        shorten(value)
    } else {
        kept(value)
    }
}

/// `value`, or its first [`MAX_KEPT_CHARS`] characters and `…`.
fn kept(value: &str) -> String {
    match value.char_indices().nth(MAX_KEPT_CHARS) {
        Some((cut, _)) => format!("{}…", &value[..cut]),
        None => value.to_string(),
    }
}

/// Shortens the secret query parameters of a URL. The result is for
/// reading, not for following: the query is shown decoded.
fn redact_url(location: &str) -> String {
    let Ok(mut url) = url::Url::parse(location) else {
        return location.to_string();
    };
    if url.query().is_none() {
        return location.to_string();
    }
    let query: Vec<String> = url
        .query_pairs()
        .map(|(n, v)| format!("{n}={}", redact(&n, &v)))
        .collect();
    url.set_query(None);
    format!("{url}?{}", query.join("&"))
}

impl MockRequest {
    /// The body's parameters, when the body is a form.
    fn form_if_form(
        &self,
    ) -> Result<crate::oauth::request::Params, crate::oauth::request::BadParams> {
        if self.media_type() == "application/x-www-form-urlencoded" {
            self.form()
        } else {
            Ok(Default::default())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_values_are_kept_cut() {
        let long = "é".repeat(3 * MAX_KEPT_CHARS);
        let cut = kept(&long);
        assert_eq!(cut.chars().count(), MAX_KEPT_CHARS + 1);
        assert!(cut.ends_with('…'));
        assert_eq!(kept("short"), "short");
        assert_eq!(redact("redirect_uri", &long), cut);
        assert_eq!(redact("state", &long), "éééé…");
        let location = format!("http://a/cb?error_description={}", "x".repeat(1000));
        assert_eq!(
            kept(&redact_url(&location)).chars().count(),
            MAX_KEPT_CHARS + 1
        );
    }

    #[test]
    fn locations_lose_their_codes() {
        assert_eq!(
            redact_url("http://a/cb?code=abcdefgh&state=xyz"),
            "http://a/cb?code=abcd…&state=xyz…"
        );
    }
}
