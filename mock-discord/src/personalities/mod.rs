//! The providers the mock plays, each in a folder of its own, around one
//! [`Personality`] type:
//!
//! * [`discord`]: Discord's OAuth2 provider and the slice of its REST API
//!   that a login uses, at the mock's base URL.
//! * [`google`]: Google's OpenID Connect provider, under `/google/`.
//!
//! What every provider does alike (the authorization request, the consent
//! form, the authorization response, the codes and grants) is the shared
//! machinery of [`crate::oauth`]. It asks a `Personality` for what differs:
//! its issuer, its clients and users, the rest of its authorization
//! request's rules, how it words a refusal, its consent page.
//! [`Endpoint`] names every endpoint of every personality, as fault rules
//! and the inspector name them.
//!
//! A third personality (GitHub, say) is a folder beside these two, a
//! variant of each enum below with its match arms, and outside its folder:
//! its paths and handlers in the server's routes table (`server/mod.rs`),
//! what its endpoints mean in the inspector (`inspector/explain.rs`), and
//! its clients and users in the configuration (`config/mod.rs`).

pub mod discord;
pub mod google;

use crate::config::{Client, MockConfig};
use crate::oauth::authorization_request::{AuthorizeError, AuthorizeRequest, ConsentForm};
use crate::oauth::request::Params;
use serde::{Deserialize, Serialize};
use warp::reply::Response;

/// A provider the mock plays.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Personality {
    Discord,
    Google,
}

impl Personality {
    pub const ALL: [Personality; 2] = [Personality::Discord, Personality::Google];

    /// Its issuer, given the mock's base URL: the `iss` of its
    /// authorization responses (RFC 9207) and ID tokens, and where its
    /// endpoints live.
    pub fn issuer(self, base: &str) -> String {
        match self {
            Personality::Discord => base.to_string(),
            Personality::Google => google::issuer(base),
        }
    }

    /// Its registered clients. Each personality has its own list: a
    /// Discord client cannot use Google's endpoints.
    pub fn clients(self, config: &MockConfig) -> &[Client] {
        match self {
            Personality::Discord => &config.clients,
            Personality::Google => &config.google_clients,
        }
    }

    pub fn clients_mut(self, config: &mut MockConfig) -> &mut Vec<Client> {
        match self {
            Personality::Discord => &mut config.clients,
            Personality::Google => &mut config.google_clients,
        }
    }

    pub fn client<'a>(self, config: &'a MockConfig, client_id: &str) -> Option<&'a Client> {
        self.clients(config)
            .iter()
            .find(|c| c.client_id == client_id)
    }

    /// Whether `id` is one of its users (a Discord user id, a Google `sub`).
    pub fn knows_user(self, config: &MockConfig, id: &str) -> bool {
        match self {
            Personality::Discord => config.user(id).is_some(),
            Personality::Google => config.google_user(id).is_some(),
        }
    }

    /// The page for an authorization request from a client it does not
    /// know: shown, never redirected.
    pub fn unknown_client(self) -> Response {
        match self {
            Personality::Discord => discord::authorization::unknown_client(),
            Personality::Google => google::authorization::unknown_client(),
        }
    }

    /// The redirect URI an authorization request asks for, if it is one
    /// of the client's, or the page that says why not.
    pub fn redirect_uri(self, client: &Client, sent: Option<&str>) -> Result<String, Response> {
        match self {
            Personality::Discord => discord::authorization::redirect_uri(client, sent),
            Personality::Google => google::authorization::redirect_uri(client, sent),
        }
    }

    /// The rest of an authorization request, once the client and its
    /// redirect URI are known: what fails here goes back to the client.
    pub fn validate(
        self,
        params: &Params,
        client_id: String,
        redirect_uri: String,
        state: Option<String>,
    ) -> Result<AuthorizeRequest, AuthorizeError> {
        match self {
            Personality::Discord => {
                discord::authorization::validate(params, client_id, redirect_uri, state)
            }
            Personality::Google => {
                google::authorization::validate(params, client_id, redirect_uri, state)
            }
        }
    }

    /// Its consent page (Discord's authorization dialog, Google's account
    /// chooser), a form that POSTs to `action` with `csrf_token`.
    pub fn consent_page(
        self,
        config: &MockConfig,
        authorization: &AuthorizeRequest,
        action: &str,
        csrf_token: &str,
    ) -> Response {
        let form = ConsentForm {
            app_name: self
                .client(config, &authorization.client_id)
                .map_or("", |client| client.name.as_str()),
            action,
            csrf_token,
            redirect_uri: &authorization.redirect_uri,
        };
        match self {
            Personality::Discord => {
                discord::authorization::consent_page(config, authorization, form)
            }
            Personality::Google => google::authorization::consent_page(config, form),
        }
    }

    /// The `error_description` of its `access_denied` (RFC 6749 §4.1.2.1),
    /// in its own words.
    pub fn denied_description(self) -> &'static str {
        match self {
            Personality::Discord => "The resource owner or authorization server denied the request",
            Personality::Google => "The user denied the request.",
        }
    }

    /// Whether its authorization response names the granted `scope`
    /// (Google's does).
    pub fn echoes_scope(self) -> bool {
        matches!(self, Personality::Google)
    }

    /// Whether it remembers what a browser approved, so that `prompt=none`
    /// can skip the consent page (Discord does).
    pub fn remembers_approvals(self) -> bool {
        matches!(self, Personality::Discord)
    }
}

/// Every endpoint of every personality, as fault rules name them
/// (`"token"`, `"google_token"`). The server's routes table maps paths to
/// these.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Endpoint {
    Authorize,
    Token,
    Revoke,
    UsersMe,
    #[serde(rename = "oauth2_me")]
    OAuth2Me,
    Guilds,
    Metadata,
    /// The Google personality's endpoints (`/google/…`).
    GoogleDiscovery,
    GoogleCerts,
    GoogleAuthorize,
    GoogleToken,
    GoogleUserinfo,
    GoogleRevoke,
}

impl Endpoint {
    pub fn personality(self) -> Personality {
        match self {
            Endpoint::Authorize
            | Endpoint::Token
            | Endpoint::Revoke
            | Endpoint::UsersMe
            | Endpoint::OAuth2Me
            | Endpoint::Guilds
            | Endpoint::Metadata => Personality::Discord,
            Endpoint::GoogleDiscovery
            | Endpoint::GoogleCerts
            | Endpoint::GoogleAuthorize
            | Endpoint::GoogleToken
            | Endpoint::GoogleUserinfo
            | Endpoint::GoogleRevoke => Personality::Google,
        }
    }

    /// Whether this is where a browser arrives: the authorization
    /// endpoint, with its consent page.
    pub fn is_authorize(self) -> bool {
        matches!(self, Endpoint::Authorize | Endpoint::GoogleAuthorize)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoint_names_read_well() {
        let name = serde_json::to_string(&Endpoint::OAuth2Me).unwrap();
        assert_eq!(name, "\"oauth2_me\"");
        let name = serde_json::to_string(&Endpoint::GoogleToken).unwrap();
        assert_eq!(name, "\"google_token\"");
    }

    #[test]
    fn each_personality_has_one_authorization_endpoint() {
        for personality in Personality::ALL {
            let authorize: Vec<Endpoint> = ENDPOINTS
                .into_iter()
                .filter(|e| e.personality() == personality && e.is_authorize())
                .collect();
            assert_eq!(authorize.len(), 1, "{personality:?}: {authorize:?}");
        }
    }

    const ENDPOINTS: [Endpoint; 13] = [
        Endpoint::Authorize,
        Endpoint::Token,
        Endpoint::Revoke,
        Endpoint::UsersMe,
        Endpoint::OAuth2Me,
        Endpoint::Guilds,
        Endpoint::Metadata,
        Endpoint::GoogleDiscovery,
        Endpoint::GoogleCerts,
        Endpoint::GoogleAuthorize,
        Endpoint::GoogleToken,
        Endpoint::GoogleUserinfo,
        Endpoint::GoogleRevoke,
    ];
}
