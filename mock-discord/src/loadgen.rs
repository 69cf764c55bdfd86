//! A minimal closed-loop HTTP/1.1 load generator: `connections` keep-alive
//! connections, each sending its next request as soon as the last answer
//! is read, for a fixed time. hyper's bare connection API keeps the client's
//! own cost low, since it shares the machine with the server it measures.

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::Request;
use hyper_util::rt::TokioIo;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Builds the request number `n` (each request may differ, e.g. a fresh code).
pub type MakeRequest = Arc<dyn Fn(u64) -> Request<Full<Bytes>> + Send + Sync>;

/// Completed requests per second. Panics on any non-2xx answer, so that a
/// benchmark can never report the speed of failing.
pub async fn requests_per_second(
    addr: SocketAddr,
    connections: usize,
    duration: Duration,
    make: MakeRequest,
) -> f64 {
    let counter = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let tasks: Vec<_> = (0..connections)
        .map(|_| {
            let (make, counter) = (make.clone(), counter.clone());
            tokio::spawn(async move {
                let stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
                stream.set_nodelay(true).ok();
                let (mut sender, connection) =
                    hyper::client::conn::http1::handshake(TokioIo::new(stream))
                        .await
                        .expect("handshake");
                tokio::spawn(connection);
                let mut done = 0u64;
                while started.elapsed() < duration {
                    let n = counter.fetch_add(1, Ordering::Relaxed);
                    let response = sender.send_request(make(n)).await.expect("request");
                    let status = response.status();
                    let body = response.into_body().collect().await.expect("body");
                    assert!(status.is_success(), "{status}: {:?}", body.to_bytes());
                    done += 1;
                }
                done
            })
        })
        .collect();
    let mut total = 0;
    for task in tasks {
        total += task.await.expect("load task");
    }
    total as f64 / started.elapsed().as_secs_f64()
}
