//! Google's discovery document (OpenID Connect Discovery 1.0), read once
//! at start-up: the endpoints and keys [`crate::google`] logs in with, and
//! what the document says beyond the standard metadata.

use common::Upstream;
use openidconnect::core::{
    CoreAuthDisplay, CoreClaimName, CoreClaimType, CoreClientAuthMethod, CoreGrantType,
    CoreJsonWebKey, CoreJweContentEncryptionAlgorithm, CoreJweKeyManagementAlgorithm,
    CoreResponseMode, CoreResponseType, CoreSubjectIdentifierType,
};
use openidconnect::{AdditionalProviderMetadata, IssuerUrl, ProviderMetadata};
use serde::{Deserialize, Serialize};
use url::Url;

/// What Google's discovery document says beyond OpenID Connect's standard
/// metadata: its revocation endpoint (RFC 8414), and whether it promises
/// `iss` in every authorization response (RFC 9207 §3; Google's document
/// does not today, an OpenID Provider such as oidc-provider does).
#[derive(Clone, Debug, Deserialize, Serialize)]
pub struct ExtraMetadata {
    revocation_endpoint: Option<String>,
    authorization_response_iss_parameter_supported: Option<bool>,
}
impl AdditionalProviderMetadata for ExtraMetadata {}

pub type GoogleMetadata = ProviderMetadata<
    ExtraMetadata,
    CoreAuthDisplay,
    CoreClientAuthMethod,
    CoreClaimName,
    CoreClaimType,
    CoreGrantType,
    CoreJweContentEncryptionAlgorithm,
    CoreJweKeyManagementAlgorithm,
    CoreJsonWebKey,
    CoreResponseMode,
    CoreResponseType,
    CoreSubjectIdentifierType,
>;

/// Why Google could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    #[error("GOOGLE_ISSUER is not a URL: {0}")]
    Issuer(String),
    #[error("Google's discovery document could not be read from {url}: {reason}")]
    Discovery { url: String, reason: String },
    #[error("the redirect URI is not a URL: {0}")]
    Redirect(String),
}

/// Reads `{issuer}/.well-known/openid-configuration` through the stage's
/// strict HTTP client. The crate refuses a document naming another issuer
/// than the one it was fetched from.
pub async fn read(issuer: &str, upstream: &Upstream) -> Result<GoogleMetadata, SetupError> {
    let issuer_url =
        IssuerUrl::new(issuer.to_string()).map_err(|e| SetupError::Issuer(e.to_string()))?;
    GoogleMetadata::discover_async(issuer_url, upstream)
        .await
        .map_err(|e| SetupError::Discovery {
            url: format!("{issuer}/.well-known/openid-configuration"),
            reason: e.to_string(),
        })
}

/// Where tokens are revoked, when the document says (RFC 8414 §2).
pub fn revocation_url(metadata: &GoogleMetadata) -> Option<Url> {
    let extra = metadata.additional_metadata();
    extra
        .revocation_endpoint
        .as_deref()
        .and_then(|u| Url::parse(u).ok())
}

/// Whether the provider promises `iss` in every authorization response
/// (RFC 9207 §3). Only an explicit `true` is a promise.
pub fn promises_iss(metadata: &GoogleMetadata) -> bool {
    metadata
        .additional_metadata()
        .authorization_response_iss_parameter_supported
        == Some(true)
}

/// Does the provider offer the standard scope for offline access
/// (`offline_access`, OpenID Connect Core §11)? An OpenID Provider such as
/// oidc-provider lists it; Google does not, and asks for `access_type`.
pub fn offers_offline_access_scope(metadata: &GoogleMetadata) -> bool {
    metadata
        .scopes_supported()
        .is_some_and(|scopes| scopes.iter().any(|s| s.as_str() == "offline_access"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn document(extra: serde_json::Value) -> GoogleMetadata {
        let mut document = serde_json::json!({
            "issuer": "https://op.example",
            "authorization_endpoint": "https://op.example/auth",
            "jwks_uri": "https://op.example/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
        });
        document
            .as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        serde_json::from_value(document).unwrap()
    }

    #[test]
    fn the_iss_promise_is_read_under_rfc_9207s_name() {
        let promised = serde_json::json!({"authorization_response_iss_parameter_supported": true});
        assert!(promises_iss(&document(promised)));
        let denied = serde_json::json!({"authorization_response_iss_parameter_supported": false});
        assert!(!promises_iss(&document(denied)));
        assert!(!promises_iss(&document(serde_json::json!({}))));
        let revocation = serde_json::json!({"revocation_endpoint": "https://op.example/revoke"});
        assert_eq!(
            revocation_url(&document(revocation)).unwrap().as_str(),
            "https://op.example/revoke"
        );
    }
}
