//! Who exists in the mock: the registered application(s) and the users a
//! person can log in as.
//!
//! The defaults are enough for every stage of the tutorial. A TOML or JSON
//! file can replace or extend them (see the crate README for the format).

use serde::{Deserialize, Serialize};
use std::fmt;
use std::path::Path;

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
    pub guilds: Vec<Guild>,
}

/// A partial guild, as `GET /users/@me/guilds` lists it.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Guild {
    pub id: String,
    pub name: String,
    pub icon: Option<String>,
    pub banner: Option<String>,
    #[serde(default)]
    pub owner: bool,
    /// The user's permission bit set in that guild. Discord sends it as a
    /// string because it does not fit a JavaScript number.
    pub permissions: String,
    #[serde(default)]
    pub features: Vec<String>,
}

fn zero_discriminator() -> String {
    "0".into()
}

fn default_locale() -> String {
    "en-US".into()
}

/// Everything the mock knows about its world.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct MockConfig {
    #[serde(default = "default_clients")]
    pub clients: Vec<Client>,
    #[serde(default = "default_users")]
    pub users: Vec<User>,
    /// With `extend = true`, the file's clients and users are added to the
    /// defaults instead of replacing them.
    #[serde(default)]
    pub extend: bool,
}

impl Default for MockConfig {
    fn default() -> Self {
        MockConfig {
            clients: default_clients(),
            users: default_users(),
            extend: false,
        }
    }
}

/// Why a configuration file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("{path} is not valid TOML: {message}")]
    Toml { path: String, message: String },
    #[error("{path} is not valid JSON: {message}")]
    Json { path: String, message: String },
    #[error("invalid configuration: {0}")]
    Invalid(String),
}

impl MockConfig {
    /// Reads a `.toml` or `.json` file (by its extension; TOML otherwise).
    pub fn from_file(path: &Path) -> Result<Self, ConfigError> {
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: shown.clone(),
            source,
        })?;
        let mut config: MockConfig = if path.extension().is_some_and(|e| e == "json") {
            serde_json::from_str(&text).map_err(|e| ConfigError::Json {
                path: shown,
                message: e.to_string(),
            })?
        } else {
            toml::from_str(&text).map_err(|e| ConfigError::Toml {
                path: shown,
                message: e.to_string(),
            })?
        };
        if config.extend {
            let mut merged = MockConfig::default();
            merged.clients.append(&mut config.clients);
            merged.users.append(&mut config.users);
            config = merged;
        }
        config.validate()?;
        Ok(config)
    }

    /// Rejects a configuration the mock could not serve faithfully.
    pub fn validate(&self) -> Result<(), ConfigError> {
        if self.clients.is_empty() {
            return Err(ConfigError::Invalid("at least one client is needed".into()));
        }
        if self.users.is_empty() {
            return Err(ConfigError::Invalid("at least one user is needed".into()));
        }
        for client in &self.clients {
            if client.redirect_uris.is_empty() {
                return Err(ConfigError::Invalid(format!(
                    "client {} has no redirect_uris",
                    client.client_id
                )));
            }
            for uri in &client.redirect_uris {
                url::Url::parse(uri).map_err(|e| {
                    ConfigError::Invalid(format!("redirect URI {uri:?} is not a URL: {e}"))
                })?;
            }
        }
        for user in &self.users {
            if user.id.is_empty() || !user.id.bytes().all(|b| b.is_ascii_digit()) {
                return Err(ConfigError::Invalid(format!(
                    "user id {:?} is not a snowflake (digits only)",
                    user.id
                )));
            }
        }
        let mut ids: Vec<&str> = self.clients.iter().map(|c| c.client_id.as_str()).collect();
        ids.sort_unstable();
        if ids.windows(2).any(|w| w[0] == w[1]) {
            return Err(ConfigError::Invalid("duplicate client_id".into()));
        }
        let mut ids: Vec<&str> = self.users.iter().map(|u| u.id.as_str()).collect();
        ids.sort_unstable();
        if ids.windows(2).any(|w| w[0] == w[1]) {
            return Err(ConfigError::Invalid("duplicate user id".into()));
        }
        Ok(())
    }

    pub fn client(&self, client_id: &str) -> Option<&Client> {
        self.clients.iter().find(|c| c.client_id == client_id)
    }

    pub fn user(&self, id: &str) -> Option<&User> {
        self.users.iter().find(|u| u.id == id)
    }
}

/// The client id of the default application.
pub const DEFAULT_CLIENT_ID: &str = "mock-client-id";
/// The client secret of the default application.
pub const DEFAULT_CLIENT_SECRET: &str = "mock-client-secret";

fn default_clients() -> Vec<Client> {
    vec![Client {
        client_id: DEFAULT_CLIENT_ID.into(),
        client_secret: DEFAULT_CLIENT_SECRET.into(),
        name: "OAuth2 Workshop".into(),
        redirect_uris: vec![
            "http://127.0.0.1:5000/auth".into(),
            "http://127.0.0.1:5000/auth/discord".into(),
        ],
    }]
}

fn default_users() -> Vec<User> {
    vec![
        // Nelly is the user of Discord's own documentation examples.
        User {
            id: "80351110224678912".into(),
            username: "nelly".into(),
            discriminator: "0".into(),
            global_name: Some("Nelly".into()),
            avatar: Some("8342729096ea3675442027381ff50dfe".into()),
            bot: false,
            system: false,
            mfa_enabled: true,
            banner: Some("06c16474723fe537c283b8efa61a30c8".into()),
            accent_color: Some(16711680),
            locale: "en-US".into(),
            flags: 64,
            public_flags: 64,
            premium_type: 1,
            email: Some("nelly@discord.com".into()),
            verified: true,
            guilds: vec![Guild {
                id: "197038439483310086".into(),
                name: "Discord Testers".into(),
                icon: Some("f64c482b807da4f539cff778d174971c".into()),
                banner: None,
                owner: false,
                permissions: "104189505".into(),
                features: vec!["COMMUNITY".into(), "NEWS".into()],
            }],
        },
        User {
            id: "613425648685547541".into(),
            username: "ada.lovelace".into(),
            discriminator: "0".into(),
            global_name: Some("Ada Lovelace".into()),
            avatar: None,
            bot: false,
            system: false,
            mfa_enabled: false,
            banner: None,
            accent_color: None,
            locale: "en-GB".into(),
            flags: 0,
            public_flags: 0,
            premium_type: 0,
            email: Some("ada@example.com".into()),
            verified: true,
            guilds: vec![
                Guild {
                    id: "1100000000000000001".into(),
                    name: "Analytical Engine Club".into(),
                    icon: None,
                    banner: None,
                    owner: true,
                    permissions: "2251799813685247".into(),
                    features: vec![],
                },
                Guild {
                    id: "197038439483310086".into(),
                    name: "Discord Testers".into(),
                    icon: Some("f64c482b807da4f539cff778d174971c".into()),
                    banner: None,
                    owner: false,
                    permissions: "104189505".into(),
                    features: vec!["COMMUNITY".into(), "NEWS".into()],
                },
            ],
        },
        User {
            id: "1024368537925287946".into(),
            username: "grace_h".into(),
            discriminator: "0".into(),
            global_name: Some("Grace Hopper".into()),
            avatar: Some("a_1269e74af4df7417b13759eae50c83dc".into()),
            bot: false,
            system: false,
            mfa_enabled: true,
            banner: None,
            accent_color: Some(5793266),
            locale: "en-US".into(),
            flags: 0,
            public_flags: 4194304,
            premium_type: 2,
            email: Some("grace@example.com".into()),
            // An unverified address: a lesson in not trusting every email.
            verified: false,
            guilds: vec![],
        },
    ]
}
