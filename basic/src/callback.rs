//! Steps 7 to 10, `GET /auth`: the provider sends the browser back here.
//!
//! RFC 6749 §4.1.2: the authorization response carries `code` and `state`
//! (or `error`), and RFC 9207 adds `iss`. Nothing in it can be trusted
//! until it is checked against the transaction this browser started
//! (step 7). Only then is the code traded for tokens (steps 8 and 9).

use crate::tokens::{Tokens, Unusable};
use crate::transaction::{InFlight, Transaction};
use common::lab::Defence;
use common::shown::clip;
use common::{Answer, App, Decision, FlowReport, Problem};
use http::StatusCode;
use oauth2::{AuthorizationCode, PkceCodeVerifier, RequestTokenError};
use oauth2::{ErrorResponseType, StandardErrorResponse};
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
    let mut in_flight =
        InFlight::from_cookies(&app.keys, app.cookies, cookies.as_deref(), app.now())?;
    let shown = async {
        let tokens = complete(&app, &raw_query, &mut in_flight).await?;
        // no-store: a page of tokens must not stay in any cache.
        Ok(common::respond::no_store(
            warp::reply::json(&tokens).into_response(),
        ))
    };
    let answer = shown.await;
    in_flight.end_with(&app.keys, app.cookies, answer)
}

/// Checks the callback against this browser's logins in progress (step 7),
/// then trades the code for tokens (steps 8 and 9). Stage 2 calls this too,
/// and only changes what happens after.
pub async fn complete(
    app: &App,
    raw_query: &str,
    in_flight: &mut InFlight,
) -> Result<Tokens, Problem> {
    // Discord's published metadata does not promise `iss`, and Discord
    // sends none (the mock does; see its README).
    let expected = Expected {
        provider: app.provider.display_name,
        promises_iss: false,
    };
    let accepted = check(app, expected, raw_query, in_flight)?;
    exchange(app, accepted).await
}

/// 8. Trade the code, with the PKCE verifier, for tokens (§4.1.3), and
/// 9. read the provider's answer (§5.1).
pub async fn exchange(app: &App, accepted: Accepted) -> Result<Tokens, Problem> {
    let verifier = accepted.transaction.pkce_verifier;
    app.report.report(Decision::CodeSent {
        with_verifier: !verifier.is_empty(),
    });
    let mut request = app
        .oauth
        .exchange_code(AuthorizationCode::new(accepted.code));
    // Always, unless a lab switched PKCE off for this login.
    // >>> exercise: pkce-verifier
    if !verifier.is_empty() {
        request = request.set_pkce_verifier(PkceCodeVerifier::new(verifier));
    }
    // <<< exercise: pkce-verifier
    let response = request
        .request_async(&app.upstream)
        .await
        .map_err(|error| token_request_failed(app.provider.display_name, error))?;
    Tokens::from_response(&response, app.now())
        .map_err(|why| unusable_tokens(app.provider.display_name, why))
}

/// A callback that passed step 7: the login it answers, and its code.
pub struct Accepted {
    pub transaction: Transaction,
    pub code: String,
}

/// The provider a callback should come from, as step 7 needs it.
#[derive(Clone, Copy)]
pub struct Expected<'a> {
    /// Its name, in the messages.
    pub provider: &'a str,
    /// Whether its metadata promises `iss` in every answer (RFC 9207 §3,
    /// `authorization_response_iss_parameter_supported`). Then an answer
    /// without `iss` MUST be refused (§2.4): an attacker's provider in a
    /// mix-up would simply leave it out.
    pub promises_iss: bool,
}

/// Step 7: is this callback the answer to a login this browser started,
/// from the provider it went to, with a code? `expected` names that
/// provider in the messages, and the app's report hears each comparison.
/// Stage 3 calls this for each of its providers.
pub fn check(
    app: &App,
    expected: Expected,
    raw_query: &str,
    in_flight: &mut InFlight,
) -> Result<Accepted, Problem> {
    let params = CallbackParams::parse(raw_query)?;
    // 7a–7b. Which of this browser's logins does it answer? (state)
    let transaction = if app.lab.is_on(Defence::State) {
        this_browsers_login(&app.report, params.state.as_deref(), in_flight)?
    } else {
        // LAB=no-state: whatever login this browser has, or none at all.
        any_login(app, in_flight)
    };

    // 7c. Did it come from the provider we sent the browser to? (RFC 9207)
    //     An `iss` must name it; no `iss` is refused only from a provider
    //     that promises one in every answer (Discord does not). A lab can
    //     switch this check off, to show what it stops.
    // >>> exercise: iss
    if app.lab.is_on(Defence::Issuer) {
        let received = params.iss.as_deref();
        let matched = received == Some(transaction.issuer.as_str());
        if received.is_some() || expected.promises_iss {
            app.report.report(Decision::IssuerChecked {
                expected: &transaction.issuer,
                received,
                matched,
            });
        }
        match received {
            Some(_) if !matched => {
                return Err(Problem::bad_request(
                    "The callback names another issuer than the one this login was sent to (a mix-up attack?).",
                ));
            }
            None if expected.promises_iss => {
                return Err(Problem::bad_request(format!(
                    "The callback has no iss, though {} promises one in every answer (RFC 9207): refused, as a mix-up would look.",
                    expected.provider
                )));
            }
            _ => {}
        }
    }
    // <<< exercise: iss

    // 7d. Did the person (or the provider) say no? (RFC 6749 §4.1.2.1) An
    //     answer with both a code and an error is neither: refused, and
    //     its login, already taken out above, is spent all the same.
    if params.code.is_some() && params.error.is_some() {
        return Err(Problem::bad_request(
            "The callback has both a code and an error: an answer no provider sends. Start again at /login.",
        ));
    }
    if let Some(error) = params.error {
        return Err(refused_at_provider(
            expected.provider,
            &error,
            params.error_description.as_deref(),
        ));
    }

    let code = params
        .code
        .ok_or_else(|| Problem::bad_request("The callback has neither a code nor an error."))?;
    Ok(Accepted { transaction, code })
}

/// Steps 7a and 7b: the login of this browser that `state` names, taken
/// out so that it works once.
fn this_browsers_login(
    report: &FlowReport,
    state: Option<&str>,
    in_flight: &mut InFlight,
) -> Result<Transaction, Problem> {
    // 7a. Is there a login in progress in this browser at all?
    if in_flight.is_empty() {
        report.report(Decision::StateCompared { matched: false });
        return Err(Problem::bad_request(
            "No login in progress in this browser, or it expired or was already used. Start again at /login.",
        ));
    }

    // 7b. Is this callback the answer to one of *its* logins? (state, RFC
    //    6749 §10.12) Checked before anything else, errors included: a
    //    forged callback learns nothing and triggers nothing.
    let found = in_flight.take(state.unwrap_or_default());
    report.report(Decision::StateCompared {
        matched: found.is_some(),
    });
    found.ok_or_else(|| {
        Problem::bad_request(
            "The state parameter does not match this browser's login. Start again at /login.",
        )
    })
}

/// With the state check switched off (`LAB=no-state`), a callback is taken
/// as the answer to whatever login this browser has, or to none at all: a
/// login with no verifier, which the code exchange will show up.
fn any_login(app: &App, in_flight: &mut InFlight) -> Transaction {
    app.report.report(Decision::StateNotChecked);
    in_flight.take_newest().unwrap_or_else(|| {
        Transaction::new(
            String::new(),
            String::new(),
            app.provider.issuer.clone(),
            app.now(),
        )
    })
}

/// A token response that parsed but cannot be used: 502, the provider's
/// fault, not the user's.
pub fn unusable_tokens(provider: &str, why: Unusable) -> Problem {
    let problem = Problem::new(
        StatusCode::BAD_GATEWAY,
        format!("{provider}'s token response is unusable: {why}."),
    );
    tracing::warn!(detail = %problem.detail, "token response refused");
    problem
}

/// The provider sent `error=…` instead of a code.
fn refused_at_provider(provider: &str, error: &str, description: Option<&str>) -> Problem {
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
pub fn token_request_failed<T>(
    provider: &str,
    error: RequestTokenError<common::UpstreamError, StandardErrorResponse<T>>,
) -> Problem
where
    T: ErrorResponseType + AsRef<str> + std::fmt::Display + 'static,
{
    let problem = match &error {
        // invalid_client: the provider does not accept *our* credentials.
        // Nothing the user did or can do; the operator must fix the
        // configuration, so the log says what to check.
        RequestTokenError::ServerResponse(refusal)
            if refusal.error().as_ref() == "invalid_client" =>
        {
            tracing::error!(
                "{provider} refused this application's credentials (invalid_client): \
                 check the client id and secret in the configuration against {provider}'s \
                 developer portal (for Discord: DISCORD_CLIENT_ID, DISCORD_CLIENT_SECRET)"
            );
            Problem::new(
                StatusCode::BAD_GATEWAY,
                format!(
                    "{provider} does not accept this application's credentials. \
                     This is the application's fault, not yours; its operator has been told."
                ),
            )
        }
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
