//! `cargo run -p mock-discord`: the mock on its own, for a browser, curl, or
//! a client of your own.

use clap::Parser;
use mock_discord::{MockConfig, MockDiscord};
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::process::ExitCode;

/// A strict, faithful fake of Discord's OAuth2 and user API.
#[derive(Parser, Debug)]
#[command(version, about)]
struct Args {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1", env = "MOCK_DISCORD_HOST")]
    host: IpAddr,
    /// Port to listen on.
    #[arg(long, default_value_t = 5001, env = "MOCK_DISCORD_PORT")]
    port: u16,
    /// A TOML or JSON file with clients and users (see the crate README).
    #[arg(long)]
    config: Option<PathBuf>,
    /// Approve every login as this user (id or username), without the page.
    #[arg(long, value_name = "USER")]
    auto_approve: Option<String>,
    /// Make every code and token deterministic (for demos and snapshots).
    #[arg(long)]
    seed: Option<u64>,
    /// Requests a second one caller may make to one bucket (Discord: 50).
    /// Raise it for a load test.
    #[arg(long, value_name = "PER_SECOND", env = "MOCK_DISCORD_RATE_LIMIT",
          value_parser = clap::value_parser!(u32).range(1..))]
    rate_limit: Option<u32>,
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .init();
    let args = Args::parse();
    let config = match &args.config {
        Some(path) => match MockConfig::from_file(path) {
            Ok(config) => config,
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::FAILURE;
            }
        },
        None => MockConfig::default(),
    };
    let mut builder = MockDiscord::builder()
        .config(config)
        .bind(SocketAddr::new(args.host, args.port));
    if let Some(seed) = args.seed {
        builder = builder.seed(seed);
    }
    if let Some(user) = args.auto_approve {
        builder = builder.auto_approve(user);
    }
    if let Some(limit) = args.rate_limit {
        builder = builder.rate_limit(limit, std::time::Duration::from_secs(1));
    }
    let mock = match builder.spawn().await {
        Ok(mock) => mock,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let client = mock.client();
    println!("mock-discord is listening on {}", mock.base_url());
    println!("  client_id     {}", client.client_id);
    // A secret is never printed; the default one is public and documented.
    if client.client_secret == mock_discord::DEFAULT_CLIENT_SECRET {
        println!(
            "  client_secret {} (the public default)",
            client.client_secret
        );
    } else {
        println!("  client_secret (from your config file, not shown)");
    }
    println!("  redirect URIs {}", client.redirect_uris.join(", "));
    println!(
        "  metadata      {}/.well-known/oauth-authorization-server",
        mock.base_url()
    );
    println!(
        "  Google        {} (OpenID Connect; discovery at /.well-known/openid-configuration)",
        mock.google_issuer()
    );
    println!("  inspector     {}/__mock", mock.base_url());
    println!("Press Ctrl-C to stop.");
    let _ = tokio::signal::ctrl_c().await;
    ExitCode::SUCCESS
}
