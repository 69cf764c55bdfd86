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
use permissions::settings::Settings;
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
        callback_path: basic::filters::CALLBACK_PATH,
        google_callback_path: None,
    };
    run_with(stage, |app, config, _mock_google| async move {
        let settings = Settings::from_env()?;
        let db = Db::connect(&settings.database_url)
            .await
            .map_err(|e| StartupError::Stage(e.to_string()))?;
        let offline = matches!(config.provider, ProviderSetup::Offline);
        let mut banner = vec![format!("Database: {}.", describe(&settings.database_url))];
        if offline {
            banner.push(
                "Offline users: ada.lovelace is admin and privileged, grace_h privileged, nelly neither."
                    .into(),
            );
        }
        let app = PermissionsApp::new(app, db, &settings, offline);
        Ok(Built {
            routes: permissions::routes(app),
            banner,
        })
    })
    .await
}
