//! Offline mode: with no Discord credentials, the stage starts the mock
//! Discord inside its own process, so that `cargo run -p basic` works on a
//! fresh machine with no account and no network. Tests build their apps
//! against a mock the same way.

use crate::app::App;
use crate::clock::{Clock, TimeSource};
use crate::cookie_keys::{CookieKeys, CookiePolicy};
use crate::flow_report::{self, Drawn, FlowObserver, FlowReport};
use crate::provider::Provider;
use crate::upstream::Upstream;
use mock_discord::{AppNote, Explanation, MockDiscord, MockHandle, StartError};
use secrecy::SecretString;
use std::net::SocketAddr;
use std::sync::Arc;

/// Where the embedded mock listens when that port is free.
pub const MOCK_PORT: u16 = 5001;

/// Starts the mock on 127.0.0.1:5001 (or any free port if that one is
/// taken), with the stage's callback URLs registered: Discord's, and for
/// stage 3, Google's.
///
/// The mock runs on a runtime of its own, on a thread of its own, rather
/// than on the stage's workers. The mock serves anyone who reaches
/// 127.0.0.1:5001, so a request that makes it work hard (or a bug that
/// blocks it) would otherwise stall the stage's workers too, and take the
/// stage down with it. On its own thread it can stall only itself, and
/// the stage keeps answering: one more thread is the whole cost.
pub async fn start_mock(
    redirect_uris: &[String],
    google_redirect_uris: &[String],
) -> Result<MockHandle, StartError> {
    let mut builder = MockDiscord::builder();
    for uri in redirect_uris {
        builder = builder.redirect_uri(uri.clone());
    }
    for uri in google_redirect_uris {
        builder = builder.google_redirect_uri(uri.clone());
    }
    let preferred = SocketAddr::from(([127, 0, 0, 1], MOCK_PORT));
    let any = SocketAddr::from(([127, 0, 0, 1], 0));
    let listener = std::net::TcpListener::bind(preferred)
        .or_else(|_| std::net::TcpListener::bind(any))
        .and_then(|listener| listener.set_nonblocking(true).map(|()| listener))
        .map_err(|source| StartError::Bind { addr: any, source })?;
    let (started, handle) = tokio::sync::oneshot::channel();
    let runs = std::thread::Builder::new()
        .name("mock-discord".into())
        .spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build();
            let runtime = match runtime {
                Ok(runtime) => runtime,
                Err(source) => {
                    let _ = started.send(Err(StartError::Bind { addr: any, source }));
                    return;
                }
            };
            runtime.block_on(async move {
                let spawned = tokio::net::TcpListener::from_std(listener)
                    .map_err(|source| StartError::Bind { addr: any, source })
                    .and_then(|listener| builder.spawn_on(listener));
                let serving = spawned.is_ok();
                let _ = started.send(spawned);
                if serving {
                    // Serve for as long as the stage's process lives.
                    std::future::pending::<()>().await;
                }
            });
        });
    if let Err(source) = runs {
        return Err(StartError::Bind { addr: any, source });
    }
    handle.await.unwrap_or_else(|_| {
        Err(StartError::Bind {
            addr: any,
            source: std::io::Error::other("the mock's thread ended before it started"),
        })
    })
}

/// The id of one of the embedded mock's users (`"ada.lovelace"`), for what
/// offline mode gives them (stage 3: their starting permissions).
pub fn mock_user_id(username: &str) -> Option<String> {
    mock_discord::MockConfig::default()
        .user_named(username)
        .map(|user| user.id.clone())
}

/// Plays a browser on the embedded mock's consent page (Discord's, or
/// Google's chooser) as `username` (a Discord username or a Google
/// e-mail), clicking Authorize: the URL the mock sends the
/// browser back to, not followed. The attack labs' attacker and victim
/// log in this way.
pub async fn consent_as(authorize_url: &str, username: &str) -> Result<String, String> {
    let user = mock_user_id(username)
        .or_else(|| {
            let google = mock_discord::MockConfig::default().google_users;
            google
                .into_iter()
                .find(|user| user.email == username)
                .map(|user| user.sub)
        })
        .ok_or_else(|| format!("the mock has no user {username}"))?;
    mock_discord::submit_consent(authorize_url, &user, mock_discord::Consent::Authorize)
        .await
        .map_err(|e| format!("the consent page failed: {e}"))
}

/// The mock's clock is a source of time for the stage.
impl TimeSource for mock_discord::clock::Clock {
    fn now_secs(&self) -> u64 {
        mock_discord::clock::Clock::now_secs(self)
    }
}

/// A stage clock that reads `mock`'s clock.
pub fn clock_of(mock: &MockHandle) -> Clock {
    Clock::from_source(mock.clock())
}

impl Provider {
    /// Discord's endpoints on a running mock, with the mock's registered
    /// client: what offline mode and the tests log in against.
    pub fn for_mock(mock: &MockHandle) -> Provider {
        let client = mock.client();
        let base = url::Url::parse(mock.base_url()).expect("the mock's base URL is a URL");
        Provider::discord(
            &base,
            client.client_id,
            SecretString::from(client.client_secret),
        )
    }
}

impl App {
    /// An app that logs in against a running mock, sharing its clock: what
    /// tests use.
    pub fn for_mock(mock: &MockHandle, redirect_uri: &str) -> App {
        let mut app = App::new(
            Provider::for_mock(mock),
            redirect_uri,
            CookieKeys::random().expect("randomness"),
            CookiePolicy { secure: false },
            Upstream::new().expect("an HTTP client"),
        )
        .expect("a valid redirect URI");
        app.watched_by(mock);
        app
    }

    /// Offline, the stage and the mock share one clock (moving the mock's
    /// clock with `POST /__mock/clock` expires tokens for both at once),
    /// and the stage's decisions are drawn on the mock's live inspector.
    pub fn watched_by(&mut self, mock: &MockHandle) {
        self.clock = clock_of(mock);
        self.report = FlowReport::to(Arc::new(mock.notes()));
    }
}

/// The mock's inspector hears the stage's decisions as plain notes: the
/// mock itself knows nothing of the stages.
impl FlowObserver for mock_discord::AppNotes {
    fn observe(&self, decision: Drawn) {
        let party = |party| match party {
            flow_report::Party::Browser => mock_discord::Party::Browser,
            flow_report::Party::App => mock_discord::Party::App,
        };
        self.note(AppNote {
            from: party(decision.from),
            to: party(decision.to),
            label: decision.label,
            ok: decision.ok,
            details: decision.details,
            explanation: Explanation {
                what: decision.what,
                rfc: decision.rfc,
                attack: decision.attack,
            },
            opens_login: decision.opens_login,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::start_mock;
    use std::io::{Read, Write};
    use std::time::Duration;

    /// The stage's runtime here has one thread, and the test blocks it:
    /// were the mock on that runtime, it could not answer, and the read
    /// would time out.
    #[tokio::test(flavor = "current_thread")]
    async fn the_mock_answers_while_the_stages_runtime_is_blocked() {
        let mock = start_mock(&[], &[]).await.expect("the mock starts");
        let mut stream = std::net::TcpStream::connect(mock.addr()).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        stream
            .write_all(
                b"GET /.well-known/oauth-authorization-server HTTP/1.1\r\n\
                  Host: 127.0.0.1\r\nConnection: close\r\n\r\n",
            )
            .unwrap();
        let mut answer = String::new();
        let read = stream.read_to_string(&mut answer);
        assert!(
            read.is_ok() && answer.starts_with("HTTP/1.1 200"),
            "{read:?}: {answer}"
        );
    }
}
