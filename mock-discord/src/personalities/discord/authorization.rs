//! Discord's rules for the authorization request, on top of the shared
//! machinery of [`crate::oauth::authorize`]: its pages for an unknown
//! client or redirect URI, what it requires of the rest of the request, and
//! its consent dialog.

use crate::config::{Client, MockConfig};
use crate::oauth::authorization_request::{
    refuse, s256_challenge, AuthorizeError, AuthorizeRequest, ChallengeProblem, ConsentForm,
    RefreshTokenRule,
};
use crate::oauth::reply::error_page;
use crate::oauth::request::Params;
use crate::oauth::scope::{self, ScopeProblem};
use crate::personalities::discord::scopes;
use askama::Template;
use http::StatusCode;
use warp::reply::Response;

pub fn unknown_client() -> Response {
    error_page(
        StatusCode::BAD_REQUEST,
        "Unknown Application",
        "Invalid OAuth2 client_id. The application asking you to log in is not registered.",
    )
}

/// Discord takes the client's first registered redirect URI when the
/// request names none.
pub fn redirect_uri(client: &Client, sent: Option<&str>) -> Result<String, Response> {
    match sent {
        Some(sent) if client.registers(sent) => Ok(sent.to_string()),
        Some(_) => Err(error_page(
            StatusCode::BAD_REQUEST,
            "Invalid OAuth2 redirect_uri",
            "The redirect_uri is not one of the application's registered redirects.",
        )),
        None => Ok(client.redirect_uris[0].clone()),
    }
}

/// Checks the parameters that come after the client and redirect URI.
pub fn validate(
    params: &Params,
    client_id: String,
    redirect_uri: String,
    state: Option<String>,
) -> Result<AuthorizeRequest, AuthorizeError> {
    match params.get("response_type") {
        Some("code") => {}
        Some(_) => {
            return Err(refuse(
                "unsupported_response_type",
                "Unsupported response type.",
            ))
        }
        None => {
            return Err(refuse(
                "invalid_request",
                "Missing \"response_type\" in request.",
            ))
        }
    }

    let Some(scope) = params.get("scope") else {
        return Err(refuse("invalid_scope", "Missing \"scope\" in request."));
    };
    let scopes = match scope::parse(scope, scopes::KNOWN_SCOPES) {
        Ok(scopes) => scopes,
        Err(ScopeProblem::Unknown(unknown)) => {
            return Err(refuse("invalid_scope", format!("Invalid scope: {unknown}")))
        }
        Err(ScopeProblem::TooMany) => {
            return Err(refuse("invalid_scope", ScopeProblem::too_many()))
        }
    };
    if !scopes.iter().any(|s| s == "identify") {
        return Err(refuse(
            "invalid_scope",
            "A user login needs the \"identify\" scope.",
        ));
    }

    // RFC 7636 §4.3. Discord supports S256 only.
    let code_challenge = s256_challenge(params).map_err(|problem| match problem {
        ChallengeProblem::BadChallenge => {
            refuse("invalid_request", "Invalid \"code_challenge\" in request.")
        }
        ChallengeProblem::BadMethod => refuse(
            "invalid_request",
            "Invalid \"code_challenge_method\" in request: only S256 is supported.",
        ),
    })?;

    let prompt_none = match params.get("prompt") {
        None | Some("consent") => false,
        Some("none") => true,
        Some(_) => return Err(refuse("invalid_request", "Invalid \"prompt\" in request.")),
    };

    Ok(AuthorizeRequest {
        client_id,
        redirect_uri,
        redirect_uri_given: params.get("redirect_uri").is_some(),
        scopes,
        state,
        code_challenge,
        prompt_none,
        nonce: None,
        // Discord gives a refresh token with every code.
        refresh_token: RefreshTokenRule::Always,
    })
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

/// Discord's dialog: choose an account, see what the app may do, say yes
/// or no. A plain HTML form: a field `user`, a button `decision`.
pub fn consent_page(
    config: &MockConfig,
    authorization: &AuthorizeRequest,
    form: ConsentForm<'_>,
) -> Response {
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
    crate::oauth::reply::page(&ConsentPage {
        app_name: form.app_name,
        action: form.action,
        csrf_token: form.csrf_token,
        users,
        scopes,
        redirect_uri: form.redirect_uri,
    })
}
