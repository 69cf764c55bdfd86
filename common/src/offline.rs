//! Offline mode: with no Discord credentials, the stage starts the mock
//! Discord inside its own process, so that `cargo run -p basic` works on a
//! fresh machine with no account and no network.

use mock_discord::{MockDiscord, MockHandle, StartError};
use std::net::SocketAddr;

/// Where the embedded mock listens when that port is free.
pub const MOCK_PORT: u16 = 5001;

/// Starts the mock on 127.0.0.1:5001 (or any free port if that one is
/// taken), with the stage's callback URLs registered.
pub async fn start_mock(redirect_uris: &[String]) -> Result<MockHandle, StartError> {
    let mut builder = MockDiscord::builder();
    for uri in redirect_uris {
        builder = builder.redirect_uri(uri.clone());
    }
    let preferred = SocketAddr::from(([127, 0, 0, 1], MOCK_PORT));
    let listener = match tokio::net::TcpListener::bind(preferred).await {
        Ok(listener) => listener,
        Err(_) => {
            let any = SocketAddr::from(([127, 0, 0, 1], 0));
            tokio::net::TcpListener::bind(any)
                .await
                .map_err(|source| StartError::Bind { addr: any, source })?
        }
    };
    builder.spawn_on(listener)
}
