//! Steps 7 to 10, `GET /auth`: the provider sends the browser back here.
//!
//! RFC 6749 §4.1.2: the authorization response carries `code` and `state`
//! (or `error`), and RFC 9207 adds `iss`. Nothing in it can be trusted
//! until it is checked against the transaction this browser started
//! (step 7). Only then is the code traded for tokens (steps 8 and 9).

use crate::tokens::Tokens;
use crate::transaction::Transaction;
use common::{Answer, App, Problem};
use http::StatusCode;
use oauth2::basic::BasicErrorResponse;
use oauth2::{AuthorizationCode, PkceCodeVerifier, RequestTokenError};
use serde::Deserialize;
use std::fmt;
use warp::Reply;

/// The parameters of the redirect back from the provider.
#[derive(Deserialize, Default)]
pub struct CallbackParams {
    pub code: Option<String>,
    pub state: Option<String>,
    pub iss: Option<String>,
    pub error: Option<String>,
    pub error_description: Option<String>,
}

impl fmt::Debug for CallbackParams {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CallbackParams")
            .field("code", &self.code.as_ref().map(|_| "[REDACTED]"))
            .field("state", &self.state.as_ref().map(|_| "[REDACTED]"))
            .field("iss", &self.iss)
            .field("error", &self.error)
            .finish()
    }
}

impl CallbackParams {
    /// Parses the query string. A malformed one (a parameter twice, say) is
    /// a 400 here, inside the handler, so the transaction is still cleared.
    pub fn parse(raw_query: &str) -> Result<CallbackParams, Problem> {
        serde_urlencoded::from_str(raw_query)
            .map_err(|_| Problem::bad_request("The callback's query string is malformed."))
    }
}

/// `GET /auth`: completes the login and shows the tokens (step 10).
pub async fn auth(app: App, raw_query: String, cookies: Option<String>) -> Answer {
    let shown = async {
        let tokens = complete(&app, &raw_query, cookies.as_deref()).await?;
        // no-store: a page of tokens must not stay in any cache.
        Ok(common::respond::no_store(
            warp::reply::json(&tokens).into_response(),
        ))
    };
    Transaction::end_with(app.cookies, shown.await)
}

/// Checks the callback against the transaction (step 7), then trades the
/// code for tokens (steps 8 and 9). Stage 2 calls this too, and only
/// changes what happens after.
pub async fn complete(
    app: &App,
    raw_query: &str,
    cookies: Option<&str>,
) -> Result<Tokens, Problem> {
    let params = CallbackParams::parse(raw_query)?;

    // 7a. Is there a login in progress in this browser at all?
    let transaction = Transaction::from_cookies(&app.keys, cookies, app.now()).ok_or_else(|| {
        Problem::bad_request(
            "No login in progress in this browser, or it expired or was already used. Start again at /login.",
        )
    })?;

    // 7b. Is this callback the answer to *that* login? (state, RFC 6749 §10.12)
    //    Checked before anything else, errors included: a forged callback
    //    learns nothing and triggers nothing.
    let state = params.state.as_deref().unwrap_or_default();
    if !transaction.state_matches(state) {
        return Err(Problem::bad_request(
            "The state parameter does not match this browser's login. Start again at /login.",
        ));
    }

    // 7c. Did it come from the provider we sent the browser to? (RFC 9207)
    if let Some(iss) = &params.iss {
        if *iss != transaction.issuer {
            return Err(Problem::bad_request(
                "The callback names another issuer than the one this login was sent to (a mix-up attack?).",
            ));
        }
    }

    // 7d. Did the person (or the provider) say no? (RFC 6749 §4.1.2.1)
    if let Some(error) = params.error {
        return Err(refused_at_provider(
            app,
            &error,
            params.error_description.as_deref(),
        ));
    }

    // 8. Trade the code, with the PKCE verifier, for tokens (§4.1.3), and
    // 9. read the provider's answer (§5.1).
    let code = params
        .code
        .ok_or_else(|| Problem::bad_request("The callback has neither a code nor an error."))?;
    let response = app
        .oauth
        .exchange_code(AuthorizationCode::new(code))
        .set_pkce_verifier(PkceCodeVerifier::new(transaction.pkce_verifier))
        .request_async(&app.upstream)
        .await
        .map_err(|error| token_request_failed(app, error))?;
    Ok(Tokens::from_response(&response, app.now()))
}

/// The provider sent `error=…` instead of a code.
fn refused_at_provider(app: &App, error: &str, description: Option<&str>) -> Problem {
    let provider = app.provider.display_name;
    let status = if error == "access_denied" {
        StatusCode::FORBIDDEN
    } else {
        StatusCode::BAD_REQUEST
    };
    let explanation = if error == "access_denied" {
        format!("You (or {provider}) declined the login, so there is nothing to show.")
    } else {
        format!("{provider} refused the login request.")
    };
    Problem::new(
        status,
        format!(
            "{explanation} {provider} said: {}{}",
            clip(error),
            described(description)
        ),
    )
}

/// Why a request to the token endpoint (a code exchange, or stage 2's
/// refresh) failed, as an answer for the user. The error's own text is not
/// shown or logged whole: a parse error quotes the body, which may hold a
/// token.
pub fn token_request_failed(
    app: &App,
    error: RequestTokenError<common::UpstreamError, BasicErrorResponse>,
) -> Problem {
    let provider = app.provider.display_name;
    let problem = match &error {
        // The provider answered with an OAuth error (invalid_grant, …).
        RequestTokenError::ServerResponse(refusal) => Problem::bad_request(format!(
            "{provider} refused the token request: {}{}",
            clip(refusal.error().as_ref()),
            described(refusal.error_description().map(String::as_str)),
        )),
        RequestTokenError::Request(upstream) => Problem::upstream(provider, upstream),
        RequestTokenError::Parse(..) => Problem::new(
            StatusCode::BAD_GATEWAY,
            format!("{provider}'s token response could not be understood."),
        ),
        RequestTokenError::Other(_) => Problem::new(
            StatusCode::BAD_GATEWAY,
            format!("{provider}'s token response was not the JSON it should be."),
        ),
    };
    tracing::warn!(status = problem.status.as_u16(), detail = %problem.detail, "token request failed");
    problem
}

fn described(description: Option<&str>) -> String {
    description
        .map(|d| format!(" ({})", clip(d)))
        .unwrap_or_default()
}

/// A provider's words are shown to the user, but not without limit.
fn clip(text: &str) -> String {
    const MAX: usize = 200;
    match text.char_indices().nth(MAX) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_string(),
    }
}
