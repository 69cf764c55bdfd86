//! What the mock remembers about the browsers that visit its consent page.
//!
//! A cookie tells one browser from another. It binds a consent form to the
//! browser it was shown to (so another site cannot submit it), and it
//! remembers what that browser approved (so `prompt=none` can skip the
//! page, as Discord does).

use crate::authorization_request::AuthorizeRequest;
use crate::reply::{bad_params_page, error_page};
use crate::request::{MockRequest, Params};
use crate::state::{MockState, CONSENT_LIFETIME};
use http::{HeaderValue, StatusCode};
use std::collections::HashSet;
use warp::reply::Response;

/// The cookie that names a browser.
pub const BROWSER_COOKIE: &str = "mock_discord_browser";

/// The longest browser id accepted from a cookie; ours are 43 characters.
pub const MAX_BROWSER_ID_LEN: usize = 64;

/// An authorization request waiting for the person's decision. It lives on
/// the server, keyed by the consent form's CSRF token, so the form cannot be
/// edited to change the client, redirect or scopes it approves.
#[derive(Debug, Clone)]
pub struct PendingConsent {
    pub request: AuthorizeRequest,
    /// The browser that was shown the page (the value of its cookie).
    pub browser: String,
    pub expires_at_ms: u64,
    /// Shown by the Google personality: only its form may decide it.
    pub google: bool,
}

/// A browser's past approvals: as whom it logged in, and which
/// (client id, sorted scopes) it said yes to.
#[derive(Debug, Default)]
pub struct Remembered {
    pub user_id: String,
    pub approved: HashSet<(String, String)>,
    /// When it last approved something, in the store's write count: the
    /// least recently used browsers are forgotten first.
    pub last_used: u64,
}

/// How many browsers' approvals the mock remembers. Past this, the least
/// recently used half is forgotten: those browsers just see the consent
/// page again, as after clearing their cookies.
pub const MAX_REMEMBERED_BROWSERS: usize = 10_000;

impl Remembered {
    /// Records a yes. Logging in as someone else forgets the other user's
    /// approvals.
    pub fn approve(&mut self, user_id: &str, scope_key: (String, String)) {
        if self.user_id != user_id {
            self.approved.clear();
            self.user_id = user_id.to_string();
        }
        self.approved.insert(scope_key);
    }

    /// The user this browser already approved `request` as, if it did.
    pub fn approved_user(&self, request: &AuthorizeRequest) -> Option<&str> {
        self.approved
            .contains(&request.scope_key())
            .then_some(self.user_id.as_str())
    }
}

/// A consent page about to be shown: the form's CSRF token, and the
/// browser it is bound to (new, if the request had no cookie yet).
pub struct HeldForConsent {
    pub csrf_token: String,
    browser: String,
    new_browser: bool,
}

/// Keeps `authorization` on the server under a fresh CSRF token, bound to
/// this browser, until the person decides. `google`: which personality's
/// form may decide it.
pub fn hold_for_consent(
    mock: &MockState,
    request: &MockRequest,
    authorization: AuthorizeRequest,
    google: bool,
) -> HeldForConsent {
    let now_ms = mock.clock.now_ms();
    let mut store = mock.store();
    let (browser, new_browser) = match request.cookie(BROWSER_COOKIE) {
        Some(b) if !b.is_empty() && b.len() <= MAX_BROWSER_ID_LEN => (b, false),
        _ => (store.secrets.token(), true),
    };
    let csrf_token = store.secrets.token();
    store.pending.insert(
        csrf_token.clone(),
        PendingConsent {
            request: authorization,
            browser: browser.clone(),
            expires_at_ms: now_ms.saturating_add(CONSENT_LIFETIME.as_millis() as u64),
            google,
        },
    );
    store.tick(now_ms);
    HeldForConsent {
        csrf_token,
        browser,
        new_browser,
    }
}

impl HeldForConsent {
    /// The page's answer, with the browser's cookie if it is new.
    pub fn answer(&self, mut page: Response) -> Response {
        if self.new_browser {
            let cookie = format!(
                "{BROWSER_COOKIE}={}; Path=/; HttpOnly; SameSite=Lax",
                self.browser
            );
            if let Ok(value) = HeaderValue::from_str(&cookie) {
                page.headers_mut().append(http::header::SET_COOKIE, value);
            }
        }
        page
    }
}

/// The authorization a consent form decides, if its CSRF token is one
/// this personality issued, to this browser, and still fresh. The token
/// is single use: another site can make a browser POST the form, but it
/// cannot know the token, and a token it got for itself belongs to another
/// browser.
fn take_for_decision(
    mock: &MockState,
    request: &MockRequest,
    params: &Params,
    google: bool,
) -> Option<(AuthorizeRequest, String)> {
    let browser = request.cookie(BROWSER_COOKIE).unwrap_or_default();
    let now_ms = mock.clock.now_ms();
    let pending = params
        .get("csrf_token")
        .and_then(|token| mock.store().pending.remove(token))
        .filter(|p| p.expires_at_ms > now_ms && p.google == google)
        .filter(|p| crate::secrets::constant_time_eq(&p.browser, &browser))?;
    Some((pending.request, browser))
}

/// What the person decided on a consent form.
pub enum Decided {
    /// Yes, as this user (a known one), from this browser.
    Approve {
        authorization: AuthorizeRequest,
        user: String,
        browser: String,
    },
    /// No (RFC 6749 §4.1.2.1: "the resource owner … denied the request").
    Cancel(AuthorizeRequest),
}

/// Reads a consent form's `POST`: its pending authorization, the button
/// pressed, and for a yes, a user `known` accepts. A form that cannot be
/// decided is answered here, with an error page and no redirect.
pub fn read_decision(
    mock: &MockState,
    request: &MockRequest,
    google: bool,
    known: impl Fn(&str) -> bool,
) -> Result<Decided, Response> {
    let params = request.form().map_err(|bad| bad_params_page(&bad))?;
    let Some((authorization, browser)) = take_for_decision(mock, request, &params, google) else {
        return Err(error_page(
            StatusCode::BAD_REQUEST,
            "This form has expired",
            "The form was already used, is too old, or was not issued to this browser. Go back to the application and log in again.",
        ));
    };
    match params.get("decision") {
        Some("authorize") => {
            let user = params.get("user").unwrap_or_default().to_string();
            if !known(&user) {
                return Err(error_page(
                    StatusCode::BAD_REQUEST,
                    "Unknown user",
                    "Choose one of the listed users.",
                ));
            }
            Ok(Decided::Approve {
                authorization,
                user,
                browser,
            })
        }
        Some("cancel") => Ok(Decided::Cancel(authorization)),
        _ => Err(error_page(
            StatusCode::BAD_REQUEST,
            "Invalid request",
            "Choose one of the form's buttons.",
        )),
    }
}
