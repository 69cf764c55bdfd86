//! Starting and stopping a stage: logging, the listening socket, graceful
//! shutdown on Ctrl-C.

use crate::log_buffer::{LogBuffer, LogWriterThread};
use std::io::IsTerminal;
use std::net::SocketAddr;
use std::time::Duration;
use warp::Filter;

/// Logging, while it lasts: dropping it writes out what is buffered and
/// says how many lines were lost.
pub struct Logging {
    buffer: LogBuffer,
    /// Dropped before the count is read, so that it is the final one.
    writer: Option<LogWriterThread>,
}

impl Drop for Logging {
    fn drop(&mut self) {
        self.writer.take();
        let dropped = self.buffer.dropped_lines();
        if dropped > 0 {
            eprintln!("{dropped} log lines were dropped: the log could not keep up with the load");
        }
    }
}

/// `tracing` output to stderr, filtered by `RUST_LOG` (default `info`).
/// Nothing this project logs contains a token, code, verifier or secret.
///
/// A request does not wait for its log line: lines go to a buffer that a
/// background thread writes out ([`crate::log_buffer`]), within 10 ms,
/// many lines per write. If the buffer is full (more lines than stderr
/// takes), a line is dropped rather than the request slowed, and the
/// drops are counted and reported. Colours only on a terminal.
pub fn init_logging() -> Logging {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let (buffer, writer) = LogBuffer::new(std::io::stderr());
    // A second call (in tests) keeps the first subscriber.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::stderr().is_terminal())
        .with_writer(buffer.clone())
        .try_init();
    Logging {
        buffer,
        writer: Some(writer),
    }
}

impl Logging {
    /// Every ten seconds, says how many log lines were dropped since the
    /// last time, if any were.
    pub fn report_drops(&self) {
        let buffer = self.buffer.clone();
        tokio::spawn(async move {
            let mut reported = 0;
            loop {
                tokio::time::sleep(Duration::from_secs(10)).await;
                let dropped = buffer.dropped_lines();
                if dropped > reported {
                    tracing::warn!(dropped = dropped - reported, "log lines dropped under load");
                    reported = dropped;
                }
            }
        });
    }
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
