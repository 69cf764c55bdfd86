//! Steps 1 and 2, `GET /login`: send the browser to the provider.
//!
//! RFC 6749 §4.1.1: "The client constructs the request URI by adding the
//! following parameters … response_type, client_id, redirect_uri, scope,
//! state". RFC 7636 adds `code_challenge` and `code_challenge_method`.

use crate::transaction::{InFlight, Transaction};
use common::lab::Defence;
use common::{Answer, App, Decision};
use oauth2::{CsrfToken, PkceCodeChallenge, Scope};
use url::Url;

/// The scope this tutorial asks for: who you are, nothing more.
pub const SCOPE: &str = "identify";

/// Builds the authorization URL and the transaction to remember.
pub fn begin(app: &App) -> (Url, Transaction) {
    // PKCE (RFC 7636 §4.1–4.2): a fresh random verifier (32 bytes, 43
    // characters) stays with us; only its SHA-256, the challenge, goes out.
    // Whoever steals the code on its way back cannot redeem it without the
    // verifier.
    let (pkce_challenge, pkce_verifier) = PkceCodeChallenge::new_random_sha256();

    // `state` (RFC 6749 §10.12): 128 random bits that the callback must
    // bring back. It stops login CSRF: an attacker cannot make your browser
    // finish a login that your browser did not start.
    let mut request = app
        .oauth
        .authorize_url(CsrfToken::new_random)
        .add_scope(Scope::new(SCOPE.into()));
    let mut verifier = pkce_verifier.secret().clone();
    if app.lab.is_on(Defence::Pkce) {
        request = request.set_pkce_challenge(pkce_challenge);
    } else {
        // LAB=no-state or no-pkce: no challenge, and nothing to verify.
        verifier.clear();
    }
    let (authorize_url, state) = request.url();

    let transaction = Transaction::new(
        state.secret().clone(),
        verifier,
        app.provider.issuer.clone(),
        app.now(),
    );
    (authorize_url, transaction)
}

/// `GET /login`: step 2, a 303 to the provider.
pub fn login(app: App, cookies: Option<String>) -> Answer {
    let (authorize_url, transaction) = begin(&app);
    send_to_provider(&app, cookies.as_deref(), authorize_url, transaction)
}

/// Step 2 for any login (stage 3's providers and links too): a 303 to the
/// provider, with `transaction` added to this browser's logins in
/// progress, sealed in a cookie.
pub fn send_to_provider(
    app: &App,
    cookies: Option<&str>,
    authorize_url: Url,
    transaction: Transaction,
) -> Answer {
    let mut in_flight = InFlight::from_cookies(&app.keys, app.cookies, cookies, app.now())?;
    let with_pkce = !transaction.pkce_verifier.is_empty();
    in_flight.start(transaction);
    app.report.report(Decision::TransactionSealed { with_pkce });
    let mut response = common::respond::see_other(authorize_url.as_str());
    response.headers_mut().append(
        http::header::SET_COOKIE,
        in_flight.to_cookie(&app.keys, app.cookies),
    );
    Ok(response)
}
