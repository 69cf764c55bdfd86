//! What each exchange with the provider is, which RFC section describes it,
//! and which attack it stops: the text the live inspector shows when a
//! step is clicked.
//!
//! The provider explains its own endpoints, here. The app's decisions
//! (state compared, session opened…) come explained by the app that made
//! them (`common::flow_report` in the tutorial's stages): the mock knows
//! no app, and each explanation has one home.

use crate::personalities::Endpoint;
use serde::Serialize;

/// A step, explained in three short parts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct Explanation {
    /// What the step is.
    pub what: &'static str,
    /// Where the protocol says so.
    pub rfc: &'static str,
    /// The attack it stops (or what it would let through if skipped).
    pub attack: &'static str,
}

const fn explained(what: &'static str, rfc: &'static str, attack: &'static str) -> Explanation {
    Explanation { what, rfc, attack }
}

/// The explanation of a request to `endpoint` (`None`: a path the mock does
/// not serve).
pub fn explain_exchange(
    endpoint: Option<Endpoint>,
    method: &str,
    grant_type: Option<&str>,
) -> Explanation {
    let Some(endpoint) = endpoint else {
        return explained("A request for a path the provider does not serve.", "", "");
    };
    match (endpoint, method, grant_type) {
        (Endpoint::Authorize, "GET", _) => explained(
            "The authorization request: the browser arrives at the provider with the \
             app's client_id, redirect_uri, scope, state and code_challenge. The provider \
             checks the client and the exact redirect URI, then asks the person.",
            "RFC 6749 §4.1.1; PKCE: RFC 7636 §4.3",
            "An exact redirect_uri match stops a code being sent to an attacker's URL \
             (RFC 9700 §4.1). The challenge binds the code to the browser that started \
             the login.",
        ),
        (Endpoint::Authorize, _, _) => explained(
            "The person's decision on the consent page. On 'Authorize' the provider \
             sends the browser back to the app with a single-use code, the state it \
             was given, and iss (who issued the code).",
            "RFC 6749 §4.1.2; iss: RFC 9207",
            "The consent form carries a single-use CSRF token bound to this browser, so \
             another site cannot approve on the person's behalf (clickjacking is \
             refused by frame-ancestors 'none').",
        ),
        (Endpoint::Token | Endpoint::GoogleToken, _, Some("refresh_token")) => explained(
            "A refresh: the app trades its refresh token for a new access token, \
             without the person.",
            "RFC 6749 §6; rotation: RFC 9700 §4.14",
            "Discord rotates the refresh token: the old one stops working, so a stolen \
             copy used after the app's refresh is detected and refused.",
        ),
        (Endpoint::Token | Endpoint::GoogleToken, _, _) => explained(
            "The token request: the app, authenticated with its client secret, trades \
             the code and the PKCE verifier for tokens. Back-channel: the tokens never \
             pass through the browser.",
            "RFC 6749 §4.1.3–4.1.4; PKCE: RFC 7636 §4.6",
            "A leaked or injected code is useless without the verifier, which only the \
             browser that started the login had (RFC 9700 §4.5). A code works once.",
        ),
        (Endpoint::Revoke | Endpoint::GoogleRevoke, _, _) => explained(
            "Revocation at logout: the provider forgets the grant, so the tokens stop \
             working everywhere, not only in this browser.",
            "RFC 7009 §2.1",
            "A token copied before logout (a leaked log, a stolen cookie) is dead after it.",
        ),
        (Endpoint::UsersMe | Endpoint::OAuth2Me | Endpoint::Guilds, _, _) => explained(
            "An API call with the access token as a Bearer credential: what the token \
             was for.",
            "RFC 6750 §2.1",
            "The token goes in a header, never in a URL, where logs and Referer headers \
             would keep it.",
        ),
        (Endpoint::Metadata, _, _) => explained(
            "The provider's metadata: where its endpoints are and what it supports.",
            "RFC 8414 §3",
            "",
        ),
        (Endpoint::GoogleDiscovery, _, _) => explained(
            "OpenID Connect discovery: the issuer names its endpoints and signing keys.",
            "OpenID Connect Discovery 1.0 §4",
            "The app checks that the document's issuer is the one it trusts, so a \
             look-alike cannot hand it other endpoints.",
        ),
        (Endpoint::GoogleCerts, _, _) => explained(
            "The provider's public keys (JWKS), to check ID token signatures.",
            "RFC 7517; OpenID Connect Core §10.1",
            "A forged ID token fails the signature check.",
        ),
        (Endpoint::GoogleAuthorize, "GET", _) => explained(
            "The OpenID Connect authentication request: scope openid, state, nonce and \
             code_challenge.",
            "OpenID Connect Core §3.1.2.1",
            "The nonce comes back inside the signed ID token, binding it to this login \
             (a replayed ID token has the wrong nonce).",
        ),
        (Endpoint::GoogleAuthorize, _, _) => explained(
            "The account chosen: back to the app with a code, state and iss.",
            "OpenID Connect Core §3.1.2.5; iss: RFC 9207",
            "iss names the issuer, so the app can refuse a code from the wrong provider \
             (mix-up, RFC 9700 §4.4).",
        ),
        (Endpoint::GoogleUserinfo, _, _) => explained(
            "UserInfo: the person's claims, with the access token as a Bearer credential.",
            "OpenID Connect Core §5.3",
            "Its sub must equal the ID token's sub, or the answer is about someone else.",
        ),
    }
}
