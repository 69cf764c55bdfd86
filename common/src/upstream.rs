//! Talking to the provider: one HTTP client for the whole process, and what
//! can go wrong on the way.
//!
//! Every call this server makes to Discord goes through [`Upstream`]. It is
//! built once (a client holds a connection pool; building one per request
//! would throw it away) and it is strict:
//!
//! * it never follows a redirect: a token endpoint that redirects is broken
//!   or hijacked, and following it would send the client secret to whoever
//!   it points at (a server-side request forgery);
//! * it gives up after a connect timeout and a total timeout, so a provider
//!   that hangs cannot hang our users' requests with it;
//! * it reads at most [`MAX_BODY_BYTES`] of an answer, so a provider that
//!   talks forever cannot fill our memory.

use http::StatusCode;
use std::time::Duration;

pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
pub const TOTAL_TIMEOUT: Duration = Duration::from_secs(10);
/// A token response is a few hundred bytes; a user object about one KiB.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// Why a call to the provider produced no usable answer. None of these
/// carries the answer's body: it might hold a token.
#[derive(Debug, thiserror::Error)]
pub enum UpstreamError {
    #[error("the provider did not answer within the time limit")]
    Timeout,
    #[error("the provider could not be reached")]
    Unreachable,
    #[error("the provider answered with a redirect ({0}), which is never followed")]
    Redirect(StatusCode),
    #[error("the provider's answer was larger than {MAX_BODY_BYTES} bytes")]
    TooLarge,
    #[error("the provider is rate limiting us")]
    RateLimited { retry_after: Option<u64> },
    #[error("the provider is unavailable (503)")]
    Unavailable { retry_after: Option<u64> },
    #[error("the provider failed ({0})")]
    ServerError(StatusCode),
    #[error("the provider rejected the access token")]
    Unauthorized,
    #[error("the provider's answer could not be understood: {0}")]
    Malformed(String),
    #[error("the request to the provider failed")]
    Transport,
}

/// The shared, strict HTTP client.
#[derive(Clone, Debug)]
pub struct Upstream {
    client: reqwest::Client,
}

impl Upstream {
    pub fn new() -> Result<Upstream, reqwest::Error> {
        Upstream::with_timeouts(CONNECT_TIMEOUT, TOTAL_TIMEOUT)
    }

    pub fn with_timeouts(connect: Duration, total: Duration) -> Result<Upstream, reqwest::Error> {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(connect)
            .timeout(total)
            .user_agent(concat!("oauth2-workshop/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(Upstream { client })
    }

    /// Sends a request built by the `oauth2` crate (see the
    /// `AsyncHttpClient` implementation below).
    ///
    /// Answers the `oauth2` crate can judge (200, and 4xx with an OAuth
    /// error body) are passed on. Those it would misreport are turned into
    /// errors here, where the status and headers are still known.
    pub async fn send(
        &self,
        request: oauth2::HttpRequest,
    ) -> Result<oauth2::HttpResponse, UpstreamError> {
        let (parts, body) = request.into_parts();
        let url = parts.uri.to_string();
        let response = self
            .client
            .request(parts.method, url)
            .headers(parts.headers)
            .body(body)
            .send()
            .await
            .map_err(classify)?;
        let status = response.status();
        check_status(&response)?;
        let headers = response.headers().clone();
        let body = read_capped(response).await?;
        let mut builder = http::Response::builder().status(status);
        if let Some(h) = builder.headers_mut() {
            *h = headers;
        }
        builder
            .body(body)
            .map_err(|e| UpstreamError::Malformed(e.to_string()))
    }

    /// `GET` a JSON document from the provider's API with a bearer token.
    pub async fn get_json<T: serde::de::DeserializeOwned>(
        &self,
        url: &str,
        access_token: &str,
    ) -> Result<T, UpstreamError> {
        let response = self
            .client
            .get(url)
            .bearer_auth(access_token)
            .send()
            .await
            .map_err(classify)?;
        if response.status() == StatusCode::UNAUTHORIZED {
            return Err(UpstreamError::Unauthorized);
        }
        check_success(&response)?;
        check_json(&response)?;
        let body = read_capped(response).await?;
        serde_json::from_slice(&body).map_err(|e| UpstreamError::Malformed(e.to_string()))
    }

    /// `POST` a form with HTTP Basic client authentication; only the status
    /// matters (used for RFC 7009 revocation).
    pub async fn post_form(
        &self,
        url: &str,
        client_id: &str,
        client_secret: &str,
        form: &[(&str, &str)],
    ) -> Result<(), UpstreamError> {
        let (id, secret) = (form_encoded(client_id), form_encoded(client_secret));
        let response = self
            .client
            .post(url)
            .basic_auth(id, Some(secret))
            .form(form)
            .send()
            .await
            .map_err(classify)?;
        check_success(&response)
    }
}

/// RFC 6749 §2.3.1: the client id and secret are form-urlencoded *before*
/// they become HTTP Basic's user and password (plain Basic does not do
/// this). The oauth2 crate does it for the token exchange with the same
/// encoder; without it here, a secret holding `+`, `/` or `=` reaches the
/// revocation endpoint as another secret, and logout leaves the grant live.
fn form_encoded(credential: &str) -> String {
    url::form_urlencoded::byte_serialize(credential.as_bytes()).collect()
}

/// oauth2 5 sends its requests through any `AsyncHttpClient`; this makes
/// `Upstream` one, so the token exchange gets every rule above:
/// `.request_async(&app.upstream)`.
impl<'c> oauth2::AsyncHttpClient<'c> for Upstream {
    type Error = UpstreamError;
    type Future = std::pin::Pin<
        Box<
            dyn std::future::Future<Output = Result<oauth2::HttpResponse, UpstreamError>>
                + Send
                + 'c,
        >,
    >;

    fn call(&'c self, request: oauth2::HttpRequest) -> Self::Future {
        Box::pin(self.send(request))
    }
}

/// Anything but 2xx, for callers that have no use for an error body.
fn check_success(response: &reqwest::Response) -> Result<(), UpstreamError> {
    check_status(response)?;
    if response.status().is_success() {
        Ok(())
    } else {
        Err(UpstreamError::Malformed(format!(
            "unexpected status {}",
            response.status()
        )))
    }
}

/// Statuses no caller can use: redirects, 429 and 5xx.
fn check_status(response: &reqwest::Response) -> Result<(), UpstreamError> {
    let status = response.status();
    if status.is_redirection() {
        return Err(UpstreamError::Redirect(status));
    }
    if status == StatusCode::TOO_MANY_REQUESTS {
        let retry_after = retry_after(response);
        return Err(UpstreamError::RateLimited { retry_after });
    }
    // 503 says "come back later", often with when: passed on as it is, so
    // that the user's browser or script is told the same.
    if status == StatusCode::SERVICE_UNAVAILABLE {
        let retry_after = retry_after(response);
        return Err(UpstreamError::Unavailable { retry_after });
    }
    if status.is_server_error() {
        return Err(UpstreamError::ServerError(status));
    }
    Ok(())
}

/// `Retry-After` in seconds (Discord sends fractions), at least 1 and at
/// most a day: a provider's number is not allowed to tell our users to wait
/// for ever. An HTTP date is not understood, and treated as absent.
fn retry_after(response: &reqwest::Response) -> Option<u64> {
    const A_DAY: f64 = 86_400.0;
    response
        .headers()
        .get(http::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<f64>().ok())
        .filter(|seconds| seconds.is_finite())
        .map(|seconds| seconds.ceil().clamp(1.0, A_DAY) as u64)
}

fn check_json(response: &reqwest::Response) -> Result<(), UpstreamError> {
    let content_type = response
        .headers()
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if content_type
        .to_ascii_lowercase()
        .starts_with("application/json")
    {
        Ok(())
    } else {
        Err(UpstreamError::Malformed(format!(
            "expected JSON, got {content_type:?}"
        )))
    }
}

async fn read_capped(mut response: reqwest::Response) -> Result<Vec<u8>, UpstreamError> {
    if response
        .content_length()
        .is_some_and(|n| n > MAX_BODY_BYTES as u64)
    {
        return Err(UpstreamError::TooLarge);
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(classify)? {
        if body.len() + chunk.len() > MAX_BODY_BYTES {
            return Err(UpstreamError::TooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// reqwest's error, sorted into what the user should be told. Its text is
/// not kept: it may quote the URL, and a URL may one day carry a secret.
fn classify(error: reqwest::Error) -> UpstreamError {
    if error.is_timeout() {
        UpstreamError::Timeout
    } else if error.is_connect() {
        UpstreamError::Unreachable
    } else if error.is_body() || error.is_decode() {
        UpstreamError::Malformed("the answer was cut off".into())
    } else {
        UpstreamError::Transport
    }
}
