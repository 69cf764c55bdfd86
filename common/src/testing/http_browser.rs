//! A browser over real HTTP, for servers that run as their own processes
//! (a stage's binary, an outside provider): it keeps cookies by host and
//! path ([`CookieJar`]), follows redirects when asked, and fills in and
//! submits a page's form.

use http::header::{COOKIE, LOCATION};
use http::HeaderMap;
use mock_discord::consent_client::attribute_after;
use mock_discord::cookie_jar::CookieJar;
use url::Url;

/// What one request answered.
pub struct Page {
    pub url: Url,
    pub status: u16,
    pub headers: HeaderMap,
    pub body: String,
}

/// For a failing test's message: no query strings (a callback's carries
/// a code) and no cookie values, and the first lines of the body.
impl std::fmt::Debug for Page {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let without_query =
            |url: &Url| format!("{}{}", url.origin().ascii_serialization(), url.path());
        let body: String = self.body.chars().take(300).collect();
        f.debug_struct("Page")
            .field("url", &without_query(&self.url))
            .field("status", &self.status)
            .field("location", &self.location().map(|l| without_query(&l)))
            .field("body", &body)
            .finish_non_exhaustive()
    }
}

impl Page {
    /// Where a redirect points, resolved against the page's URL.
    pub fn location(&self) -> Option<Url> {
        let location = self.headers.get(LOCATION)?.to_str().ok()?;
        self.url.join(location).ok()
    }

    pub fn is_redirect(&self) -> bool {
        (300..400).contains(&self.status) && self.location().is_some()
    }

    /// The page's first form: where it goes, and its hidden fields.
    pub fn form(&self) -> Option<Form> {
        let start = self.body.find("<form")?;
        let end = self.body[start..]
            .find("</form>")
            .map_or(self.body.len(), |e| start + e);
        let html = &self.body[start..end];
        let action = attribute_after(html, "<form", "action")?;
        let action = self.url.join(&action).ok()?;
        let mut fields = Vec::new();
        let mut rest = html;
        while let Some(at) = rest.find("<input") {
            let tag_end = rest[at..].find('>').map_or(rest.len(), |e| at + e + 1);
            let tag = &rest[at..tag_end];
            let hidden = attribute_after(tag, "<input", "type").as_deref() == Some("hidden");
            if let (true, Some(name)) = (hidden, attribute_after(tag, "<input", "name")) {
                let value = attribute_after(tag, "<input", "value").unwrap_or_default();
                fields.push((name, value));
            }
            rest = &rest[tag_end..];
        }
        Some(Form { action, fields })
    }

    /// Whether the page has an input named `name`.
    pub fn has_input(&self, name: &str) -> bool {
        self.body.contains(&format!("name=\"{name}\""))
    }
}

/// A form, ready to submit with more fields.
#[derive(Debug, Clone)]
pub struct Form {
    pub action: Url,
    pub fields: Vec<(String, String)>,
}

/// A browser: one cookie jar, no automatic redirects.
pub struct HttpBrowser {
    client: reqwest::Client,
    jar: CookieJar,
}

impl Default for HttpBrowser {
    fn default() -> Self {
        Self::new()
    }
}

impl HttpBrowser {
    pub fn new() -> Self {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("an HTTP client");
        HttpBrowser {
            client,
            jar: CookieJar::new(),
        }
    }

    pub async fn get(&mut self, url: &str) -> Page {
        let url = Url::parse(url).unwrap_or_else(|e| panic!("{url}: {e}"));
        let request = self.client.get(url.clone());
        self.send(url, request).await
    }

    /// A form's POST, with the `Origin` a browser sends with it: the
    /// page's own, since these forms are submitted from their own pages.
    pub async fn post_form(&mut self, url: &Url, form: &[(String, String)]) -> Page {
        let request = self
            .client
            .post(url.clone())
            .header(http::header::ORIGIN, url.origin().ascii_serialization())
            .form(form);
        self.send(url.clone(), request).await
    }

    /// Submits `form` with `more` fields beside its hidden ones.
    pub async fn submit(&mut self, form: &Form, more: &[(&str, &str)]) -> Page {
        let mut fields = form.fields.clone();
        fields.extend(more.iter().map(|(n, v)| (n.to_string(), v.to_string())));
        self.post_form(&form.action, &fields).await
    }

    /// Follows `page`'s redirects (any 3xx with a Location, by GET) until a
    /// page that is not one, or one whose target `stop` picks: then that
    /// redirect is returned unfollowed, for the test to look at or change.
    pub async fn follow(&mut self, mut page: Page, stop: impl Fn(&Url) -> bool) -> Page {
        for _ in 0..20 {
            match page.location() {
                Some(next) if page.is_redirect() && !stop(&next) => {
                    page = self.get(next.as_str()).await;
                }
                _ => return page,
            }
        }
        panic!("more than 20 redirects, the last to {:?}", page.location());
    }

    async fn send(&mut self, url: Url, request: reqwest::RequestBuilder) -> Page {
        let request = match self.jar.header_for(&url) {
            Some(cookies) => request.header(COOKIE, cookies),
            None => request,
        };
        let response = request
            .send()
            .await
            .unwrap_or_else(|e| panic!("{url}: {e}"));
        self.jar.keep_all(&url, response.headers());
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let body = response.text().await.unwrap_or_default();
        Page {
            url,
            status,
            headers,
            body,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_form_is_read_with_its_hidden_fields() {
        let page = Page {
            url: Url::parse("http://127.0.0.1:9/interaction/abc").unwrap(),
            status: 200,
            headers: HeaderMap::new(),
            body: r#"<form autocomplete="off" action="/interaction/abc/login" method="post">
              <input type="hidden" name="prompt" value="login"/>
              <input required type="text" name="login"></form>"#
                .into(),
        };
        let form = page.form().unwrap();
        assert_eq!(
            form.action.as_str(),
            "http://127.0.0.1:9/interaction/abc/login"
        );
        assert_eq!(form.fields, [("prompt".to_string(), "login".to_string())]);
        assert!(page.has_input("login"));
    }
}
