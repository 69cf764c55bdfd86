//! Starting and stopping a stage: logging, the listening socket, graceful
//! shutdown on Ctrl-C.

use std::net::SocketAddr;
use warp::Filter;

/// `tracing` output to stderr, filtered by `RUST_LOG` (default `info`).
/// Nothing this project logs contains a token, code, verifier or secret.
pub fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    // A second call (in tests) keeps the first subscriber.
    let _ = tracing_subscriber::fmt().with_env_filter(filter).try_init();
}

/// One log line per request: method, path, status and time. The query
/// string is left out on purpose: on `/auth` it holds the code and state.
pub fn request_log() -> warp::log::Log<impl Fn(warp::log::Info<'_>) + Copy> {
    warp::log::custom(|info| {
        tracing::info!(
            method = %info.method(),
            path = info.path(),
            status = info.status().as_u16(),
            elapsed_us = info.elapsed().as_micros() as u64,
            "request"
        );
    })
}

#[derive(Debug, thiserror::Error)]
#[error("cannot listen on {addr}: {source}. Is another stage still running? Set PORT to use another port.")]
pub struct BindError {
    pub addr: SocketAddr,
    pub source: std::io::Error,
}

/// Binds `addr` (an error, not a panic, if it is taken), then serves
/// `routes` until Ctrl-C (or SIGTERM); requests in flight may finish.
pub async fn serve<F>(routes: F, addr: SocketAddr) -> Result<(), BindError>
where
    F: Filter + Clone + Send + Sync + 'static,
    F::Extract: warp::Reply,
{
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|source| BindError { addr, source })?;
    warp::serve(routes)
        .incoming(listener)
        .graceful(async {
            shutdown_signal().await;
            tracing::info!("stopping: finishing requests in flight");
        })
        .run()
        .await;
    Ok(())
}

/// Ctrl-C, or SIGTERM (what `kill` and service managers send).
async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        if let Ok(mut terminate) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = terminate.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}
