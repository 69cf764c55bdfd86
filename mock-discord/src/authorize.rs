//! `GET /oauth2/authorize` and the consent page: RFC 6749 §4.1.1 – §4.1.2.
//!
//! The order of the checks matters. The client and its redirect URI are
//! checked first, and a failure there is shown as a page, never redirected:
//! redirecting an error to an unverified URI would make the mock an open
//! redirector (RFC 6749 §4.1.2.1). Only once the redirect URI is known to be
//! the client's own do errors travel back to it as `?error=…`.

use crate::grants::IssuedCode;
use crate::reply::{found, html};
use crate::request::{MockRequest, Params};
use crate::scopes;
use crate::secrets::is_pkce_string;
use crate::state::{MockState, PendingConsent, CONSENT_LIFETIME};
use askama::Template;
use http::{HeaderValue, StatusCode};
use warp::reply::Response;

/// The cookie that tells one browser from another: it binds a consent form
/// to the browser it was shown to, and remembers approvals for `prompt=none`.
pub const BROWSER_COOKIE: &str = "mock_discord_browser";

/// A validated authorization request.
#[derive(Debug, Clone)]
pub struct AuthorizeRequest {
    pub client_id: String,
    pub redirect_uri: String,
    pub scopes: Vec<String>,
    pub state: Option<String>,
    pub code_challenge: Option<String>,
    pub prompt_none: bool,
}

impl AuthorizeRequest {
    fn scope_key(&self) -> (String, String) {
        let mut sorted = self.scopes.clone();
        sorted.sort();
        (self.client_id.clone(), sorted.join(" "))
    }
}

/// An error that goes back to the client: `(error, error_description)`.
type Refusal = (&'static str, String);

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    title: &'a str,
    message: &'a str,
}

/// An error page, for what must not be redirected.
pub fn error_page(status: StatusCode, title: &str, message: &str) -> Response {
    let page = ErrorPage { title, message }
        .render()
        .unwrap_or_else(|_| title.to_string());
    html(status, page)
}

/// Parameters that could not be read (repeated, not UTF-8): a page, since
/// nothing in them can be trusted to redirect to.
fn bad_params_page(bad: &crate::request::BadParams) -> Response {
    error_page(
        StatusCode::BAD_REQUEST,
        "Invalid request",
        &bad.description(),
    )
}

struct UserChoice {
    id: String,
    username: String,
    display_name: String,
}

struct ScopeLine {
    name: String,
    description: String,
}

#[derive(Template)]
#[template(path = "consent.html")]
struct ConsentPage<'a> {
    app_name: &'a str,
    action: &'a str,
    csrf_token: &'a str,
    users: Vec<UserChoice>,
    scopes: Vec<ScopeLine>,
    redirect_uri: &'a str,
}

/// `GET /oauth2/authorize`.
pub fn authorize(mock: &MockState, request: &MockRequest) -> Response {
    let params = match request.query() {
        Ok(params) => params,
        Err(bad) => return bad_params_page(&bad),
    };

    // 1. Who is asking, and where does the answer go? Shown, never redirected.
    let (client_id, redirect_uri) = {
        let config = mock.config();
        let Some(client) = params.get("client_id").and_then(|id| config.client(id)) else {
            return error_page(
                StatusCode::BAD_REQUEST,
                "Unknown Application",
                "Invalid OAuth2 client_id. The application asking you to log in is not registered.",
            );
        };
        let redirect_uri = match params.get("redirect_uri") {
            // Exact string comparison: no prefix match, no case folding, no
            // normalisation. Anything looser has leaked codes in the wild.
            Some(sent) if client.redirect_uris.iter().any(|r| r == sent) => sent.to_string(),
            Some(_) => {
                return error_page(
                    StatusCode::BAD_REQUEST,
                    "Invalid OAuth2 redirect_uri",
                    "The redirect_uri is not one of the application's registered redirects.",
                )
            }
            None => client.redirect_uris[0].clone(),
        };
        (client.client_id.clone(), redirect_uri)
    };
    let state = params.get("state").map(str::to_string);

    // 2. Everything else is the client's mistake, reported to the client.
    let authorization = match validate(&params, client_id, redirect_uri.clone(), state.clone()) {
        Ok(authorization) => authorization,
        Err((error, description)) => {
            return redirect_error(mock, &redirect_uri, error, &description, state.as_deref())
        }
    };

    // 3. Scripted runs approve at once.
    if let Some(user_id) = mock.settings.auto_approve.clone() {
        return approve(mock, authorization, &user_id, None);
    }

    // 4. `prompt=none`: skip the page if this browser already said yes.
    let browser = request.cookie(BROWSER_COOKIE);
    if authorization.prompt_none {
        let remembered_user = browser.as_ref().and_then(|browser| {
            let store = mock.store();
            let remembered = store.remembered.get(browser)?;
            remembered
                .approved
                .contains(&authorization.scope_key())
                .then(|| remembered.user_id.clone())
        });
        if let Some(user_id) = remembered_user {
            return approve(mock, authorization, &user_id, None);
        }
    }

    // 5. Ask the person.
    consent_page(mock, request, authorization, browser)
}

/// Checks the parameters that come after the client and redirect URI.
fn validate(
    params: &Params,
    client_id: String,
    redirect_uri: String,
    state: Option<String>,
) -> Result<AuthorizeRequest, Refusal> {
    match params.get("response_type") {
        Some("code") => {}
        Some(_) => {
            return Err((
                "unsupported_response_type",
                "Unsupported response type.".into(),
            ))
        }
        None => {
            return Err((
                "invalid_request",
                "Missing \"response_type\" in request.".into(),
            ))
        }
    }

    let Some(scope) = params.get("scope") else {
        return Err(("invalid_scope", "Missing \"scope\" in request.".into()));
    };
    let scopes = scopes::parse(scope);
    if let Some(unknown) = scopes.iter().find(|s| !scopes::is_known(s)) {
        return Err(("invalid_scope", format!("Invalid scope: {unknown}")));
    }
    if !scopes.iter().any(|s| s == "identify") {
        return Err((
            "invalid_scope",
            "A user login needs the \"identify\" scope.".into(),
        ));
    }

    // RFC 7636 §4.3. Discord supports S256 only; "plain" would send the
    // verifier's equivalent through the browser, defeating the point.
    let code_challenge = match (
        params.get("code_challenge"),
        params.get("code_challenge_method"),
    ) {
        (None, None) => None,
        (Some(challenge), Some("S256")) if is_pkce_string(challenge) && challenge.len() == 43 => {
            Some(challenge.to_string())
        }
        (Some(_), Some("S256")) => {
            return Err((
                "invalid_request",
                "Invalid \"code_challenge\" in request.".into(),
            ))
        }
        (Some(_), None) | (None, Some(_)) | (Some(_), Some(_)) => {
            return Err((
                "invalid_request",
                "Invalid \"code_challenge_method\" in request: only S256 is supported.".into(),
            ))
        }
    };

    let prompt_none = match params.get("prompt") {
        None | Some("consent") => false,
        Some("none") => true,
        Some(_) => return Err(("invalid_request", "Invalid \"prompt\" in request.".into())),
    };

    Ok(AuthorizeRequest {
        client_id,
        redirect_uri,
        scopes,
        state,
        code_challenge,
        prompt_none,
    })
}

fn consent_page(
    mock: &MockState,
    request: &MockRequest,
    authorization: AuthorizeRequest,
    browser: Option<String>,
) -> Response {
    let now_ms = mock.clock.now_ms();
    let (csrf_token, browser, new_browser) = {
        let mut store = mock.store();
        let (browser, new_browser) = match browser {
            Some(b) if !b.is_empty() && b.len() <= 64 => (b, false),
            _ => (store.secrets.token(), true),
        };
        let csrf_token = store.secrets.token();
        store.pending.insert(
            csrf_token.clone(),
            PendingConsent {
                request: authorization.clone(),
                browser: browser.clone(),
                expires_at_ms: now_ms + CONSENT_LIFETIME.as_millis() as u64,
            },
        );
        store.tick(now_ms);
        (csrf_token, browser, new_browser)
    };

    let config = mock.config();
    let app_name = config
        .client(&authorization.client_id)
        .map(|c| c.name.clone())
        .unwrap_or_default();
    let users = config
        .users
        .iter()
        .map(|u| UserChoice {
            id: u.id.clone(),
            username: u.username.clone(),
            display_name: u.global_name.clone().unwrap_or_else(|| u.username.clone()),
        })
        .collect();
    let scopes = authorization
        .scopes
        .iter()
        .map(|s| ScopeLine {
            name: s.clone(),
            description: scopes::describe(s),
        })
        .collect();
    let page = ConsentPage {
        app_name: &app_name,
        action: &request.path,
        csrf_token: &csrf_token,
        users,
        scopes,
        redirect_uri: &authorization.redirect_uri,
    };
    let body = match page.render() {
        Ok(body) => body,
        Err(_) => {
            return error_page(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Error",
                "Could not render the page.",
            )
        }
    };
    let mut response = html(StatusCode::OK, body);
    if new_browser {
        let cookie = format!("{BROWSER_COOKIE}={browser}; Path=/; HttpOnly; SameSite=Lax");
        if let Ok(value) = HeaderValue::from_str(&cookie) {
            response
                .headers_mut()
                .append(http::header::SET_COOKIE, value);
        }
    }
    response
}

/// `POST /oauth2/authorize`: the person's decision on the consent page.
pub fn decide(mock: &MockState, request: &MockRequest) -> Response {
    let params = match request.form() {
        Ok(params) => params,
        Err(bad) => return bad_params_page(&bad),
    };
    let browser = request.cookie(BROWSER_COOKIE).unwrap_or_default();
    let now_ms = mock.clock.now_ms();

    // The CSRF token is single use, bound to this browser and short-lived.
    // Another site can make a browser POST here, but it cannot know the
    // token, and a token it obtained for itself belongs to another browser.
    let pending = params
        .get("csrf_token")
        .and_then(|token| mock.store().pending.remove(token))
        .filter(|p| p.expires_at_ms > now_ms)
        .filter(|p| crate::secrets::constant_time_eq(&p.browser, &browser));
    let Some(pending) = pending else {
        return error_page(
            StatusCode::BAD_REQUEST,
            "This form has expired",
            "The consent form was already used, is too old, or was not issued to this browser. Go back to the application and log in again.",
        );
    };
    let authorization = pending.request;

    match params.get("decision") {
        Some("authorize") => {
            let user_id = params.get("user").unwrap_or_default().to_string();
            if mock.config().user(&user_id).is_none() {
                return error_page(
                    StatusCode::BAD_REQUEST,
                    "Unknown user",
                    "Choose one of the listed users.",
                );
            }
            approve(mock, authorization, &user_id, Some(&browser))
        }
        // RFC 6749 §4.1.2.1: the resource owner denied the request.
        Some("cancel") => redirect_error(
            mock,
            &authorization.redirect_uri,
            "access_denied",
            "The resource owner or authorization server denied the request",
            authorization.state.as_deref(),
        ),
        _ => error_page(
            StatusCode::BAD_REQUEST,
            "Invalid request",
            "Choose Authorize or Cancel.",
        ),
    }
}

/// Issues a code and sends the browser back with it (RFC 6749 §4.1.2).
fn approve(
    mock: &MockState,
    authorization: AuthorizeRequest,
    user_id: &str,
    browser: Option<&str>,
) -> Response {
    let now_ms = mock.clock.now_ms();
    let code = {
        let mut store = mock.store();
        if let Some(browser) = browser.filter(|b| !b.is_empty()) {
            let remembered = store.remembered.entry(browser.to_string()).or_default();
            if remembered.user_id != user_id {
                // Logging in as someone else forgets the other user's approvals.
                remembered.approved.clear();
                remembered.user_id = user_id.to_string();
            }
            remembered.approved.insert(authorization.scope_key());
        }
        let issued = IssuedCode {
            client_id: authorization.client_id.clone(),
            redirect_uri: authorization.redirect_uri.clone(),
            scopes: authorization.scopes.clone(),
            user_id: user_id.to_string(),
            code_challenge: authorization.code_challenge.clone(),
            expires_at_ms: now_ms + mock.settings.code_lifetime.as_millis() as u64,
        };
        store.tick(now_ms);
        let crate::state::Store {
            secrets, grants, ..
        } = &mut *store;
        grants.issue_code(secrets, issued)
    };
    let mut pairs = vec![("code", code.as_str())];
    if let Some(state) = authorization.state.as_deref() {
        pairs.push(("state", state));
    }
    pairs.push(("iss", &mock.issuer));
    found(&with_query(&authorization.redirect_uri, &pairs))
}

/// An error sent back to the client's redirect URI, with `state` and — RFC
/// 9207 — `iss`, so the client can tell which provider answered.
fn redirect_error(
    mock: &MockState,
    redirect_uri: &str,
    error: &str,
    description: &str,
    state: Option<&str>,
) -> Response {
    let mut pairs = vec![("error", error), ("error_description", description)];
    if let Some(state) = state {
        pairs.push(("state", state));
    }
    pairs.push(("iss", &mock.issuer));
    found(&with_query(redirect_uri, &pairs))
}

/// Appends parameters to a URL that may already have a query (RFC 6749
/// §3.1.2: the redirect URI's own query "MUST be retained").
fn with_query(base: &str, pairs: &[(&str, &str)]) -> String {
    match url::Url::parse(base) {
        Ok(mut url) => {
            url.query_pairs_mut().extend_pairs(pairs);
            url.to_string()
        }
        Err(_) => base.to_string(),
    }
}
