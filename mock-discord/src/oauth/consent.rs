//! The consent form: a page the person answers, bound to their browser.
//!
//! The authorization waits on the server under a fresh, single-use CSRF
//! token ([`hold_for_consent`]), so the form cannot be edited to change the
//! client, redirect or scopes it approves, and another site, which cannot
//! know the token, cannot submit it for the person. [`read_decision`]
//! reads the answer.

use crate::oauth::authorization_request::AuthorizeRequest;
use crate::oauth::browsers::{
    PendingConsent, BROWSER_COOKIE, CONSENT_LIFETIME, MAX_BROWSER_ID_LEN,
};
use crate::oauth::reply::{bad_params_page, error_page};
use crate::oauth::request::{MockRequest, Params};
use crate::oauth::secrets::constant_time_eq;
use crate::personalities::Personality;
use crate::state::MockState;
use http::{HeaderValue, StatusCode};
use warp::reply::Response;

/// A consent page about to be shown: the form's CSRF token, and the
/// browser it is bound to (new, if the request had no cookie yet).
pub struct HeldForConsent {
    pub csrf_token: String,
    browser: String,
    new_browser: bool,
}

/// Keeps `authorization` on the server under a fresh CSRF token, bound to
/// this browser, until the person decides on `personality`'s form.
pub fn hold_for_consent(
    mock: &MockState,
    request: &MockRequest,
    authorization: AuthorizeRequest,
    personality: Personality,
) -> HeldForConsent {
    let now_ms = mock.clock.now_ms();
    let mut store = mock.store();
    let (browser, new_browser) = match request.cookie(BROWSER_COOKIE) {
        Some(b) if !b.is_empty() && b.len() <= MAX_BROWSER_ID_LEN => (b, false),
        _ => (store.secrets.token(), true),
    };
    let csrf_token = store.secrets.token();
    let pending = PendingConsent {
        request: authorization,
        browser: browser.clone(),
        expires_at_ms: now_ms.saturating_add(CONSENT_LIFETIME.as_millis() as u64),
        personality,
    };
    store.hold_pending(csrf_token.clone(), pending, now_ms);
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
    personality: Personality,
) -> Option<(AuthorizeRequest, String)> {
    let browser = request.cookie(BROWSER_COOKIE).unwrap_or_default();
    let now_ms = mock.clock.now_ms();
    let pending = params
        .get("csrf_token")
        .and_then(|token| mock.store().pending.remove(token))
        .filter(|p| p.expires_at_ms > now_ms && p.personality == personality)
        .filter(|p| constant_time_eq(&p.browser, &browser))?;
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
/// pressed, and for a yes, one of `personality`'s users. A form that cannot
/// be decided is answered here, with an error page and no redirect.
pub fn read_decision(
    mock: &MockState,
    request: &MockRequest,
    personality: Personality,
) -> Result<Decided, Response> {
    let params = request.form().map_err(|bad| bad_params_page(&bad))?;
    let Some((authorization, browser)) = take_for_decision(mock, request, &params, personality)
    else {
        return Err(error_page(
            StatusCode::BAD_REQUEST,
            "This form has expired",
            "The form was already used, is too old, or was not issued to this browser. Go back to the application and log in again.",
        ));
    };
    match params.get("decision") {
        Some("authorize") => {
            let user = params.get("user").unwrap_or_default().to_string();
            if !personality.knows_user(&mock.config(), &user) {
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
