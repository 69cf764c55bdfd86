//! Test helpers for the stages (feature `testing`): a tiny browser over
//! `warp::test` that keeps cookies (this file), and beside it:
//!
//! * [`transcript`]: a flow written down, its random values redacted;
//! * [`documented`]: the routes a README names, each checked as served;
//! * [`logs`]: what a flow logged, to prove no secret is in it;
//! * [`labs`]: driving a lab's page as its buttons would;
//! * [`scripted_provider`] and [`hostile_input`]: a provider that answers
//!   what a test scripts, and the generators of bad input the property
//!   tests ([`properties`]) feed the stages;
//! * [`processes`]: a stage's real binary, started and driven;
//! * [`http_browser`]: a browser over real HTTP, for those processes;
//! * [`outside`]: implementations nobody here wrote (Node scripts in
//!   `interop/`), started and read;
//! * [`bench`]: the benchmarks' servers and load;
//! * [`chromium`] (feature `chromium`): a real headless browser.

pub mod bench;
#[cfg(feature = "chromium")]
pub mod chromium;
pub mod documented;
pub mod hostile_input;
pub mod http_browser;
pub mod labs;
pub mod logs;
pub mod outside;
pub mod processes;
pub mod properties;
pub mod scripted_provider;
pub mod transcript;

pub use transcript::{Body, Redactor, Transcript};

use crate::problem::Answer;
use bytes::Bytes;
use http::Response;
use mock_discord::{submit_consent, Consent, MockHandle};
use std::collections::BTreeMap;
use std::convert::Infallible;
use warp::{Filter, Reply};

/// What every stage's `routes(app)` returns.
pub trait StageRoutes:
    Filter<Extract = (Answer,), Error = Infallible> + Clone + Send + Sync + 'static
{
}
impl<T: Filter<Extract = (Answer,), Error = Infallible> + Clone + Send + Sync + 'static> StageRoutes
    for T
{
}

/// Keeps cookies between requests to one stage, as a browser would.
pub struct Browser<F> {
    routes: F,
    cookies: BTreeMap<String, String>,
    /// Where a login starts: `/login`, or stage 3's `/login/discord`.
    login_path: String,
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
            login_path: "/login".into(),
        }
    }

    /// A browser whose logins start at `path` (stage 3: `/login/google`).
    pub fn logging_in_at(mut self, path: &str) -> Self {
        self.login_path = path.to_string();
        self
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
        self.send(method, path, headers, "").await
    }

    /// [`Browser::request`] with a body.
    pub async fn send(
        &mut self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &str,
    ) -> Response<Bytes> {
        let mut request = warp::test::request().method(method).path(path).body(body);
        // Every browser names the server it asks, as the stages' tests
        // run it: on 127.0.0.1:5000 (a test may send its own).
        if !headers
            .iter()
            .any(|(name, _)| name.eq_ignore_ascii_case("host"))
        {
            request = request.header("host", "127.0.0.1:5000");
        }
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

    /// `GET /login`, then the mock's consent page (as `user`, with
    /// `decision`): returns the callback path with its query, not yet
    /// visited.
    pub async fn login_until_callback(&mut self, user: &str, decision: Consent) -> String {
        let login_path = self.login_path.clone();
        let login = self.get(&login_path).await;
        assert_eq!(login.status(), 303, "{login_path} must redirect");
        let authorize_url = location(&login);
        let callback = submit_consent(&authorize_url, user, decision)
            .await
            .expect("the consent page completes");
        path_and_query(&callback)
    }

    /// A whole login: returns the callback's response.
    pub async fn login(&mut self, user: &str) -> Response<Bytes> {
        let callback = self.login_until_callback(user, Consent::Authorize).await;
        self.get(&callback).await
    }
}

/// A browser that has logged in as `user` at a stage of session cookies
/// (stage 2 or 3): the callback answered 303 to `/users/me` and set the
/// `session` cookie.
pub async fn logged_in_browser<F: StageRoutes>(routes: F, user: &str) -> Browser<F> {
    logged_in_browser_at(routes, "/login", user).await
}

/// [`logged_in_browser`], starting the login at `login_path`.
pub async fn logged_in_browser_at<F: StageRoutes>(
    routes: F,
    login_path: &str,
    user: &str,
) -> Browser<F> {
    let mut browser = Browser::new(routes).logging_in_at(login_path);
    let response = browser.login(user).await;
    assert_eq!(response.status(), 303, "{:?}", response.body());
    assert_eq!(location(&response), "/users/me");
    assert!(browser.cookie("session").is_some());
    browser
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

/// Fails, with file and line, unless each route a stage's README names is
/// served offline: by the stage's `routes`, or else by the `mock` the
/// stage logs in with, as Discord or under its Google issuer (an answer
/// other than 404 from any).
pub async fn assert_readme_routes_served<F: StageRoutes>(
    file: &str,
    readme: &str,
    routes: &F,
    mock: &MockHandle,
) {
    let client = reqwest::Client::new();
    let named = documented::named_routes(readme);
    documented::assert_named_routes_served(file, named, |method, path| {
        let client = client.clone();
        let url = format!("{}{path}", mock.base_url());
        let google = mock.google_issuer();
        async move {
            let stage = warp::test::request()
                .method(method)
                .path(&path)
                .reply(routes)
                .await;
            if stage.status() != 404 {
                return stage.status().as_u16();
            }
            // At the mock: Discord's paths, or Google's under its issuer.
            let method = http::Method::from_bytes(method.as_bytes()).expect("a method");
            for url in [url, format!("{google}{path}")] {
                let mock = client.request(method.clone(), url).send().await;
                let status = mock.expect("the mock answers").status().as_u16();
                if status != 404 {
                    return status;
                }
            }
            404
        }
    })
    .await;
}

/// Fails unless a README's "Things to try" steps are, in order, `tested`:
/// the titles of the steps a test file does.
pub fn assert_things_to_try_are(readme: &str, tested: &[&str]) {
    assert_eq!(
        things_to_try(readme),
        tested,
        "the README's Things to try and the steps the tests do"
    );
}

/// The titles of a README's "Things to try" steps (`1. **Title.** …`), in
/// order: each stage's tests compare them with the steps they test.
pub fn things_to_try(readme: &str) -> Vec<&str> {
    let section = readme
        .split("## Things to try")
        .nth(1)
        .expect("the README has a Things to try section");
    let section = section.split("\n## ").next().unwrap_or(section);
    section
        .lines()
        .filter_map(|line| line.split_once(". **"))
        .filter(|(number, _)| !number.is_empty() && number.chars().all(|c| c.is_ascii_digit()))
        .filter_map(|(_, rest)| rest.split_once("**").map(|(title, _)| title))
        .collect()
}

/// What a response lacks of the headers every answer must carry
/// (`nosniff`, and for HTML a CSP refusing frames, `X-Frame-Options` and
/// `Referrer-Policy: no-referrer`). Empty when it has them all.
pub fn missing_security_headers(response: &Response<Bytes>) -> Vec<&'static str> {
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string()
    };
    let mut missing = Vec::new();
    if header("x-content-type-options") != "nosniff" {
        missing.push("X-Content-Type-Options: nosniff");
    }
    if header("content-type").starts_with("text/html") {
        if !header("content-security-policy").contains("frame-ancestors 'none'") {
            missing.push("Content-Security-Policy with frame-ancestors 'none'");
        }
        if header("x-frame-options") != "DENY" {
            missing.push("X-Frame-Options: DENY");
        }
        if header("referrer-policy") != "no-referrer" {
            missing.push("Referrer-Policy: no-referrer");
        }
    }
    missing
}
