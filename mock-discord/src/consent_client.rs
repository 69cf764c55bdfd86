//! Clicking through the consent page from code, as a browser would: load
//! the page, keep its cookie, read the form, submit it. Tests of every stage
//! use this to complete logins without a real browser.

use reqwest::header::{COOKIE, LOCATION, SET_COOKIE};

/// The person's answer on the consent page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Consent {
    Authorize,
    Cancel,
}

impl Consent {
    fn as_str(self) -> &'static str {
        match self {
            Consent::Authorize => "authorize",
            Consent::Cancel => "cancel",
        }
    }
}

/// Loads `authorize_url`, chooses `user_id`, submits `decision`, and returns
/// where the mock redirected the browser (the client's callback URL).
///
/// Errors are strings because a test only ever prints them.
pub async fn submit_consent(
    authorize_url: &str,
    user_id: &str,
    decision: Consent,
) -> Result<String, String> {
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| e.to_string())?;
    let page = http
        .get(authorize_url)
        .send()
        .await
        .map_err(|e| e.to_string())?;
    // Auto-approval and prompt=none answer with the redirect at once.
    if page.status().is_redirection() {
        return location(&page);
    }
    if !page.status().is_success() {
        return Err(format!("consent page answered {}", page.status()));
    }
    let cookie = page
        .headers()
        .get(SET_COOKIE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(str::to_string);
    let action_url = page.url().clone();
    let html = page.text().await.map_err(|e| e.to_string())?;
    let csrf_token = input_value(&html, "csrf_token").ok_or("no csrf_token in the page")?;
    let action = attribute_after(&html, "<form", "action").ok_or("no form in the page")?;
    let action = action_url.join(&action).map_err(|e| e.to_string())?;

    let mut post = http.post(action).form(&[
        ("csrf_token", csrf_token.as_str()),
        ("user", user_id),
        ("decision", decision.as_str()),
    ]);
    if let Some(cookie) = cookie {
        post = post.header(COOKIE, cookie);
    }
    let answer = post.send().await.map_err(|e| e.to_string())?;
    if !answer.status().is_redirection() {
        return Err(format!("consent form answered {}", answer.status()));
    }
    location(&answer)
}

fn location(response: &reqwest::Response) -> Result<String, String> {
    response
        .headers()
        .get(LOCATION)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
        .ok_or_else(|| "redirect without Location".to_string())
}

/// The `value` of `<input name="NAME" value="…">`. The mock's own markup
/// is simple and its values are HTML-escaped tokens, so a full HTML parser
/// is not needed here.
fn input_value(html: &str, name: &str) -> Option<String> {
    let marker = format!("name=\"{name}\"");
    let at = html.find(&marker)?;
    let tag_start = html[..at].rfind('<')?;
    attribute_after(&html[tag_start..], "<input", "value")
}

/// The `attribute="…"` of the first `tag` in `html` (`"<form"`, `"<input"`),
/// unescaped. Only a whole attribute name counts: `name` is not found in
/// `data-name`. Also how the stages' test browser reads other providers'
/// forms (`common::testing::http_browser`).
pub fn attribute_after(html: &str, tag: &str, attribute: &str) -> Option<String> {
    let start = html.find(tag)?;
    let end = start + html[start..].find('>')?;
    let in_tag = &html[start..end];
    let marker = format!("{attribute}=\"");
    let at = in_tag
        .match_indices(&marker)
        .map(|(at, _)| at)
        .find(|&at| in_tag[..at].ends_with(char::is_whitespace))?;
    let at = start + at + marker.len();
    let value_end = at + html[at..].find('"')?;
    Some(unescape(&html[at..value_end]))
}

fn unescape(value: &str) -> String {
    value
        .replace("&#x2f;", "/")
        .replace("&#47;", "/")
        .replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}
