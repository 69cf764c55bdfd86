//! The authorization endpoint (RFC 6749 §4.1.1), for every personality:
//! `GET` checks the request and asks the person; `POST` is their answer on
//! the consent page.
//!
//! The order of the checks matters. The client and its redirect URI are
//! checked first, and a failure there is shown as a page, never redirected:
//! redirecting an error to an unverified URI would make the mock an open
//! redirector (RFC 6749 §4.1.2.1). Only once the redirect URI is known to be
//! the client's own do errors travel back to it as `?error=…`.

use crate::oauth::authorization_response::{approve, refuse};
use crate::oauth::browsers::BROWSER_COOKIE;
use crate::oauth::consent::{hold_for_consent, read_decision, Decided};
use crate::oauth::reply::{bad_params_page, error_page};
use crate::oauth::request::MockRequest;
use crate::personalities::Personality;
use crate::state::MockState;
use http::StatusCode;
use warp::reply::Response;

/// The longest `state` or `nonce` the mock keeps and sends back.
pub const MAX_ECHOED_BYTES: usize = 1024;

/// `GET`: the authorization request.
pub fn authorize(mock: &MockState, personality: Personality, request: &MockRequest) -> Response {
    let params = match request.query() {
        Ok(params) => params,
        Err(bad) => return bad_params_page(&bad),
    };

    // 1. Who is asking, and where does the answer go? Shown, never redirected.
    let (client_id, redirect_uri) = {
        let config = mock.config();
        let Some(client) = params
            .get("client_id")
            .and_then(|id| personality.client(&config, id))
        else {
            return personality.unknown_client();
        };
        // Exact string comparison (`Client::registers`): anything looser
        // has leaked codes in the wild.
        match personality.redirect_uri(client, params.get("redirect_uri")) {
            Ok(redirect_uri) => (client.client_id.clone(), redirect_uri),
            Err(page) => return page,
        }
    };
    let state = params.get("state").map(str::to_string);
    // A consent page holds its request until answered: a 60 KB state,
    // repeated, would fill the memory of the process an offline stage
    // shares. No client needs more than a few dozen bytes.
    let too_long = ["state", "nonce"]
        .into_iter()
        .find(|name| params.get(name).is_some_and(|v| v.len() > MAX_ECHOED_BYTES));
    if let Some(name) = too_long {
        return error_page(
            StatusCode::BAD_REQUEST,
            "Invalid OAuth2 request",
            &format!("The {name} is longer than {MAX_ECHOED_BYTES} bytes."),
        );
    }

    // 2. Everything else is the client's mistake, reported to the client.
    let authorization =
        match personality.validate(&params, client_id, redirect_uri.clone(), state.clone()) {
            Ok(authorization) => authorization,
            Err(error) => {
                return refuse(
                    mock,
                    personality,
                    &redirect_uri,
                    error.error,
                    &error.description,
                    state.as_deref(),
                )
            }
        };

    // 3. Scripted runs approve at once.
    if let Some(user_id) = mock.settings.auto_approve_as(personality) {
        return approve(mock, personality, authorization, &user_id, None);
    }

    // 4. `prompt=none`: skip the page if this browser already said yes.
    if authorization.prompt_none {
        let remembered_user = request
            .cookie(BROWSER_COOKIE)
            .and_then(|browser| mock.store().approved_user(&browser, &authorization));
        if let Some(user_id) = remembered_user {
            return approve(mock, personality, authorization, &user_id, None);
        }
    }

    // 5. Ask the person. The request waits on the server under a fresh
    //    CSRF token, bound to this browser (a new browser gets its cookie).
    let held = hold_for_consent(mock, request, authorization.clone(), personality);
    let page = personality.consent_page(
        &mock.config(),
        &authorization,
        &request.path,
        &held.csrf_token,
    );
    held.answer(page)
}

/// `POST`: the person's decision on the consent page.
pub fn decide(mock: &MockState, personality: Personality, request: &MockRequest) -> Response {
    match read_decision(mock, request, personality) {
        Ok(Decided::Approve {
            authorization,
            user,
            browser,
        }) => approve(mock, personality, authorization, &user, Some(&browser)),
        // RFC 6749 §4.1.2.1: the resource owner denied the request.
        Ok(Decided::Cancel(authorization)) => refuse(
            mock,
            personality,
            &authorization.redirect_uri,
            "access_denied",
            personality.denied_description(),
            authorization.state.as_deref(),
        ),
        Err(page) => page,
    }
}
