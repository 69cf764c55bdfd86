//! The consent page: the person chooses an account and says yes or no.
//!
//! `GET /oauth2/authorize` shows it ([`page`]); the form POSTs back to the
//! same URL ([`decide`]). The form is a plain HTML form that any browser,
//! or any HTML-following client, can submit: a field `user`, and a button
//! `decision` with the value `authorize` or `cancel`.

use crate::authorization_request::AuthorizeRequest;
use crate::authorization_response::{approve, refuse};
use crate::browsers::{hold_for_consent, take_for_decision};
use crate::reply::{bad_params_page, error_page};
use crate::request::MockRequest;
use crate::scopes;
use crate::state::MockState;
use askama::Template;
use http::StatusCode;
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
    let params = match request.form() {
        Ok(params) => params,
        Err(bad) => return bad_params_page(&bad),
    };
    let Some((authorization, browser)) = take_for_decision(mock, request, &params, false) else {
        return error_page(
            StatusCode::BAD_REQUEST,
            "This form has expired",
            "The consent form was already used, is too old, or was not issued to this browser. Go back to the application and log in again.",
        );
    };

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
        Some("cancel") => refuse(
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
