//! Stage 3's own configuration: where the database is, and how long a
//! server-side session may live. Read like `common`'s: once, at start-up,
//! and a bad value stops the program with a message naming the variable.

use common::config::base_url::{https_unless_loopback, parse_base_url};
use common::config::error::{problem, ConfigError};
use std::time::Duration;

/// `DATABASE_URL` unset: a SQLite file next to where the command runs,
/// created on first run.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://permissions.db";
/// A session unused this long is over (OWASP: idle timeout).
pub const DEFAULT_SESSION_IDLE: Duration = Duration::from_secs(30 * 60);
/// A session is over this long after login, used or not (absolute timeout).
pub const DEFAULT_SESSION_LIFETIME: Duration = Duration::from_secs(7 * 24 * 3600);
/// The longest either may be: a year. It also keeps every `now + timeout`
/// far from overflowing.
pub const MAX_TIMEOUT: Duration = Duration::from_secs(366 * 24 * 3600);

/// Google's issuer, where its discovery document lives.
pub const DEFAULT_GOOGLE_ISSUER: &str = "https://accounts.google.com";

/// Google's credentials, when given (both, or neither).
#[derive(Debug, Clone)]
pub struct GoogleCredentials {
    pub client_id: String,
    pub client_secret: secrecy::SecretString,
    pub issuer: String,
}

impl GoogleCredentials {
    /// `GOOGLE_CLIENT_ID` and `GOOGLE_CLIENT_SECRET`, read like Discord's:
    /// both unset is offline (the mock's Google), one alone an error. And
    /// the two providers go online together or not at all: Discord online
    /// with an offline Google would mix a real provider with a fake one in
    /// one user table, silently.
    pub fn from_lookup(
        lookup: impl Fn(&str) -> Option<String>,
        discord_online: bool,
    ) -> Result<Option<GoogleCredentials>, ConfigError> {
        let get = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());
        let credentials = match (get("GOOGLE_CLIENT_ID"), get("GOOGLE_CLIENT_SECRET")) {
            (Some(client_id), Some(client_secret)) => Some(GoogleCredentials {
                client_id: client_id.trim().to_string(),
                client_secret: secrecy::SecretString::from(client_secret.trim().to_string()),
                issuer: google_issuer(get("GOOGLE_ISSUER"))?,
            }),
            (Some(_), None) => {
                return Err(problem(
                    "GOOGLE_CLIENT_SECRET",
                    "is missing, but GOOGLE_CLIENT_ID is set: set both for a real Google client, or neither for the offline mock",
                ))
            }
            (None, Some(_)) => {
                return Err(problem(
                    "GOOGLE_CLIENT_ID",
                    "is missing, but GOOGLE_CLIENT_SECRET is set: set both for a real Google client, or neither for the offline mock",
                ))
            }
            (None, None) => None,
        };
        match (discord_online, credentials.is_some()) {
            (true, false) => Err(problem(
                "GOOGLE_CLIENT_ID",
                "is unset while Discord is online: stage 3 logs in with both providers, so set GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET too, or unset Discord's to run both offline",
            )),
            (false, true) => Err(problem(
                "DISCORD_CLIENT_ID",
                "is unset while Google is online: stage 3 logs in with both providers, so set DISCORD_CLIENT_ID and DISCORD_CLIENT_SECRET too, or unset Google's to run both offline",
            )),
            _ => Ok(credentials),
        }
    }
}

/// `GOOGLE_ISSUER`: a base URL, https unless on this machine (the token
/// request carries the client secret; the keys that sign ID tokens come
/// from it).
fn google_issuer(value: Option<String>) -> Result<String, ConfigError> {
    let Some(value) = value else {
        return Ok(DEFAULT_GOOGLE_ISSUER.to_string());
    };
    let url = parse_base_url("GOOGLE_ISSUER", &value)?;
    let url = https_unless_loopback(
        "GOOGLE_ISSUER",
        url,
        "the client secret and the keys that sign ID tokens would cross the network unprotected",
    )?;
    Ok(url.as_str().trim_end_matches('/').to_string())
}

#[derive(Debug, Clone)]
pub struct Settings {
    pub database_url: String,
    pub session_idle: Duration,
    pub session_lifetime: Duration,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            database_url: DEFAULT_DATABASE_URL.to_string(),
            session_idle: DEFAULT_SESSION_IDLE,
            session_lifetime: DEFAULT_SESSION_LIFETIME,
        }
    }
}

impl Settings {
    /// From the process environment (`common` has read `.env` already).
    pub fn from_env() -> Result<Settings, ConfigError> {
        Settings::from_lookup(|name| std::env::var(name).ok())
    }

    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Settings, ConfigError> {
        let get = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());
        let database_url = match get("DATABASE_URL") {
            None => DEFAULT_DATABASE_URL.to_string(),
            Some(url) => {
                let url = url.trim().to_string();
                if !crate::db::is_supported(&url) {
                    return Err(problem(
                        "DATABASE_URL",
                        "must start with sqlite: (a file, e.g. sqlite://permissions.db) or postgres:// (e.g. postgres://user:password@localhost/permissions)",
                    ));
                }
                url
            }
        };
        let session_idle = duration(&get, "SESSION_IDLE", DEFAULT_SESSION_IDLE)?;
        let session_lifetime = duration(&get, "SESSION_LIFETIME", DEFAULT_SESSION_LIFETIME)?;
        Ok(Settings {
            database_url,
            session_idle,
            session_lifetime,
        })
    }
}

fn duration(
    get: &impl Fn(&str) -> Option<String>,
    variable: &'static str,
    default: Duration,
) -> Result<Duration, ConfigError> {
    let Some(text) = get(variable) else {
        return Ok(default);
    };
    let value = humantime::parse_duration(text.trim()).map_err(|e| {
        problem(
            variable,
            format!("must be a duration such as 30m, 12h or 7d ({e}; got {text:?})"),
        )
    })?;
    if value < Duration::from_secs(60) || value > MAX_TIMEOUT {
        return Err(problem(
            variable,
            format!("must be between one minute and a year (got {text:?})"),
        ));
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn google(
        vars: &[(&str, &str)],
        discord_online: bool,
    ) -> Result<Option<GoogleCredentials>, ConfigError> {
        let vars: std::collections::HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        GoogleCredentials::from_lookup(|name| vars.get(name).cloned(), discord_online)
    }

    #[test]
    fn google_goes_online_with_discord_or_not_at_all() {
        assert!(google(&[], false).unwrap().is_none());
        let both = [
            ("GOOGLE_CLIENT_ID", "id"),
            ("GOOGLE_CLIENT_SECRET", "secret"),
        ];
        let online = google(&both, true).unwrap().unwrap();
        assert_eq!(online.issuer, DEFAULT_GOOGLE_ISSUER);
        assert_eq!(
            google(&both, false).unwrap_err().variable,
            "DISCORD_CLIENT_ID"
        );
        assert_eq!(google(&[], true).unwrap_err().variable, "GOOGLE_CLIENT_ID");
        assert_eq!(
            google(&[("GOOGLE_CLIENT_ID", "id")], true)
                .unwrap_err()
                .variable,
            "GOOGLE_CLIENT_SECRET"
        );
        assert!(!format!("{online:?}").contains("secret\""), "{online:?}");
        let with_issuer = |issuer: &str| {
            let mut vars = both.to_vec();
            vars.push(("GOOGLE_ISSUER", issuer));
            google(&vars, true)
        };
        assert_eq!(
            with_issuer("http://accounts.example").unwrap_err().variable,
            "GOOGLE_ISSUER"
        );
        assert_eq!(
            with_issuer("not a url").unwrap_err().variable,
            "GOOGLE_ISSUER"
        );
        let local = with_issuer("http://127.0.0.1:5001/google/")
            .unwrap()
            .unwrap();
        assert_eq!(local.issuer, "http://127.0.0.1:5001/google");
    }
    use std::collections::HashMap;

    fn settings(vars: &[(&str, &str)]) -> Result<Settings, ConfigError> {
        let vars: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Settings::from_lookup(|name| vars.get(name).cloned())
    }

    #[test]
    fn defaults_and_durations() {
        let defaults = settings(&[]).unwrap();
        assert_eq!(defaults.database_url, "sqlite://permissions.db");
        assert_eq!(defaults.session_idle, Duration::from_secs(1800));
        assert_eq!(defaults.session_lifetime, Duration::from_secs(604_800));
        let set = settings(&[("SESSION_IDLE", "5m"), ("SESSION_LIFETIME", "1d")]).unwrap();
        assert_eq!(set.session_idle, Duration::from_secs(300));
        assert_eq!(set.session_lifetime, Duration::from_secs(86_400));
    }

    #[test]
    fn bad_values_name_their_variable() {
        for (vars, variable) in [
            (vec![("DATABASE_URL", "mysql://x")], "DATABASE_URL"),
            (vec![("DATABASE_URL", "permissions.db")], "DATABASE_URL"),
            (vec![("SESSION_IDLE", "soon")], "SESSION_IDLE"),
            (vec![("SESSION_IDLE", "1s")], "SESSION_IDLE"),
            (
                vec![("SESSION_LIFETIME", "99999999999d")],
                "SESSION_LIFETIME",
            ),
        ] {
            let error = settings(&vars).unwrap_err();
            assert_eq!(error.variable, variable, "{vars:?}: {error}");
        }
    }
}
