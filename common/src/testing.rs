//! Test helpers for the stages (feature `testing`): a tiny browser over
//! `warp::test` that keeps cookies, and a redactor for transcripts.

use bytes::Bytes;
use http::Response;
use mock_discord::{submit_consent, Decision};
use std::collections::BTreeMap;
use warp::{Filter, Reply};

/// Keeps cookies between requests to one stage, as a browser would.
pub struct Browser<F> {
    routes: F,
    cookies: BTreeMap<String, String>,
}

impl<F> Browser<F>
where
    F: Filter + Clone + Send + Sync + 'static,
    F::Extract: Reply + Send,
{
    pub fn new(routes: F) -> Self {
        Browser {
            routes,
            cookies: BTreeMap::new(),
        }
    }

    /// The `Cookie` header this browser would send.
    pub fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(name, value)| format!("{name}={value}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    pub fn cookie(&self, name: &str) -> Option<&str> {
        self.cookies.get(name).map(String::as_str)
    }

    /// Replaces a cookie's value (to tamper with it), or removes it.
    pub fn set_cookie(&mut self, name: &str, value: Option<&str>) {
        match value {
            Some(value) => self.cookies.insert(name.to_string(), value.to_string()),
            None => self.cookies.remove(name),
        };
    }

    pub async fn get(&mut self, path: &str) -> Response<Bytes> {
        self.request("GET", path, &[]).await
    }

    /// Sends a request with extra headers, then stores the cookies it set.
    pub async fn request(
        &mut self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
    ) -> Response<Bytes> {
        let mut request = warp::test::request().method(method).path(path);
        if !self.cookies.is_empty() {
            request = request.header("cookie", self.cookie_header());
        }
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let response = request.reply(&self.routes).await;
        self.store(&response);
        response
    }

    fn store(&mut self, response: &Response<Bytes>) {
        for set in response.headers().get_all(http::header::SET_COOKIE) {
            let Ok(text) = set.to_str() else { continue };
            let Ok(cookie) = cookie::Cookie::parse(text.to_string()) else {
                continue;
            };
            let expired = cookie
                .max_age()
                .is_some_and(|age| age.is_zero() || age.is_negative());
            if expired || cookie.value().is_empty() {
                self.cookies.remove(cookie.name());
            } else {
                self.cookies
                    .insert(cookie.name().to_string(), cookie.value().to_string());
            }
        }
    }

    /// `/login`, the mock's consent page (as `user`, with `decision`), and
    /// back: returns the callback path with its query, not yet visited.
    pub async fn consent(&mut self, user: &str, decision: Decision) -> String {
        let login = self.get("/login").await;
        assert_eq!(login.status(), 303, "/login must redirect");
        let authorize_url = location(&login);
        let callback = submit_consent(&authorize_url, user, decision)
            .await
            .expect("the consent page completes");
        path_and_query(&callback)
    }

    /// A whole login: returns the callback's response.
    pub async fn login(&mut self, user: &str) -> Response<Bytes> {
        let callback = self.consent(user, Decision::Authorize).await;
        self.get(&callback).await
    }
}

/// The `Location` header of a response.
pub fn location(response: &Response<Bytes>) -> String {
    response
        .headers()
        .get(http::header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string()
}

/// `/auth?code=…` from `http://127.0.0.1:5000/auth?code=…`.
pub fn path_and_query(url: &str) -> String {
    let url = url::Url::parse(url).expect("an absolute URL");
    match url.query() {
        Some(query) => format!("{}?{query}", url.path()),
        None => url.path().to_string(),
    }
}

/// A free port on 127.0.0.1 (free when asked; bind it soon).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|addr| addr.port())
        .expect("a free port")
}

/// Waits (up to 10 s) until something listens on 127.0.0.1:`port`.
pub async fn wait_until_listening(port: u16) {
    for _ in 0..200 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_ok()
        {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("nothing listens on 127.0.0.1:{port}");
}

/// A query parameter of a URL.
pub fn query_param(url: &str, name: &str) -> Option<String> {
    let url = url::Url::parse(url)
        .or_else(|_| url::Url::parse(&format!("http://x{url}")))
        .ok()?;
    url.query_pairs()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.into_owned())
}

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
