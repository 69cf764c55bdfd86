//! The consent page: the person chooses an account and says yes or no.
//!
//! `GET /oauth2/authorize` shows it ([`page`]); the form POSTs back to the
//! same URL ([`decide`]). The form is a plain HTML form that any browser,
//! or any HTML-following client, can submit: a field `user`, and a button
//! `decision` with the value `authorize` or `cancel`.

use crate::authorization_request::AuthorizeRequest;
use crate::authorization_response::{approve, refuse};
use crate::browsers::{hold_for_consent, read_decision, Decided};
use crate::request::MockRequest;
use crate::scopes;
use crate::state::MockState;
use askama::Template;
use warp::reply::Response;

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

/// Shows the page. The request waits on the server under a fresh CSRF
/// token, bound to this browser (a new browser gets its cookie here).
pub fn page(mock: &MockState, request: &MockRequest, authorization: AuthorizeRequest) -> Response {
    let held = hold_for_consent(mock, request, authorization.clone(), false);
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
        csrf_token: &held.csrf_token,
        users,
        scopes,
        redirect_uri: &authorization.redirect_uri,
    };
    held.answer(crate::reply::page(&page))
}

/// `POST /oauth2/authorize`: the person's decision on the consent page.
pub fn decide(mock: &MockState, request: &MockRequest) -> Response {
    let known = |id: &str| mock.config().user(id).is_some();
    match read_decision(mock, request, false, known) {
        Ok(Decided::Approve {
            authorization,
            user,
            browser,
        }) => approve(mock, authorization, &user, Some(&browser)),
        // RFC 6749 §4.1.2.1: the resource owner denied the request.
        Ok(Decided::Cancel(authorization)) => refuse(
            mock,
            &authorization.redirect_uri,
            "access_denied",
            "The resource owner or authorization server denied the request",
            authorization.state.as_deref(),
        ),
        Err(page) => page,
    }
}
