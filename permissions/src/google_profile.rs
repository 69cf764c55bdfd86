//! Step 11 for Google: who logged in, from the verified ID token and the
//! UserInfo endpoint.
//!
//! OpenID Connect Core §5.4: the claims asked for by scope (name, e-mail)
//! come from the UserInfo endpoint when an access token is issued; the ID
//! token need not carry them, and an OpenID Provider such as oidc-provider
//! leaves them out. Userinfo's `sub` must be the ID token's (§5.3.2), or
//! its claims are someone else's.

use common::{Problem, Upstream};
use http::StatusCode;
use openidconnect::core::{CoreJsonWebKey, CoreJweContentEncryptionAlgorithm, CoreUserInfoClaims};
use openidconnect::{UserInfoError, UserInfoRequest};

/// Who logged in with Google.
#[derive(Debug, Clone, PartialEq)]
pub struct GoogleProfile {
    pub subject: String,
    pub name: Option<String>,
    pub email: Option<String>,
    pub email_verified: Option<bool>,
}

/// The userinfo request the client builds, with the ID token's `sub` as
/// the one expected.
pub type Request<'a> = UserInfoRequest<'a, CoreJweContentEncryptionAlgorithm, CoreJsonWebKey>;

/// The profile, with userinfo's values over the ID token's, which fill
/// what userinfo leaves out. Without a userinfo endpoint, the ID token is
/// all there is.
pub async fn merged(
    from_id_token: GoogleProfile,
    request: Option<Request<'_>>,
    upstream: &Upstream,
) -> Result<GoogleProfile, Problem> {
    let Some(request) = request else {
        return Ok(from_id_token);
    };
    let claims: CoreUserInfoClaims = request.request_async(upstream).await.map_err(failed)?;
    Ok(GoogleProfile {
        subject: from_id_token.subject,
        name: claims
            .name()
            .and_then(|name| name.get(None))
            .map(|name| name.to_string())
            .or(from_id_token.name),
        email: claims
            .email()
            .map(|email| email.to_string())
            .or(from_id_token.email),
        email_verified: claims.email_verified().or(from_id_token.email_verified),
    })
}

/// Userinfo about another subject is refused like a bad ID token (400, no
/// session); one that cannot be read is Google's failure (502).
fn failed<E: std::error::Error>(error: UserInfoError<E>) -> Problem {
    if let UserInfoError::ClaimsVerification(error) = error {
        tracing::warn!(%error, "Google's userinfo refused");
        return Problem::bad_request(
            "Google's userinfo describes another user than its ID token (sub): refused. No session was made.",
        );
    }
    tracing::warn!(error = %common::shown::clip(&error.to_string()), "Google's userinfo failed");
    Problem::new(
        StatusCode::BAD_GATEWAY,
        "Google's userinfo could not be read. Try logging in again.",
    )
}
