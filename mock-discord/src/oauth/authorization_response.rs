//! The authorization response (RFC 6749 §4.1.2): the browser goes back to
//! the client's redirect URI with a code, or with an error.
//!
//! Both carry `state` (so the client can tell its own login) and, as RFC
//! 9207 adds, `iss` (so a client of several providers can tell which one
//! answered). Google's also names the granted `scope`.

use crate::oauth::authorization_request::AuthorizeRequest;
use crate::oauth::codes::IssuedCode;
use crate::oauth::reply::found;
use crate::personalities::Personality;
use crate::state::MockState;

/// Issues a code for `user_id` and sends the browser back with it. With a
/// `browser`, a personality that remembers approvals remembers this one,
/// for `prompt=none`.
pub fn approve(
    mock: &MockState,
    personality: Personality,
    authorization: AuthorizeRequest,
    user_id: &str,
    browser: Option<&str>,
) -> warp::reply::Response {
    let now_ms = mock.clock.now_ms();
    let issued = IssuedCode {
        client_id: authorization.client_id.clone(),
        redirect_uri: authorization.redirect_uri.clone(),
        redirect_uri_given: authorization.redirect_uri_given,
        scopes: authorization.scopes.clone(),
        user_id: user_id.to_string(),
        code_challenge: authorization.code_challenge.clone(),
        expires_at_ms: now_ms.saturating_add(mock.settings.code_lifetime.as_millis() as u64),
        nonce: authorization.nonce.clone(),
        refresh_token: authorization.refresh_token,
    };
    let code = {
        let mut store = mock.store();
        let remembered = browser.filter(|b| !b.is_empty() && personality.remembers_approvals());
        if let Some(browser) = remembered {
            store.remember_approval(browser, user_id, authorization.scope_key());
        }
        store.tick(now_ms);
        store.issue_code(issued)
    };
    let issuer = personality.issuer(&mock.issuer);
    let scope = authorization.scopes.join(" ");
    let mut pairs = vec![("code", code.as_str())];
    if let Some(state) = authorization.state.as_deref() {
        pairs.push(("state", state));
    }
    if personality.echoes_scope() {
        pairs.push(("scope", &scope));
    }
    pairs.push(("iss", &issuer));
    found(&with_query(&authorization.redirect_uri, &pairs))
}

/// An error sent back to the client's redirect URI (RFC 6749 §4.1.2.1).
pub fn refuse(
    mock: &MockState,
    personality: Personality,
    redirect_uri: &str,
    error: &str,
    description: &str,
    state: Option<&str>,
) -> warp::reply::Response {
    let issuer = personality.issuer(&mock.issuer);
    let mut pairs = vec![("error", error), ("error_description", description)];
    if let Some(state) = state {
        pairs.push(("state", state));
    }
    pairs.push(("iss", &issuer));
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
