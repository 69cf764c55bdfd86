//! Google's rules for the authorization request, on top of the shared
//! machinery of [`crate::oauth::authorize`]: `redirect_uri` is required
//! (there is no default), `openid` must be in the scope, the `nonce` is
//! kept for the ID token, and the consent page is an account chooser.

use crate::config::{Client, GoogleUser, MockConfig};
use crate::oauth::authorization_request::{
    refuse, s256_or_plain_challenge, AuthorizeError, AuthorizeRequest, ConsentForm,
    RefreshTokenRule,
};
use crate::oauth::reply::error_page;
use crate::oauth::request::Params;
use crate::oauth::scope::{self, ScopeProblem};
use askama::Template;
use http::StatusCode;
use warp::reply::Response;

/// The scopes Google's personality knows.
const SCOPES: &[&str] = &["openid", "email", "profile"];

pub fn unknown_client() -> Response {
    error_page(
        StatusCode::UNAUTHORIZED,
        "Access blocked: Authorization Error",
        "Error 401: invalid_client. The OAuth client was not found.",
    )
}

/// Google requires the redirect URI, exactly as registered.
pub fn redirect_uri(client: &Client, sent: Option<&str>) -> Result<String, Response> {
    match sent {
        Some(sent) if client.registers(sent) => Ok(sent.to_string()),
        _ => Err(error_page(
            StatusCode::BAD_REQUEST,
            "Access blocked: This app's request is invalid",
            "Error 400: redirect_uri_mismatch. The redirect_uri is missing or not registered for this client.",
        )),
    }
}

/// Everything after the client and redirect URI, reported back to it.
pub fn validate(
    params: &Params,
    client_id: String,
    redirect_uri: String,
    state: Option<String>,
) -> Result<AuthorizeRequest, AuthorizeError> {
    if params.get("response_type") != Some("code") {
        return Err(refuse(
            "unsupported_response_type",
            "Only response_type=code is supported.",
        ));
    }
    let scopes = match scope::parse(params.get("scope").unwrap_or_default(), SCOPES) {
        Ok(scopes) => scopes,
        Err(ScopeProblem::Unknown(_)) => {
            return Err(refuse(
                "invalid_scope",
                "Some requested scopes were invalid.",
            ))
        }
        Err(ScopeProblem::TooMany) => {
            return Err(refuse("invalid_scope", ScopeProblem::too_many()))
        }
    };
    if !scopes.iter().any(|s| s == "openid") {
        return Err(refuse("invalid_scope", "Missing the openid scope."));
    }
    let code_challenge = s256_or_plain_challenge(params).map_err(|_| {
        refuse(
            "invalid_request",
            "Invalid code_challenge or code_challenge_method.",
        )
    })?;
    // Offline access (a refresh token) only when asked for, and a new one
    // only at a consent: the first, or one `prompt=consent` asks again.
    let prompts: Vec<&str> = params
        .get("prompt")
        .unwrap_or_default()
        .split(' ')
        .collect();
    let refresh_token = match params.get("access_type") {
        None | Some("online") => RefreshTokenRule::Never,
        Some("offline") if prompts.contains(&"consent") => RefreshTokenRule::AtThisConsent,
        Some("offline") => RefreshTokenRule::AtFirstConsent,
        Some(_) => {
            return Err(refuse(
                "invalid_request",
                "Invalid access_type: use online or offline.",
            ))
        }
    };
    Ok(AuthorizeRequest {
        client_id,
        redirect_uri,
        // Google requires it at both steps.
        redirect_uri_given: true,
        scopes,
        state,
        code_challenge,
        prompt_none: false,
        nonce: params.get("nonce").map(str::to_string),
        refresh_token,
    })
}

#[derive(Template)]
#[template(path = "google_chooser.html")]
struct ChooserPage<'a> {
    app_name: &'a str,
    action: &'a str,
    csrf_token: &'a str,
    users: &'a [GoogleUser],
    redirect_uri: &'a str,
}

/// Google's account chooser: the same form as Discord's dialog (a field
/// `user`, a button `decision`), with accounts named by their `sub`.
pub fn consent_page(config: &MockConfig, form: ConsentForm<'_>) -> Response {
    crate::oauth::reply::page(&ChooserPage {
        app_name: form.app_name,
        action: form.action,
        csrf_token: form.csrf_token,
        users: &config.google_users,
        redirect_uri: form.redirect_uri,
    })
}
