//! Who is in the mock's world, each with its provider's field names: the
//! registered applications ("clients"), Discord's users and the servers
//! ("guilds") they are in, and Google's accounts.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A registered OAuth2 application ("client" in RFC 6749 words).
#[derive(Clone, Serialize, Deserialize)]
pub struct Client {
    pub client_id: String,
    pub client_secret: String,
    /// Shown on the consent page, like the app name in Discord's dialog.
    pub name: String,
    /// Compared by exact string equality, never by prefix: a prefix match
    /// is how real providers have leaked codes to attacker-chosen paths.
    pub redirect_uris: Vec<String>,
}

impl Client {
    /// Whether `redirect_uri` is one of the client's, by exact string
    /// equality: no prefix match, no case folding, no normalisation.
    pub fn registers(&self, redirect_uri: &str) -> bool {
        self.redirect_uris.iter().any(|r| r == redirect_uri)
    }
}

// The secret never reaches a log line through `{:?}`.
impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("client_id", &self.client_id)
            .field("client_secret", &"<redacted>")
            .field("name", &self.name)
            .field("redirect_uris", &self.redirect_uris)
            .finish()
    }
}

/// A Discord user, with Discord's field names and types.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct User {
    /// A snowflake, sent as a string as Discord does (it exceeds 2^53).
    pub id: String,
    pub username: String,
    #[serde(default = "zero_discriminator")]
    pub discriminator: String,
    pub global_name: Option<String>,
    pub avatar: Option<String>,
    #[serde(default)]
    pub bot: bool,
    #[serde(default)]
    pub system: bool,
    #[serde(default)]
    pub mfa_enabled: bool,
    pub banner: Option<String>,
    pub accent_color: Option<u32>,
    #[serde(default = "default_locale")]
    pub locale: String,
    #[serde(default)]
    pub flags: u64,
    #[serde(default)]
    pub public_flags: u64,
    #[serde(default)]
    pub premium_type: u8,
    pub email: Option<String>,
    #[serde(default)]
    pub verified: bool,
    /// The servers this user is in, for `GET /users/@me/guilds`.
    #[serde(default)]
    pub guilds: Vec<Membership>,
}

/// A server ("guild"), described once and joined by users.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Guild {
    pub id: String,
    pub name: String,
    pub icon: Option<String>,
    pub banner: Option<String>,
    #[serde(default)]
    pub features: Vec<String>,
}

/// A user's place in a guild: what `GET /users/@me/guilds` adds to it.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Membership {
    /// The guild's id.
    pub guild: String,
    #[serde(default)]
    pub owner: bool,
    /// The user's permission bit set in that guild. Discord sends it as a
    /// string because it does not fit a JavaScript number.
    pub permissions: String,
}

fn zero_discriminator() -> String {
    "0".into()
}

fn default_locale() -> String {
    "en-US".into()
}

/// A Google account, as Google's ID token and userinfo describe it (OpenID
/// Connect Core §5.1).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct GoogleUser {
    /// The subject: Google's stable, opaque id for the account (21 digits).
    pub sub: String,
    pub name: String,
    pub email: String,
    /// Whether Google checked that the account owns `email`.
    #[serde(default)]
    pub email_verified: bool,
    #[serde(default)]
    pub picture: Option<String>,
}
