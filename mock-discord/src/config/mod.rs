//! Who exists in the mock: the registered application(s) and the users a
//! person can log in as.
//!
//! The defaults are enough for every stage of the tutorial. A TOML or JSON
//! file can replace or extend them (see the crate README for the format).
//!
//! * this file: [`MockConfig`], the whole world, read from a file and
//!   checked;
//! * [`accounts`]: who is in it, each with its provider's field names: the
//!   applications, Discord's users and servers, Google's accounts.

pub mod accounts;

pub use accounts::{Client, GoogleUser, Guild, Membership, User};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// Everything the mock knows about its world. A list a file leaves out
/// keeps the defaults'.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct MockConfig {
    #[serde(default)]
    pub clients: Vec<Client>,
    #[serde(default)]
    pub users: Vec<User>,
    #[serde(default)]
    pub guilds: Vec<Guild>,
    /// Applications registered with the Google personality (`/google/`).
    #[serde(default)]
    pub google_clients: Vec<Client>,
    /// Google accounts, for the Google personality's account chooser.
    #[serde(default)]
    pub google_users: Vec<GoogleUser>,
    /// With `extend = true`, the file's lists are added to the defaults
    /// instead of replacing them.
    #[serde(default)]
    pub extend: bool,
    /// Requests a second that one caller may make to one bucket; unset,
    /// Discord's 50. A load test of a stage needs more.
    #[serde(default)]
    pub rate_limit: Option<u32>,
    /// Live grants one user may hold for one client, the oldest revoked
    /// first; unset, 100 (Google's rule). A load test that logs one user
    /// in many times at once needs more.
    #[serde(default)]
    pub grants_per_user: Option<usize>,
}

/// The default world, shown in the README: `defaults.toml` beside
/// `Cargo.toml`, built into the crate.
pub const DEFAULTS_TOML: &str = include_str!("../../defaults.toml");

impl Default for MockConfig {
    fn default() -> Self {
        // A unit test parses the same text, so this cannot fail at run time.
        toml::from_str(DEFAULTS_TOML).expect("defaults.toml is valid")
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
        let defaults = MockConfig::default();
        if config.extend {
            let mut merged = defaults;
            merged.clients.append(&mut config.clients);
            merged.users.append(&mut config.users);
            merged.guilds.append(&mut config.guilds);
            merged.google_clients.append(&mut config.google_clients);
            merged.google_users.append(&mut config.google_users);
            merged.rate_limit = config.rate_limit;
            merged.grants_per_user = config.grants_per_user;
            config = merged;
        } else {
            if config.clients.is_empty() {
                config.clients = defaults.clients;
            }
            if config.users.is_empty() {
                config.users = defaults.users;
                // The default users are in the default guilds: they come too.
                config.guilds.extend(defaults.guilds);
            } else if config.guilds.is_empty() {
                config.guilds = defaults.guilds;
            }
            if config.google_clients.is_empty() {
                config.google_clients = defaults.google_clients;
            }
            if config.google_users.is_empty() {
                config.google_users = defaults.google_users;
            }
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
        for client in self.clients.iter().chain(&self.google_clients) {
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
        for membership in self.users.iter().flat_map(|u| &u.guilds) {
            if self.guild(&membership.guild).is_none() {
                return Err(ConfigError::Invalid(format!(
                    "a user is in guild {:?}, which is not in [[guilds]]",
                    membership.guild
                )));
            }
        }
        if self.rate_limit == Some(0) {
            return Err(ConfigError::Invalid("rate_limit must be at least 1".into()));
        }
        if self.grants_per_user == Some(0) {
            return Err(ConfigError::Invalid(
                "grants_per_user must be at least 1".into(),
            ));
        }
        unique(
            self.clients
                .iter()
                .chain(&self.google_clients)
                .map(|c| c.client_id.as_str()),
            "client_id",
        )?;
        unique(
            self.google_users.iter().map(|u| u.sub.as_str()),
            "Google sub",
        )?;
        unique(self.users.iter().map(|u| u.id.as_str()), "user id")?;
        unique(self.users.iter().map(|u| u.username.as_str()), "username")?;
        unique(self.guilds.iter().map(|g| g.id.as_str()), "guild id")
    }

    pub fn guild(&self, id: &str) -> Option<&Guild> {
        self.guilds.iter().find(|g| g.id == id)
    }

    pub fn client(&self, client_id: &str) -> Option<&Client> {
        self.clients.iter().find(|c| c.client_id == client_id)
    }

    /// A client of the Google personality. The two personalities' clients
    /// are separate lists: a Discord client cannot use Google's endpoints.
    pub fn google_client(&self, client_id: &str) -> Option<&Client> {
        self.google_clients
            .iter()
            .find(|c| c.client_id == client_id)
    }

    pub fn google_user(&self, sub: &str) -> Option<&GoogleUser> {
        self.google_users.iter().find(|u| u.sub == sub)
    }

    pub fn user(&self, id: &str) -> Option<&User> {
        self.users.iter().find(|u| u.id == id)
    }

    /// A user by username, e.g. `"nelly"`: tests name users this way, so
    /// that each id is written once, in `defaults.toml`.
    pub fn user_named(&self, username: &str) -> Option<&User> {
        self.users.iter().find(|u| u.username == username)
    }
}

/// The id of a default user, by username (`"nelly"`, `"ada.lovelace"`,
/// `"grace_h"`). Panics on another name: it is for tests.
pub fn default_user_id(username: &str) -> String {
    MockConfig::default()
        .user_named(username)
        .unwrap_or_else(|| panic!("{username} is not one of the mock's default users"))
        .id
        .clone()
}

fn unique<'a>(values: impl Iterator<Item = &'a str>, what: &str) -> Result<(), ConfigError> {
    let mut seen = std::collections::HashSet::new();
    for value in values {
        if !seen.insert(value) {
            return Err(ConfigError::Invalid(format!("duplicate {what} {value:?}")));
        }
    }
    Ok(())
}

/// The client id of the default application.
pub const DEFAULT_CLIENT_ID: &str = "mock-client-id";
/// The client secret of the default application.
pub const DEFAULT_CLIENT_SECRET: &str = "mock-client-secret";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_defaults_are_valid_and_match_the_constants() {
        let config = MockConfig::default();
        config.validate().unwrap();
        let client = config.client(DEFAULT_CLIENT_ID).unwrap();
        assert_eq!(client.client_secret, DEFAULT_CLIENT_SECRET);
        let names: Vec<&str> = config.users.iter().map(|u| u.username.as_str()).collect();
        assert_eq!(names, ["nelly", "ada.lovelace", "grace_h"]);
        assert_eq!(default_user_id("nelly"), config.users[0].id);
        assert_eq!(config.guilds.len(), 2);
    }

    #[test]
    fn a_membership_of_an_unknown_guild_is_refused() {
        let mut config = MockConfig::default();
        config.guilds.clear();
        let error = config.validate().unwrap_err().to_string();
        assert!(error.contains("not in [[guilds]]"), "{error}");
    }
}
