//! Where the stage gets its identity provider from: a real Discord
//! application (`DISCORD_CLIENT_ID`, `DISCORD_CLIENT_SECRET`, and
//! `DISCORD_BASE_URL` if it is not discord.com), or, with neither, the
//! offline mock.

use super::base_url::{https_unless_loopback, parse_base_url};
use super::error::{problem, ConfigError};
use secrecy::SecretString;
use url::Url;

pub const DEFAULT_DISCORD_BASE_URL: &str = "https://discord.com";

/// Where the stage gets its identity provider from.
#[derive(Debug, Clone)]
pub enum ProviderSetup {
    /// A real Discord application.
    Discord {
        client_id: String,
        client_secret: SecretString,
        base_url: Url,
    },
    /// No credentials: start the mock inside this process.
    Offline,
}

impl ProviderSetup {
    /// Reads the Discord variables through `get` (which already treats an
    /// empty value as unset). Half the credentials is an error naming the
    /// missing one.
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<ProviderSetup, ConfigError> {
        Ok(match (get("DISCORD_CLIENT_ID"), get("DISCORD_CLIENT_SECRET")) {
            (Some(client_id), Some(client_secret)) => {
                let base_url = match get("DISCORD_BASE_URL") {
                    None => Url::parse(DEFAULT_DISCORD_BASE_URL).expect("a valid constant URL"),
                    Some(v) => https_unless_loopback(
                        "DISCORD_BASE_URL",
                        parse_base_url("DISCORD_BASE_URL", &v)?,
                        "the client secret and the codes would cross the network unencrypted",
                    )?,
                };
                ProviderSetup::Discord {
                    client_id: client_id.trim().to_string(),
                    client_secret: SecretString::from(client_secret.trim().to_string()),
                    base_url,
                }
            }
            (Some(_), None) => {
                return Err(problem(
                    "DISCORD_CLIENT_SECRET",
                    "is missing, but DISCORD_CLIENT_ID is set: set both for a real Discord application, or neither for the offline mock",
                ))
            }
            (None, Some(_)) => {
                return Err(problem(
                    "DISCORD_CLIENT_ID",
                    "is missing, but DISCORD_CLIENT_SECRET is set: set both for a real Discord application, or neither for the offline mock",
                ))
            }
            (None, None) => {
                if get("DISCORD_BASE_URL").is_some() {
                    return Err(problem(
                        "DISCORD_BASE_URL",
                        "is set without DISCORD_CLIENT_ID and DISCORD_CLIENT_SECRET: set them too (a standalone mock-discord uses mock-client-id / mock-client-secret), or unset it to use the embedded mock",
                    ));
                }
                ProviderSetup::Offline
            }
        })
    }
}
