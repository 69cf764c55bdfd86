//! Configuration from the environment (and a `.env` file, if there is one).
//!
//! Every variable is read once, at start-up, and every bad value stops the
//! program with a message that names the variable and says what is wrong. A
//! misconfigured login is a security problem, and failing at start-up beats
//! failing in front of a user.
//!
//! * this file: the variables every stage reads, and [`Config`];
//! * [`base_url`]: what a base URL from configuration may be (`PUBLIC_URL`,
//!   `DISCORD_BASE_URL`, stage 3's `GOOGLE_ISSUER`);
//! * [`provider_setup`]: real Discord credentials, or none (offline);
//! * [`error`]: [`ConfigError`], which names the variable at fault.

pub mod base_url;
pub mod error;
pub mod provider_setup;

use base_url::{https_unless_loopback, is_loopback, parse_base_url};
use error::problem;
pub use error::ConfigError;
pub use provider_setup::{ProviderSetup, DEFAULT_DISCORD_BASE_URL};
use secrecy::{ExposeSecret, SecretString};
use std::net::IpAddr;
use url::Url;

/// The whole configuration of a stage.
#[derive(Debug, Clone)]
pub struct Config {
    pub host: IpAddr,
    pub port: u16,
    /// The address browsers use to reach this stage; redirect URIs are
    /// built from it. No trailing slash.
    pub public_url: Url,
    pub provider: ProviderSetup,
    /// The master key for cookie encryption, when one was given.
    pub session_secret: Option<SecretString>,
}

/// The smallest master key `cookie::Key::derive_from` accepts. Checking it
/// here turns that function's panic into a start-up message.
pub const MIN_SESSION_SECRET_BYTES: usize = 32;

impl Config {
    /// Reads the process environment (to which `run` has added `.env`'s
    /// variables, see [`load_dotenv`]).
    pub fn from_env() -> Result<Config, ConfigError> {
        Config::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads the configuration through `lookup`, so that tests can pass
    /// variables without touching the process environment.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
        // An empty value counts as unset: `FOO=` in a .env file means "no FOO".
        let get = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());

        let host: IpAddr = match get("HOST") {
            None => IpAddr::from([127, 0, 0, 1]),
            Some(v) => v.trim().parse().map_err(|_| {
                problem(
                    "HOST",
                    format!("must be an IP address such as 127.0.0.1 (got {v:?})"),
                )
            })?,
        };
        let port: u16 = match get("PORT") {
            None => 5000,
            Some(v) => v.trim().parse().ok().filter(|p| *p != 0).ok_or_else(|| {
                problem(
                    "PORT",
                    format!("must be a number from 1 to 65535 (got {v:?})"),
                )
            })?,
        };
        let public_url = match get("PUBLIC_URL") {
            // Listening on every interface (0.0.0.0) or on a network
            // address, the stage cannot know the address browsers use, and
            // over plain http there its cookies (Secure off loopback) would
            // be dropped: every login would fail with "No login in
            // progress". Say so now instead.
            None if !host.is_loopback() => {
                return Err(problem(
                    "PUBLIC_URL",
                    format!(
                        "must be set when HOST is {host}: the https address browsers use to reach \
                         this stage (for example PUBLIC_URL=https://workshop.example, with TLS \
                         in front of it), from which the redirect URI is built"
                    ),
                ))
            }
            None => {
                let host = match host {
                    IpAddr::V6(v6) => format!("[{v6}]"),
                    IpAddr::V4(v4) => v4.to_string(),
                };
                Url::parse(&format!("http://{host}:{port}"))
                    .map_err(|e| problem("HOST", e.to_string()))?
            }
            Some(v) => https_unless_loopback(
                "PUBLIC_URL",
                parse_base_url("PUBLIC_URL", &v)?,
                "cookies must then be Secure, and browsers drop Secure cookies sent over http",
            )?,
        };

        let provider = ProviderSetup::from_lookup(get)?;

        let session_secret = get("SESSION_SECRET").map(SecretString::from);
        if let Some(secret) = &session_secret {
            let length = secret.expose_secret().len();
            if length < MIN_SESSION_SECRET_BYTES {
                return Err(problem(
                    "SESSION_SECRET",
                    format!("must be at least {MIN_SESSION_SECRET_BYTES} bytes (it has {length}); generate one with `openssl rand -base64 48`"),
                ));
            }
        }
        if session_secret.is_none() && matches!(provider, ProviderSetup::Discord { .. }) {
            return Err(problem(
                "SESSION_SECRET",
                "is required with a real Discord application, so that cookies stay valid across restarts and cannot be forged; generate one with `openssl rand -base64 48`",
            ));
        }

        Ok(Config {
            host,
            port,
            public_url,
            provider,
            session_secret,
        })
    }

    /// `{PUBLIC_URL}{path}`, for redirect URIs.
    pub fn public_url_for(&self, path: &str) -> String {
        format!("{}{}", self.public_url.as_str().trim_end_matches('/'), path)
    }

    /// Cookies get `Secure` unless the stage is served over plain http on
    /// a loopback address, where browsers would drop a `Secure` cookie.
    pub fn cookies_need_secure(&self) -> bool {
        !(self.public_url.scheme() == "http" && is_loopback(&self.public_url))
    }
}

/// Adds the variables of a `.env` file in the working directory (or above)
/// to the environment, without overriding those already set.
pub fn load_dotenv() -> Result<(), ConfigError> {
    match dotenvy::dotenv() {
        Ok(_) => Ok(()),
        Err(e) if e.not_found() => Ok(()),
        Err(e) => Err(problem(".env", format!("cannot be read: {e}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn config(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let vars: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_lookup(|name| vars.get(name).cloned())
    }

    const SECRET: &str = "0123456789abcdef0123456789abcdef";

    #[test]
    fn nothing_set_is_offline_on_127_0_0_1_5000() {
        let config = config(&[]).unwrap();
        assert!(matches!(config.provider, ProviderSetup::Offline));
        assert_eq!(config.public_url.as_str(), "http://127.0.0.1:5000/");
        assert_eq!(config.public_url_for("/auth"), "http://127.0.0.1:5000/auth");
        assert!(!config.cookies_need_secure());
        assert!(config.session_secret.is_none());
    }

    #[test]
    fn credentials_mean_discord_com() {
        let config = config(&[
            ("DISCORD_CLIENT_ID", "123"),
            ("DISCORD_CLIENT_SECRET", "shh"),
            ("SESSION_SECRET", SECRET),
        ])
        .unwrap();
        let ProviderSetup::Discord {
            base_url,
            client_id,
            ..
        } = config.provider
        else {
            panic!("expected Discord");
        };
        assert_eq!(base_url.as_str(), "https://discord.com/");
        assert_eq!(client_id, "123");
    }

    #[test]
    fn half_the_credentials_is_an_error_naming_the_missing_one() {
        let error = config(&[("DISCORD_CLIENT_ID", "123")]).unwrap_err();
        assert_eq!(error.variable, "DISCORD_CLIENT_SECRET");
        let error = config(&[("DISCORD_CLIENT_SECRET", "x")]).unwrap_err();
        assert_eq!(error.variable, "DISCORD_CLIENT_ID");
    }

    #[test]
    fn bad_values_name_their_variable() {
        for (vars, variable) in [
            (vec![("PORT", "http")], "PORT"),
            (vec![("PORT", "70000")], "PORT"),
            (vec![("HOST", "localhost:5000")], "HOST"),
            (vec![("PUBLIC_URL", "example.com")], "PUBLIC_URL"),
            (vec![("PUBLIC_URL", "ftp://example.com")], "PUBLIC_URL"),
            (vec![("SESSION_SECRET", "short")], "SESSION_SECRET"),
            (
                vec![("DISCORD_BASE_URL", "http://127.0.0.1:5001")],
                "DISCORD_BASE_URL",
            ),
            (
                vec![("DISCORD_CLIENT_ID", "1"), ("DISCORD_CLIENT_SECRET", "2")],
                "SESSION_SECRET",
            ),
            (
                vec![
                    ("DISCORD_CLIENT_ID", "1"),
                    ("DISCORD_CLIENT_SECRET", "2"),
                    ("SESSION_SECRET", SECRET),
                    ("DISCORD_BASE_URL", "not a url"),
                ],
                "DISCORD_BASE_URL",
            ),
        ] {
            let error = config(&vars).unwrap_err();
            assert_eq!(error.variable, variable, "{vars:?}: {error}");
        }
    }

    #[test]
    fn the_secret_never_shows_in_debug_output() {
        let config = config(&[
            ("DISCORD_CLIENT_ID", "123"),
            ("DISCORD_CLIENT_SECRET", "very-secret-value"),
            ("SESSION_SECRET", SECRET),
        ])
        .unwrap();
        let shown = format!("{config:?}");
        assert!(!shown.contains("very-secret-value"), "{shown}");
        assert!(!shown.contains(SECRET), "{shown}");
    }

    #[test]
    fn public_url_decides_secure_cookies() {
        let secure = config(&[("PUBLIC_URL", "https://workshop.example/")]).unwrap();
        assert!(secure.cookies_need_secure());
        assert_eq!(
            secure.public_url_for("/auth"),
            "https://workshop.example/auth"
        );
        let localhost = config(&[("PUBLIC_URL", "http://localhost:5000")]).unwrap();
        assert!(!localhost.cookies_need_secure());
    }

    /// Secure cookies over plain http are dropped by browsers: every login
    /// would fail with "No login in progress". A start-up error instead.
    #[test]
    fn plain_http_off_loopback_is_an_error_that_says_what_to_set() {
        for host in ["0.0.0.0", "::", "192.168.1.20"] {
            let error = config(&[("HOST", host)]).unwrap_err();
            assert_eq!(error.variable, "PUBLIC_URL", "{host}");
            assert!(error.problem.contains("https"), "{error}");
        }
        let error = config(&[("PUBLIC_URL", "http://192.168.1.20:5000")]).unwrap_err();
        assert_eq!(error.variable, "PUBLIC_URL");
        let lan = config(&[
            ("HOST", "0.0.0.0"),
            ("PUBLIC_URL", "https://workshop.example"),
        ])
        .unwrap();
        assert!(lan.cookies_need_secure());
    }

    /// The token request carries the client secret and the code.
    #[test]
    fn a_provider_over_plain_http_must_be_on_loopback() {
        let with_base = |base: &str| {
            config(&[
                ("DISCORD_CLIENT_ID", "1"),
                ("DISCORD_CLIENT_SECRET", "2"),
                ("SESSION_SECRET", SECRET),
                ("DISCORD_BASE_URL", base),
            ])
        };
        let error = with_base("http://discord.example").unwrap_err();
        assert_eq!(error.variable, "DISCORD_BASE_URL");
        assert!(error.problem.contains("https"), "{error}");
        assert!(with_base("http://127.0.0.1:5001").is_ok());
        assert!(with_base("https://discord.example").is_ok());
    }
}
