//! Starting the mock: a builder, and the handle a test holds while the mock
//! runs. Dropping the handle stops the server.

use crate::config::{Client, MockConfig};
use crate::control::faults::FaultRule;
use crate::control::journal::Exchange;
use crate::inspector::notes::AppNotes;
use crate::inspector::timeline::Step;
use crate::oauth::authorization_request::RefreshTokenRule;
use crate::oauth::codes::IssuedCode;
use crate::personalities::discord::ratelimit::RateLimit;
use crate::personalities::Personality;
use crate::state::{MockState, Settings};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::oneshot;

/// Why the mock could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("--auto-approve names no configured user: {0:?} (use a user id or username)")]
    UnknownUser(String),
    #[error(transparent)]
    Config(#[from] crate::config::ConfigError),
}

/// Configures and starts a mock Discord.
///
/// ```no_run
/// # async fn example() -> Result<(), mock_discord::StartError> {
/// let mock = mock_discord::MockDiscord::builder().seed(42).spawn().await?;
/// println!("Discord lives at {}", mock.base_url());
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct MockDiscord {
    config: MockConfig,
    settings: Settings,
    seed: Option<u64>,
    addr: SocketAddr,
    /// Who each personality approves as (a Discord id or username, a
    /// Google `sub`), checked against the configuration at start.
    auto_approve: Vec<(Personality, String)>,
    /// Redirect URIs added to each personality's first client.
    extra_redirect_uris: Vec<(Personality, String)>,
}

impl MockDiscord {
    /// Defaults: the default client and users, a random seed, and a free
    /// port on 127.0.0.1.
    pub fn builder() -> Self {
        MockDiscord {
            config: MockConfig::default(),
            settings: Settings::default(),
            seed: None,
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            auto_approve: Vec::new(),
            extra_redirect_uris: Vec::new(),
        }
    }

    /// The clients, users and guilds, and the file's rate limit if it has
    /// one (a later [`MockDiscord::rate_limit`] wins).
    pub fn config(mut self, config: MockConfig) -> Self {
        if let Some(limit) = config.rate_limit {
            self = self.rate_limit(limit, Duration::from_secs(1));
        }
        self.config = config;
        self
    }

    /// Makes every code and token deterministic.
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = Some(seed);
        self
    }

    /// Where to listen; port 0 picks a free one.
    pub fn bind(mut self, addr: SocketAddr) -> Self {
        self.addr = addr;
        self
    }

    /// Approve every authorization as this user (id or username), without
    /// showing the consent page.
    pub fn auto_approve(mut self, user: impl Into<String>) -> Self {
        self.auto_approve.push((Personality::Discord, user.into()));
        self
    }

    /// Approve every Google authorization as this account (its `sub`),
    /// without the account chooser.
    pub fn auto_approve_google(mut self, sub: impl Into<String>) -> Self {
        self.auto_approve.push((Personality::Google, sub.into()));
        self
    }

    pub fn code_lifetime(mut self, lifetime: Duration) -> Self {
        self.settings.code_lifetime = lifetime;
        self
    }

    pub fn token_lifetime(mut self, lifetime: Duration) -> Self {
        self.settings.token_lifetime = lifetime;
        self
    }

    pub fn rate_limit(mut self, limit: u32, window: Duration) -> Self {
        self.settings.rate_limit = RateLimit {
            limit,
            window_ms: window.as_millis() as u64,
        };
        self
    }

    /// Registers one more redirect URI for the first client.
    pub fn redirect_uri(mut self, uri: impl Into<String>) -> Self {
        self.extra_redirect_uris
            .push((Personality::Discord, uri.into()));
        self
    }

    /// Registers one more redirect URI for the first Google client.
    pub fn google_redirect_uri(mut self, uri: impl Into<String>) -> Self {
        self.extra_redirect_uris
            .push((Personality::Google, uri.into()));
        self
    }

    /// Binds, then serves in a background task until the handle is dropped.
    pub async fn spawn(self) -> Result<MockHandle, StartError> {
        let listener = tokio::net::TcpListener::bind(self.addr)
            .await
            .map_err(|source| StartError::Bind {
                addr: self.addr,
                source,
            })?;
        self.spawn_on(listener)
    }

    /// Serves on a listener the caller bound (to choose a port, or to fall
    /// back to another one).
    pub fn spawn_on(mut self, listener: tokio::net::TcpListener) -> Result<MockHandle, StartError> {
        let addr = listener.local_addr().map_err(|source| StartError::Bind {
            addr: self.addr,
            source,
        })?;
        for (personality, uri) in self.extra_redirect_uris.drain(..) {
            register(&mut self.config, personality, &uri);
        }
        self.config.validate()?;
        for (personality, wanted) in self.auto_approve.drain(..) {
            let user_id = match personality {
                // Discord's users may be named by username too.
                Personality::Discord => self
                    .config
                    .users
                    .iter()
                    .find(|u| u.id == wanted || u.username == wanted)
                    .map(|u| u.id.clone()),
                _ => Some(wanted.clone()).filter(|id| personality.knows_user(&self.config, id)),
            };
            let user_id = user_id.ok_or_else(|| StartError::UnknownUser(wanted.clone()))?;
            self.settings.auto_approve.insert(personality, user_id);
        }
        let base_url = format!("http://{addr}");
        let state = Arc::new(MockState::new(
            base_url.clone(),
            self.config,
            self.settings,
            self.seed,
        ));
        let (stop, stopped) = oneshot::channel::<()>();
        let server = warp::serve(super::routes(state.clone()))
            .incoming(listener)
            .graceful(async {
                let _ = stopped.await;
            });
        tokio::spawn(server.run());
        Ok(MockHandle {
            state,
            addr,
            base_url,
            _stop: stop,
        })
    }
}

/// A running mock. Dropping it stops the server.
pub struct MockHandle {
    state: Arc<MockState>,
    addr: SocketAddr,
    base_url: String,
    /// Dropping the sender ends the graceful-shutdown future.
    _stop: oneshot::Sender<()>,
}

impl std::fmt::Debug for MockHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MockHandle")
            .field("base_url", &self.base_url)
            .finish()
    }
}

impl MockHandle {
    /// `http://127.0.0.1:PORT`: Discord's base URL, and the issuer.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The first registered client (the default one unless configured).
    pub fn client(&self) -> Client {
        self.state.config().clients[0].clone()
    }

    /// The inspector's timeline, oldest step first.
    pub fn steps(&self) -> Vec<Step> {
        self.state.store().timeline.steps()
    }

    /// Where an app in the same process reports its decisions, to be drawn
    /// beside the mock's exchanges in the live inspector.
    pub fn notes(&self) -> AppNotes {
        AppNotes::for_mock(self.state.clone())
    }

    /// Every recorded exchange, oldest first, secrets shortened.
    pub fn requests(&self) -> Vec<Exchange> {
        self.state.store().journal.exchanges()
    }

    /// The recorded exchanges whose path ends with `suffix`.
    pub fn requests_to(&self, suffix: &str) -> Vec<Exchange> {
        self.requests()
            .into_iter()
            .filter(|e| e.path.ends_with(suffix))
            .collect()
    }

    /// The mock's clock. A stage given the same clock (`App::clock`) sees
    /// time move with the mock, so tests can expire tokens on both sides.
    pub fn clock(&self) -> crate::clock::Clock {
        self.state.clock.clone()
    }

    /// Moves the mock's clock forward: codes and tokens expire at once.
    ///
    /// Panics past [`crate::clock::MAX_OFFSET`]: a test asking for that has
    /// a bug.
    pub fn advance_clock(&self, by: Duration) {
        self.state
            .clock
            .advance(by)
            .expect("the mock's clock moves at most a hundred years");
    }

    /// Panics on a rule `POST /__mock/faults` would refuse: a test asking
    /// for one has a bug.
    pub fn inject_fault(&self, rule: FaultRule) {
        if let Err(problem) = self.state.store().faults.add(rule) {
            panic!("fault rule refused: {problem}");
        }
    }

    /// Forgets every code, token, consent and recorded request. The clock
    /// stays where it is: time never goes back.
    pub fn reset(&self) {
        self.state.reset();
    }

    /// A new key for Google's ID tokens; the JWKS lists only the new one.
    pub fn rotate_signing_key(&self) {
        self.state.rotate_signing_key();
    }

    /// Registers one more redirect URI for the first client, at run time.
    pub fn register_redirect_uri(&self, uri: &str) {
        register(&mut self.state.config_mut(), Personality::Discord, uri);
    }

    /// Registers one more redirect URI for the first Google client.
    pub fn register_google_redirect_uri(&self, uri: &str) {
        register(&mut self.state.config_mut(), Personality::Google, uri);
    }

    /// The first Google client (the default one unless configured).
    pub fn google_client(&self) -> Option<Client> {
        self.client_of(Personality::Google)
    }

    /// The first client of a personality.
    pub fn client_of(&self, personality: Personality) -> Option<Client> {
        personality.clients(&self.state.config()).first().cloned()
    }

    /// The Google personality's issuer: `{base_url}/google`.
    pub fn google_issuer(&self) -> String {
        Personality::Google.issuer(&self.base_url)
    }

    /// Issues a code as if `user_id` had approved, without the browser
    /// round trip. For benchmarks and tests only: no real client can do this.
    pub fn issue_code_directly(
        &self,
        redirect_uri: &str,
        user_id: &str,
        scopes: &[&str],
        code_challenge: Option<&str>,
    ) -> String {
        let now_ms = self.state.clock.now_ms();
        let issued = IssuedCode {
            client_id: self.client().client_id,
            redirect_uri: redirect_uri.to_string(),
            redirect_uri_given: true,
            scopes: scopes.iter().map(|s| s.to_string()).collect(),
            user_id: user_id.to_string(),
            code_challenge: code_challenge.map(str::to_string),
            expires_at_ms: now_ms
                .saturating_add(self.state.settings.code_lifetime.as_millis() as u64),
            nonce: None,
            refresh_token: RefreshTokenRule::Always,
        };
        self.state.store().issue_code(issued)
    }
}

/// Adds `uri` to the redirect URIs of `personality`'s first client.
fn register(config: &mut MockConfig, personality: Personality, uri: &str) {
    if let Some(first) = personality.clients_mut(config).first_mut() {
        if !first.registers(uri) {
            first.redirect_uris.push(uri.to_string());
        }
    }
}
