//! One incoming request, read whole before any endpoint looks at it.
//!
//! The mock takes every request through a single filter that captures the
//! method, path, query, headers and (size-capped) body. That keeps the
//! inspector honest, since it records exactly what arrived, and lets the
//! endpoints parse parameters as strictly as Discord does.

use bytes::{Buf, Bytes, BytesMut};
use futures_util::{Stream, StreamExt};
use http::{HeaderMap, Method};
use percent_encoding::percent_decode;
use std::collections::HashSet;

/// Bodies larger than this are refused with 413. Every legitimate request
/// to an OAuth2 endpoint is a few hundred bytes.
pub const MAX_BODY_BYTES: usize = 16 * 1024;

/// The most parameters one query or form may carry. The largest legitimate
/// request (an authorization request) has nine; a thousand names only make
/// the parser work, and it works under the mock's lock.
pub const MAX_PARAMS: usize = 64;

#[derive(Clone)]
pub struct MockRequest {
    pub method: Method,
    pub path: String,
    pub raw_query: String,
    pub headers: HeaderMap,
    pub body: Bytes,
}

/// The body and headers carry client secrets, codes and tokens, so `{:?}`
/// shows only their size and names. The journal shows the rest, redacted.
impl std::fmt::Debug for MockRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let header_names: Vec<&str> = self.headers.keys().map(|name| name.as_str()).collect();
        f.debug_struct("MockRequest")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("query_bytes", &self.raw_query.len())
            .field("headers", &header_names)
            .field("body_bytes", &self.body.len())
            .finish()
    }
}

/// Why the parameters of a request could not be read. Each becomes an
/// `invalid_request` in Discord's shape.
#[derive(Debug, Clone, PartialEq)]
pub enum BadParams {
    NotUtf8,
    Duplicate(String),
    TooMany,
}

impl BadParams {
    pub fn description(&self) -> String {
        match self {
            BadParams::NotUtf8 => "Parameters must be UTF-8.".to_string(),
            BadParams::Duplicate(name) => format!("Duplicate \"{name}\" in request."),
            BadParams::TooMany => format!("At most {MAX_PARAMS} parameters are allowed."),
        }
    }
}

/// Decoded `application/x-www-form-urlencoded` parameters.
#[derive(Debug, Clone, Default)]
pub struct Params(Vec<(String, String)>);

impl Params {
    /// Parses strictly: RFC 6749 §3.1 says parameters "MUST NOT be included
    /// more than once", and a value that is not UTF-8 is refused rather than
    /// silently replaced by U+FFFD.
    ///
    /// The count is capped before anything is decoded, and duplicates are
    /// found with a set: the work grows with the input's length, never with
    /// its square.
    pub fn parse(input: &[u8]) -> Result<Params, BadParams> {
        let pieces: Vec<&[u8]> = input
            .split(|&b| b == b'&')
            .filter(|p| !p.is_empty())
            .take(MAX_PARAMS + 1)
            .collect();
        if pieces.len() > MAX_PARAMS {
            return Err(BadParams::TooMany);
        }
        let mut pairs: Vec<(String, String)> = Vec::with_capacity(pieces.len());
        let mut seen = HashSet::with_capacity(pieces.len());
        for piece in pieces {
            let (name, value) = match piece.iter().position(|&b| b == b'=') {
                Some(i) => (&piece[..i], &piece[i + 1..]),
                None => (piece, &b""[..]),
            };
            let name = decode(name)?;
            let value = decode(value)?;
            if !seen.insert(name.clone()) {
                return Err(BadParams::Duplicate(name));
            }
            pairs.push((name, value));
        }
        Ok(Params(pairs))
    }

    /// RFC 6749 §3.1: "Parameters sent without a value MUST be treated as if
    /// they were omitted from the request."
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(n, v)| n == name && !v.is_empty())
            .map(|(_, v)| v.as_str())
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(n, v)| (n.as_str(), v.as_str()))
    }
}

fn decode(raw: &[u8]) -> Result<String, BadParams> {
    let plus_as_space: Vec<u8> = raw
        .iter()
        .map(|&b| if b == b'+' { b' ' } else { b })
        .collect();
    percent_decode(&plus_as_space)
        .decode_utf8()
        .map(|s| s.into_owned())
        .map_err(|_| BadParams::NotUtf8)
}

impl MockRequest {
    pub fn query(&self) -> Result<Params, BadParams> {
        Params::parse(self.raw_query.as_bytes())
    }

    pub fn form(&self) -> Result<Params, BadParams> {
        Params::parse(&self.body)
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The media type of the body, lower-cased, without parameters.
    pub fn media_type(&self) -> String {
        self.header("content-type")
            .unwrap_or("")
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase()
    }

    pub fn cookie(&self, name: &str) -> Option<String> {
        self.headers
            .get_all(http::header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .filter_map(|pair| pair.trim().split_once('='))
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.to_string())
    }

    /// The token of an `Authorization: Bearer …` header (RFC 6750 §2.1).
    pub fn bearer_token(&self) -> Option<&str> {
        let value = self.header("authorization")?;
        let (scheme, token) = value.split_once(' ')?;
        scheme
            .eq_ignore_ascii_case("bearer")
            .then(|| token.trim())
            .filter(|t| !t.is_empty())
    }
}

/// Why a body could not be read.
#[derive(Debug)]
pub enum BodyError {
    TooLarge,
    Broken,
}

/// Collects a body, refusing it as soon as it passes `MAX_BODY_BYTES`,
/// whatever `Content-Length` claimed.
pub async fn read_capped<S, B>(stream: S) -> Result<Bytes, BodyError>
where
    S: Stream<Item = Result<B, warp::Error>>,
    B: Buf,
{
    let mut stream = std::pin::pin!(stream);
    let mut collected = BytesMut::new();
    while let Some(chunk) = stream.next().await {
        let mut chunk = chunk.map_err(|_| BodyError::Broken)?;
        if collected.len() + chunk.remaining() > MAX_BODY_BYTES {
            return Err(BodyError::TooLarge);
        }
        while chunk.has_remaining() {
            let part = chunk.chunk();
            collected.extend_from_slice(part);
            let n = part.len();
            chunk.advance(n);
        }
    }
    Ok(collected.freeze())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_plus_and_percent() {
        let p = Params::parse(b"a=b+c&d=%2Fe&empty=").unwrap();
        assert_eq!(p.get("a"), Some("b c"));
        assert_eq!(p.get("d"), Some("/e"));
        assert_eq!(p.get("empty"), None);
    }

    #[test]
    fn refuses_duplicates_and_bad_utf8() {
        assert_eq!(
            Params::parse(b"a=1&a=2").unwrap_err(),
            BadParams::Duplicate("a".into())
        );
        assert_eq!(Params::parse(b"a=%FF").unwrap_err(), BadParams::NotUtf8);
    }

    #[test]
    fn debug_shows_no_secret() {
        let mut headers = HeaderMap::new();
        headers.insert("authorization", "Basic c2VjcmV0LWNyZWRz".parse().unwrap());
        let request = MockRequest {
            method: Method::POST,
            path: "/api/oauth2/token".into(),
            raw_query: "code=query-code".into(),
            headers,
            body: Bytes::from_static(b"client_secret=body-secret&code=body-code"),
        };
        let shown = format!("{request:?}");
        for secret in ["c2VjcmV0", "query-code", "body-secret", "body-code"] {
            assert!(!shown.contains(secret), "{shown}");
        }
        assert!(shown.contains("authorization"), "{shown}");
    }

    #[test]
    fn refuses_more_parameters_than_any_request_needs() {
        let names = |n: usize| -> String {
            (0..n)
                .map(|i| format!("a{i}"))
                .collect::<Vec<_>>()
                .join("&")
        };
        assert!(Params::parse(names(MAX_PARAMS).as_bytes()).is_ok());
        assert_eq!(
            Params::parse(names(MAX_PARAMS + 1).as_bytes()).unwrap_err(),
            BadParams::TooMany
        );
    }
}
