//! The headers every answer of a stage carries, success or failure:
//!
//! * `X-Content-Type-Options: nosniff`: a browser takes our JSON for JSON,
//!   never sniffs it into HTML or script;
//! * `Referrer-Policy: no-referrer`: the callback's URL carries the code,
//!   and no link or request from a page of ours tells another site where
//!   it came from.

use http::{header, HeaderValue};

/// Adds them to an answer's headers.
pub fn add_everywhere_headers(headers: &mut http::HeaderMap) {
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
}
