//! The identity provider's endpoints, and the `oauth2` client built on them.
//!
//! Everything is derived from one base URL, so that the same code talks to
//! discord.com or to the mock: only the base changes.

use crate::upstream::{Upstream, UpstreamError};
use oauth2::basic::BasicClient;
use oauth2::{AuthUrl, ClientId, ClientSecret, EndpointNotSet, EndpointSet, RedirectUrl, TokenUrl};
use secrecy::{ExposeSecret, SecretString};
use serde_json::Value;
use url::Url;

/// An `oauth2` client with its authorization and token endpoints set: the
/// typestate API of oauth2 5 makes "forgot the token URL" a compile error.
pub type OAuthClient =
    BasicClient<EndpointSet, EndpointNotSet, EndpointNotSet, EndpointNotSet, EndpointSet>;

/// One identity provider, as the stages see it.
#[derive(Debug, Clone)]
pub struct Provider {
    /// Shown to people: "Log in with Discord".
    pub display_name: &'static str,
    pub client_id: String,
    /// Never printed: `SecretString`'s `Debug` shows `[REDACTED]`.
    pub client_secret: SecretString,
    /// What the provider calls itself in the `iss` parameter (RFC 9207).
    pub issuer: String,
    pub authorize_url: Url,
    pub token_url: Url,
    pub revoke_url: Url,
    /// The REST API, e.g. `https://discord.com/api/v10`.
    pub api_base: Url,
}

impl Provider {
    /// Discord's endpoints under `base_url` (`https://discord.com`, or the
    /// mock's address).
    pub fn discord(base_url: &Url, client_id: String, client_secret: SecretString) -> Provider {
        let base = base_url.as_str().trim_end_matches('/');
        let at = |path: &str| {
            Url::parse(&format!("{base}{path}")).expect("a base URL plus a path is a URL")
        };
        Provider {
            display_name: "Discord",
            client_id,
            client_secret,
            issuer: base.to_string(),
            authorize_url: at("/oauth2/authorize"),
            token_url: at("/api/oauth2/token"),
            revoke_url: at("/api/oauth2/token/revoke"),
            api_base: at("/api/v10"),
        }
    }

    /// `{api_base}{path}`, e.g. `api_url("/users/@me")`.
    pub fn api_url(&self, path: &str) -> String {
        format!("{}{}", self.api_base.as_str().trim_end_matches('/'), path)
    }

    /// The `oauth2` client for this provider and one of our callbacks.
    /// Discord accepts HTTP Basic client authentication, the RFC's default.
    pub fn oauth_client(&self, redirect_uri: &str) -> Result<OAuthClient, url::ParseError> {
        Ok(BasicClient::new(ClientId::new(self.client_id.clone()))
            .set_client_secret(ClientSecret::new(
                self.client_secret.expose_secret().to_string(),
            ))
            .set_auth_uri(AuthUrl::from_url(self.authorize_url.clone()))
            .set_token_uri(TokenUrl::from_url(self.token_url.clone()))
            .set_redirect_uri(RedirectUrl::new(redirect_uri.to_string())?))
    }

    /// `GET /users/@me` with a user's access token (sent in the
    /// `Authorization` header, RFC 6750 §2.1): who logged in.
    pub async fn profile(
        &self,
        upstream: &Upstream,
        access_token: &str,
    ) -> Result<DiscordProfile, UpstreamError> {
        let profile: Value = upstream
            .get_json(&self.api_url("/users/@me"), access_token)
            .await?;
        if profile["id"].as_str().is_none_or(str::is_empty) {
            tracing::warn!("GET /users/@me answered a profile without an id");
            return Err(UpstreamError::Malformed("the profile has no id".into()));
        }
        Ok(DiscordProfile(profile))
    }
}

/// A Discord user object, as `/users/@me` answers it. It has an `id`: an
/// answer without one is no user object, and is refused rather than
/// half-believed.
#[derive(Debug, Clone)]
pub struct DiscordProfile(Value);

impl DiscordProfile {
    /// The user's id (a snowflake), the subject a login is about.
    pub fn id(&self) -> &str {
        self.0["id"].as_str().unwrap_or_default()
    }

    pub fn username(&self) -> Option<&str> {
        self.0["username"].as_str()
    }

    /// What Discord shows: the display name (`global_name`), or else the
    /// username, or else the id.
    pub fn display_name(&self) -> String {
        self.0["global_name"]
            .as_str()
            .or(self.username())
            .unwrap_or(self.id())
            .to_string()
    }

    /// The user object as Discord sent it.
    pub fn into_json(self) -> Value {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn discord_com_endpoints() {
        let provider = Provider::discord(
            &Url::parse("https://discord.com").unwrap(),
            "id".into(),
            SecretString::from("secret"),
        );
        assert_eq!(
            provider.authorize_url.as_str(),
            "https://discord.com/oauth2/authorize"
        );
        assert_eq!(
            provider.token_url.as_str(),
            "https://discord.com/api/oauth2/token"
        );
        assert_eq!(
            provider.revoke_url.as_str(),
            "https://discord.com/api/oauth2/token/revoke"
        );
        assert_eq!(
            provider.api_url("/users/@me"),
            "https://discord.com/api/v10/users/@me"
        );
        assert_eq!(provider.issuer, "https://discord.com");
        assert!(!format!("{provider:?}").contains("secret\""));
    }
}
