//! Start-up: what `main` does for every stage. Read the configuration,
//! start the mock if offline, build the [`App`], say where to go, and serve
//! until Ctrl-C.

use crate::app::App;
use crate::config::{Config, ProviderSetup};
use crate::cookie_keys::{CookieKeys, CookiePolicy};
use crate::lab::{Lab, LabSwitches};
use crate::provider::Provider;
use crate::upstream::Upstream;
use mock_discord::MockHandle;
use std::future::Future;
use std::net::SocketAddr;
use std::process::ExitCode;
use warp::Filter;

/// What a stage tells [`run`] about itself.
pub struct StageInfo {
    pub name: &'static str,
    pub title: &'static str,
    /// Our callback path, registered with the embedded mock.
    pub callback_path: &'static str,
    /// Stage 3's callback for Google, registered with the mock's Google
    /// personality; `None` for a stage that logs in with Discord only.
    pub google_callback_path: Option<&'static str>,
    /// The attack labs it runs (`LAB=<name>`), as its `lab.rs` teaches
    /// them.
    pub labs: &'static [crate::lab::Lesson],
}

/// The embedded mock's Google personality, for a stage that uses it
/// offline: where it is, and the client registered there.
#[derive(Debug, Clone)]
pub struct MockGoogle {
    pub issuer: String,
    pub client_id: String,
    pub client_secret: secrecy::SecretString,
}

/// Why a stage could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error("configuration error: {0}")]
    Config(#[from] crate::config::ConfigError),
    #[error("the embedded mock Discord could not start: {0}")]
    Mock(#[from] mock_discord::StartError),
    #[error("cookie keys: {0}")]
    Keys(#[from] crate::cookie_keys::KeyError),
    #[error("the HTTP client could not be built: {0}")]
    Http(#[from] reqwest::Error),
    #[error("invalid redirect URI: {0}")]
    RedirectUri(#[from] url::ParseError),
    #[error("{0}")]
    Bind(#[from] crate::server::BindError),
    /// What a stage's own start-up found wrong (stage 3: its database).
    #[error("{0}")]
    Stage(String),
}

/// What a stage's start-up builds: its routes, and lines for the banner.
pub struct Built<F> {
    pub routes: F,
    pub banner: Vec<String>,
}

/// Everything `main` does, given the stage's routes.
pub async fn run<F, R>(stage: StageInfo, routes: R) -> ExitCode
where
    R: FnOnce(App) -> F,
    F: Filter + Clone + Send + Sync + 'static,
    F::Extract: warp::Reply,
{
    run_with(stage, |app, _config, _mock_google| async move {
        Ok(Built {
            routes: routes(app),
            banner: Vec::new(),
        })
    })
    .await
}

/// [`run`], for a stage whose routes need more than the [`App`] (stage 3
/// connects to its database): `build` may wait, fail, and add to the
/// banner.
pub async fn run_with<F, R, Fut>(stage: StageInfo, build: R) -> ExitCode
where
    R: FnOnce(App, Config, Option<MockGoogle>) -> Fut,
    Fut: Future<Output = Result<Built<F>, StartupError>>,
    F: Filter + Clone + Send + Sync + 'static,
    F::Extract: warp::Reply,
{
    // `.env` first, and once: its RUST_LOG must count when logging starts,
    // and every variable read after it sees its values.
    let dotenv = crate::config::load_dotenv();
    let logging = crate::server::init_logging();
    logging.report_drops();
    let outcome = match dotenv {
        Ok(()) => start(stage, build).await,
        Err(unreadable) => Err(unreadable.into()),
    };
    // Write out what the log still holds before saying anything else.
    drop(logging);
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn start<F, R, Fut>(stage: StageInfo, build: R) -> Result<(), StartupError>
where
    R: FnOnce(App, Config, Option<MockGoogle>) -> Fut,
    Fut: Future<Output = Result<Built<F>, StartupError>>,
    F: Filter + Clone + Send + Sync + 'static,
    F::Extract: warp::Reply,
{
    let config = Config::from_env()?;
    let offline = matches!(config.provider, ProviderSetup::Offline);
    let lab = Lab::from_setting(std::env::var("LAB").ok().as_deref(), stage.labs, offline)?;
    let redirect_uri = config.public_url_for(stage.callback_path);
    let google_redirect_uri = stage.google_callback_path.map(|p| config.public_url_for(p));
    let (provider, mock) =
        provider_for(&config, &redirect_uri, google_redirect_uri.as_deref()).await?;
    let keys = match &config.session_secret {
        Some(secret) => CookieKeys::from_secret(secret)?,
        None => CookieKeys::random()?,
    };
    let cookies = CookiePolicy {
        secure: config.cookies_need_secure(),
    };
    let mut app = App::new(provider, &redirect_uri, keys, cookies, Upstream::new()?)?;
    if let Some(mock) = &mock {
        app.watched_by(mock);
    }
    if let Some(lab) = lab {
        app.lab = LabSwitches::running(lab);
    }
    let mock_google = mock.as_ref().and_then(|mock| {
        let client = mock.google_client()?;
        Some(MockGoogle {
            issuer: mock.google_issuer(),
            client_id: client.client_id,
            client_secret: secrecy::SecretString::from(client.client_secret),
        })
    });
    let built = build(app.clone(), config.clone(), mock_google).await?;
    print_banner(&stage, &config, &app, mock.as_ref(), &built.banner);
    let addr = SocketAddr::new(config.host, config.port);
    crate::server::serve(built.routes.with(crate::server::request_log()), addr).await?;
    drop(mock);
    Ok(())
}

/// Discord as configured, or the embedded mock in offline mode.
pub async fn provider_for(
    config: &Config,
    redirect_uri: &str,
    google_redirect_uri: Option<&str>,
) -> Result<(Provider, Option<MockHandle>), StartupError> {
    Ok(match &config.provider {
        ProviderSetup::Discord {
            client_id,
            client_secret,
            base_url,
        } => (
            Provider::discord(base_url, client_id.clone(), client_secret.clone()),
            None,
        ),
        ProviderSetup::Offline => {
            let google: Vec<String> = google_redirect_uri
                .into_iter()
                .map(str::to_string)
                .collect();
            let mock = crate::offline::start_mock(&[redirect_uri.to_string()], &google).await?;
            (Provider::for_mock(&mock), Some(mock))
        }
    })
}

fn print_banner(
    stage: &StageInfo,
    config: &Config,
    app: &App,
    mock: Option<&MockHandle>,
    extra: &[String],
) {
    let open = config.public_url.as_str().trim_end_matches('/');
    println!();
    println!("{} — {}", stage.name, stage.title);
    println!("  Open {open} in your browser.");
    match mock {
        Some(mock) => {
            println!(
                "  Offline mode: no DISCORD_CLIENT_ID/DISCORD_CLIENT_SECRET, so a mock Discord runs in this process at {}.",
                mock.base_url()
            );
            println!("  Watch the flow at {}/__mock", mock.base_url());
        }
        None => println!("  Logging in with Discord at {}.", app.provider.issuer),
    }
    for line in extra {
        println!("  {line}");
    }
    if let Some(lab) = app.lab.lesson() {
        println!();
        for line in crate::lab_banner::startup_lines(lab, open) {
            println!("  {line}");
        }
        println!();
    }
    if config.session_secret.is_none() {
        println!("  SESSION_SECRET is unset: cookies use a random key and stop working when this process stops.");
    }
    println!("  Press Ctrl-C to stop.");
    println!();
}
