//! `cargo run -p permissions`: stage 3, offline by default, with a SQLite
//! file unless `DATABASE_URL` says otherwise. With a command
//! (`users`, `grant`, `revoke`), it works on the database instead.

use clap::Parser;
use common::config::ProviderSetup;
use common::stage::{run_with, Built, StartupError};
use common::StageInfo;
use permissions::app::PermissionsApp;
use permissions::cli::{self, Command};
use permissions::db::{describe, Db};
use permissions::google::Google;
use permissions::identities;
use permissions::providers::{DISCORD, GOOGLE};
use permissions::settings::{GoogleCredentials, Settings};
use std::process::ExitCode;

/// Stage 3 of the OAuth2 workshop: users, permissions and server-side
/// sessions. With no command, it serves.
#[derive(Parser, Debug)]
#[command(version, about)]
struct Args {
    #[command(subcommand)]
    command: Option<Command>,
}

#[tokio::main]
async fn main() -> ExitCode {
    if let Some(command) = Args::parse().command {
        return cli::run(command).await;
    }
    let stage = StageInfo {
        name: "permissions",
        title: "stage 3: users, permissions and server-side sessions",
        callback_path: "/auth/discord",
        google_callback_path: Some("/auth/google"),
        labs: permissions::lab::LESSONS,
    };
    run_with(stage, |app, config, mock_google| async move {
        let settings = Settings::from_env()?;
        let db = Db::connect(&settings.database_url)
            .await
            .map_err(|e| StartupError::Stage(e.to_string()))?;
        let offline = matches!(config.provider, ProviderSetup::Offline);
        permissions::offline::claim_mode(&db, offline, &settings.database_url)
            .await
            .map_err(StartupError::Stage)?;
        let google = match GoogleCredentials::from_lookup(|n| std::env::var(n).ok(), !offline)? {
            Some(_) if app.lab.lab().is_some() => {
                return Err(StartupError::Stage(
                    "LAB: a lab switches a defence off, so it runs in offline mode only; unset GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET".into(),
                ))
            }
            Some(online) => online,
            None => {
                let mock = mock_google.ok_or_else(|| {
                    StartupError::Stage("offline, but the mock has no Google personality".into())
                })?;
                GoogleCredentials {
                    client_id: mock.client_id,
                    client_secret: mock.client_secret,
                    issuer: mock.issuer,
                }
            }
        };
        let google = Google::discover(
            &google.issuer,
            google.client_id,
            google.client_secret,
            &config.public_url_for("/auth/google"),
            app.upstream.clone(),
        )
        .await
        .map_err(|e| StartupError::Stage(e.to_string()))?;
        // Identities from before issuers were recorded take this start's.
        for (provider, issuer) in [(DISCORD, &app.provider.issuer), (GOOGLE, &google.issuer)] {
            identities::adopt_unrecorded(&db, provider, issuer)
                .await
                .map_err(|e| {
                    StartupError::Stage(format!(
                        "DATABASE_URL: {}: {e}",
                        describe(&settings.database_url)
                    ))
                })?;
        }
        let mut banner = vec![format!("Database: {}.", describe(&settings.database_url))];
        if offline {
            banner.push(
                "Offline users: ada.lovelace is admin and privileged, grace_h privileged, nelly neither."
                    .into(),
            );
        }
        banner.push(format!("Google: {} (discovered).", google.issuer));
        let app = PermissionsApp::new(app, db, &settings, offline, Some(google));
        tokio::spawn(permissions::ending::keep_sweeping(app.clone()));
        Ok(Built {
            routes: permissions::routes(app),
            banner,
        })
    })
    .await
}
