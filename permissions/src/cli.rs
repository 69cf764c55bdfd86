//! `cargo run -p permissions -- <command>`: the database without the
//! server, for the person who runs it.
//!
//! ```text
//! users                                     every user, identities, permissions
//! grant  <provider>:<subject> <permission>  e.g. grant discord:613425648685547541 admin
//! revoke <provider>:<subject> <permission>
//! ```

use crate::db::{describe, Db};
use crate::settings::Settings;
use crate::{identities, users};
use clap::Subcommand;
use common::shown::escaped;
use std::process::ExitCode;

#[derive(Subcommand, Debug)]
pub enum Command {
    /// List every user, with identities and permissions.
    Users,
    /// Give a user a permission.
    Grant {
        /// The user, by an identity: provider:subject.
        identity: String,
        permission: String,
    },
    /// Take a permission away from a user.
    Revoke {
        /// The user, by an identity: provider:subject.
        identity: String,
        permission: String,
    },
}

/// Runs one command. Errors are printed, and the exit code is 1.
pub async fn run(command: Command) -> ExitCode {
    match execute(command).await {
        Ok(output) => {
            print!("{output}");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn execute(command: Command) -> Result<String, String> {
    common::config::load_dotenv().map_err(|e| e.to_string())?;
    let settings = Settings::from_env().map_err(|e| e.to_string())?;
    let db = Db::connect(&settings.database_url)
        .await
        .map_err(|e| e.to_string())?;
    let failed = |problem: common::Problem| {
        format!("{} ({})", problem.detail, describe(&settings.database_url))
    };
    match command {
        Command::Users => {
            let mut out = String::new();
            for user in users::list(&db).await.map_err(failed)? {
                let identities: Vec<String> = user
                    .identities
                    .iter()
                    .map(|i| format!("{}:{}", escaped(&i.provider), escaped(&i.subject)))
                    .collect();
                let permissions = if user.permissions.is_empty() {
                    "-".to_string()
                } else {
                    user.permissions.join(",")
                };
                out += &format!(
                    "{}\t{}\t{}\t{}\n",
                    user.id,
                    // Chosen at the provider: printed, never obeyed.
                    escaped(&user.display_name),
                    identities.join(" "),
                    permissions
                );
            }
            if out.is_empty() {
                out = "no users yet: log in once to create one\n".into();
            }
            Ok(out)
        }
        Command::Grant {
            identity,
            permission,
        } => {
            let permission = crate::admin::known(&permission).map_err(|p| p.detail)?;
            let user_id = find(&db, &identity).await?;
            users::grant(&db, user_id, permission)
                .await
                .map_err(failed)?;
            Ok(format!("granted {permission} to {identity}\n"))
        }
        Command::Revoke {
            identity,
            permission,
        } => {
            let permission = crate::admin::known(&permission).map_err(|p| p.detail)?;
            let user_id = find(&db, &identity).await?;
            if users::revoke(&db, user_id, permission)
                .await
                .map_err(failed)?
            {
                Ok(format!("revoked {permission} from {identity}\n"))
            } else {
                Err(format!("{identity} does not have {permission}"))
            }
        }
    }
}

/// The user with the identity `provider:subject`.
async fn find(db: &Db, identity: &str) -> Result<i64, String> {
    let (provider, subject) = identity
        .split_once(':')
        .filter(|(p, s)| !p.is_empty() && !s.is_empty())
        .ok_or_else(|| {
            format!("{identity:?} is not provider:subject (for example discord:123, as `users` lists them)")
        })?;
    identities::find_by_identity(db, provider, subject)
        .await
        .map_err(|p| p.detail)?
        .ok_or_else(|| format!("no user has the identity {identity}; `users` lists them"))
}
