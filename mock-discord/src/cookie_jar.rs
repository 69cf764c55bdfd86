//! What a browser keeps between requests: cookies, by host and path, as
//! RFC 6265 says (not by port: two servers on one host share them, as in
//! a real browser). For the clients that act as browsers: `login-load`,
//! and the HTTP browser of the stages' tests.

use url::Url;

/// One cookie as the browser keeps it.
#[derive(Debug, Clone)]
struct Kept {
    host: String,
    path: String,
    name: String,
    value: String,
}

/// The cookies one browser holds.
#[derive(Debug, Clone, Default)]
pub struct CookieJar {
    kept: Vec<Kept>,
}

impl CookieJar {
    pub fn new() -> Self {
        Self::default()
    }

    /// Keeps (or, when it is expired, drops) the cookie of one
    /// `Set-Cookie` header that `url` answered.
    pub fn keep(&mut self, url: &Url, set_cookie: &str) {
        let Ok(cookie) = cookie::Cookie::parse(set_cookie) else {
            return;
        };
        let host = url.host_str().unwrap_or_default().to_string();
        // RFC 6265 §5.1.4: without a Path, the request path's directory.
        let path = cookie.path().map(str::to_string).unwrap_or_else(|| {
            let path = url.path();
            match path.rfind('/') {
                Some(0) | None => "/".to_string(),
                Some(at) => path[..at].to_string(),
            }
        });
        let name = cookie.name().to_string();
        self.kept
            .retain(|c| !(c.host == host && c.path == path && c.name == name));
        let expired = match cookie.max_age() {
            Some(age) => age.is_zero() || age.is_negative(),
            None => cookie
                .expires_datetime()
                .is_some_and(|at| at <= time::OffsetDateTime::now_utc()),
        };
        if !expired {
            self.kept.push(Kept {
                host,
                path,
                name,
                value: cookie.value().to_string(),
            });
        }
    }

    /// Keeps every cookie an answer from `url` sets.
    pub fn keep_all(&mut self, url: &Url, headers: &http::HeaderMap) {
        for set in headers.get_all(http::header::SET_COOKIE) {
            if let Ok(set) = set.to_str() {
                self.keep(url, set);
            }
        }
    }

    /// The `Cookie` header a browser sends to `url`, if it has any for it.
    pub fn header_for(&self, url: &Url) -> Option<String> {
        let host = url.host_str().unwrap_or_default();
        let pairs: Vec<String> = self
            .kept
            .iter()
            .filter(|c| c.host == host && path_matches(&c.path, url.path()))
            .map(|c| format!("{}={}", c.name, c.value))
            .collect();
        (!pairs.is_empty()).then(|| pairs.join("; "))
    }
}

/// RFC 6265 §5.1.4: `/a` matches `/a`, `/a/` and `/a/b`, not `/ab`.
fn path_matches(cookie_path: &str, request_path: &str) -> bool {
    request_path == cookie_path
        || (request_path.starts_with(cookie_path)
            && (cookie_path.ends_with('/')
                || request_path.as_bytes().get(cookie_path.len()) == Some(&b'/')))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(text: &str) -> Url {
        Url::parse(text).unwrap()
    }

    #[test]
    fn cookies_go_back_by_host_and_path_whatever_the_port() {
        let mut jar = CookieJar::new();
        jar.keep(&url("http://127.0.0.1:1/login"), "tx=1; Path=/; HttpOnly");
        jar.keep(
            &url("http://127.0.0.1:2/interaction/a"),
            "_i=2; Path=/interaction/a",
        );
        jar.keep(&url("http://localhost:1/x"), "other=3; Path=/");
        assert_eq!(
            jar.header_for(&url("http://127.0.0.1:3/auth")).as_deref(),
            Some("tx=1")
        );
        assert_eq!(
            jar.header_for(&url("http://127.0.0.1:2/interaction/a/login"))
                .as_deref(),
            Some("tx=1; _i=2")
        );
        assert_eq!(
            jar.header_for(&url("http://127.0.0.1:2/interaction/ab"))
                .as_deref(),
            Some("tx=1")
        );
    }

    #[test]
    fn an_expired_cookie_is_dropped_and_a_path_defaults_to_the_directory() {
        let mut jar = CookieJar::new();
        let at = url("http://127.0.0.1:1/auth/google");
        jar.keep(&at, "tx=1; Path=/");
        jar.keep(&at, "tx=; Path=/; Max-Age=0");
        jar.keep(&at, "old=1; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT");
        jar.keep(&at, "here=1");
        assert_eq!(
            jar.header_for(&url("http://127.0.0.1:1/auth/x")).as_deref(),
            Some("here=1")
        );
        assert_eq!(jar.header_for(&url("http://127.0.0.1:1/")), None);
    }
}
