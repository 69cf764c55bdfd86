//! What a client asks for at `/oauth2/authorize` (RFC 6749 §4.1.1), once
//! checked. The client and its redirect URI are checked by the caller
//! ([`crate::authorize`]), because a failure there must not be redirected;
//! everything else is checked here and reported back to the client.

use crate::request::Params;
use crate::scopes;
use crate::secrets::is_pkce_string;

/// A validated authorization request.
#[derive(Debug, Clone)]
pub struct AuthorizeRequest {
    pub client_id: String,
    pub redirect_uri: String,
    pub scopes: Vec<String>,
    pub state: Option<String>,
    pub code_challenge: Option<String>,
    pub prompt_none: bool,
    /// OpenID Connect's `nonce`, echoed in the ID token (Google only).
    pub nonce: Option<String>,
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

/// An error that goes back to the client's redirect URI as `?error=…`
/// (RFC 6749 §4.1.2.1).
#[derive(Debug, Clone, PartialEq)]
pub struct AuthorizeError {
    /// One of the RFC's codes: `invalid_request`, `invalid_scope`, …
    pub error: &'static str,
    pub description: String,
}

fn refuse(error: &'static str, description: impl Into<String>) -> AuthorizeError {
    AuthorizeError {
        error,
        description: description.into(),
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
    let scopes = scopes::parse(scope);
    if let Some(unknown) = scopes.iter().find(|s| !scopes::is_known(s)) {
        return Err(refuse("invalid_scope", format!("Invalid scope: {unknown}")));
    }
    if !scopes.iter().any(|s| s == "identify") {
        return Err(refuse(
            "invalid_scope",
            "A user login needs the \"identify\" scope.",
        ));
    }

    // RFC 7636 §4.3. Discord supports S256 only; "plain" would send the
    // verifier's equivalent through the browser, defeating the point.
    let code_challenge = match (
        params.get("code_challenge"),
        params.get("code_challenge_method"),
    ) {
        (None, None) => None,
        (Some(challenge), Some("S256")) if is_pkce_string(challenge) && challenge.len() == 43 => {
            Some(challenge.to_string())
        }
        (Some(_), Some("S256")) => {
            return Err(refuse(
                "invalid_request",
                "Invalid \"code_challenge\" in request.",
            ))
        }
        (Some(_), None) | (None, Some(_)) | (Some(_), Some(_)) => {
            return Err(refuse(
                "invalid_request",
                "Invalid \"code_challenge_method\" in request: only S256 is supported.",
            ))
        }
    };

    let prompt_none = match params.get("prompt") {
        None | Some("consent") => false,
        Some("none") => true,
        Some(_) => return Err(refuse("invalid_request", "Invalid \"prompt\" in request.")),
    };

    Ok(AuthorizeRequest {
        client_id,
        redirect_uri,
        scopes,
        state,
        code_challenge,
        prompt_none,
        nonce: None,
    })
}
