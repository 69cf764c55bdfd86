//! What a client asks for at the authorization endpoint (RFC 6749 §4.1.1),
//! once checked. The client and its redirect URI are checked first, by
//! [`crate::oauth::authorize`], because a failure there must not be
//! redirected; each personality checks the rest, with the pieces here, and
//! reports what fails back to the client.

use crate::oauth::pkce::{is_pkce_string, pkce_s256};
use crate::oauth::request::Params;

/// A validated authorization request.
#[derive(Debug, Clone)]
pub struct AuthorizeRequest {
    pub client_id: String,
    pub redirect_uri: String,
    /// Whether the request named its redirect URI (Discord picks the
    /// first registered one otherwise): then the token request must too
    /// (RFC 6749 §4.1.3).
    pub redirect_uri_given: bool,
    pub scopes: Vec<String>,
    pub state: Option<String>,
    pub code_challenge: Option<String>,
    pub prompt_none: bool,
    /// OpenID Connect's `nonce`, echoed in the ID token: kept by a
    /// personality that speaks OpenID Connect (Google's), `None` otherwise.
    pub nonce: Option<String>,
    /// Whether the code's exchange gives a refresh token.
    pub refresh_token: RefreshTokenRule,
}

/// When the token endpoint gives a refresh token for a login.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum RefreshTokenRule {
    /// Discord: with every code.
    Always,
    /// Google without `access_type=offline`: never (online access).
    Never,
    /// Google with `access_type=offline`: only if the user holds none for
    /// this client yet, that is at their first consent.
    AtFirstConsent,
    /// Google with `access_type=offline` and `prompt=consent`: the user
    /// was asked again, and a new one comes with the code.
    AtThisConsent,
}

impl AuthorizeRequest {
    /// What a browser's approval is remembered under: the client, and the
    /// scopes in a fixed order.
    pub fn scope_key(&self) -> (String, String) {
        let mut sorted = self.scopes.clone();
        sorted.sort();
        (self.client_id.clone(), sorted.join(" "))
    }
}

/// What every consent page shows and sends, whoever renders it: the app
/// asking, where the form goes, its CSRF token, and where the browser will
/// be sent.
pub struct ConsentForm<'a> {
    pub app_name: &'a str,
    pub action: &'a str,
    pub csrf_token: &'a str,
    pub redirect_uri: &'a str,
}

/// An error that goes back to the client's redirect URI as `?error=…`
/// (RFC 6749 §4.1.2.1).
#[derive(Debug, Clone, PartialEq)]
pub struct AuthorizeError {
    /// One of the RFC's codes: `invalid_request`, `invalid_scope`, …
    pub error: &'static str,
    pub description: String,
}

pub fn refuse(error: &'static str, description: impl Into<String>) -> AuthorizeError {
    AuthorizeError {
        error,
        description: description.into(),
    }
}

/// What is wrong with a request's PKCE parameters (RFC 7636 §4.3).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ChallengeProblem {
    /// S256, with a challenge that is not 43 characters of base64url.
    BadChallenge,
    /// A method other than S256, or one parameter without the other.
    BadMethod,
}

/// The S256 challenge of a request, if it sent one. Discord takes only
/// S256 (its metadata says so): `plain` sends the verifier's equal through
/// the browser, which defeats the point.
pub fn s256_challenge(params: &Params) -> Result<Option<String>, ChallengeProblem> {
    match (
        params.get("code_challenge"),
        params.get("code_challenge_method"),
    ) {
        (None, None) => Ok(None),
        (Some(challenge), Some("S256")) if is_pkce_string(challenge) && challenge.len() == 43 => {
            Ok(Some(challenge.to_string()))
        }
        (Some(_), Some("S256")) => Err(ChallengeProblem::BadChallenge),
        _ => Err(ChallengeProblem::BadMethod),
    }
}

/// The challenge of a request to Google, which advertises and accepts
/// `plain` as well as S256, and (RFC 7636 §4.3) takes a challenge without a
/// method as `plain`. A plain challenge is the verifier itself; it is
/// stored as its S256 transform, so the token endpoint's one check
/// (`BASE64URL(SHA256(verifier))` against the stored value) holds exactly
/// when the verifier equals it. The stages always send S256.
pub fn s256_or_plain_challenge(params: &Params) -> Result<Option<String>, ChallengeProblem> {
    match (
        params.get("code_challenge"),
        params.get("code_challenge_method"),
    ) {
        (Some(challenge), None | Some("plain")) if is_pkce_string(challenge) => {
            Ok(Some(pkce_s256(challenge)))
        }
        (Some(_), None | Some("plain")) => Err(ChallengeProblem::BadChallenge),
        _ => s256_challenge(params),
    }
}
