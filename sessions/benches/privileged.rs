//! How much does a session cost? `cargo bench -p sessions` prints, in one
//! run, the requests per second of `GET /privileged` with a valid session
//! cookie and of a minimal warp route answering the same JSON, their ratio,
//! and the stage's resident memory under that load.
//!
//! Both servers run as child processes (the real `sessions` binary, offline,
//! and this bench re-run as a minimal server), so the load generator in this
//! process measures them the same way and `/proc` tells their memory apart.
//! Targets: a ratio of at least 0.8 (decrypting the cookie must not
//! dominate), and under 20 MB resident.

use bytes::Bytes;
use common::testing::processes::{
    bench_main, log_in_over_http, median, memory_kib, start_yardstick, ChildProcess,
};
use common::testing::{free_port, wait_until_listening};
use http_body_util::Full;
use hyper::Request;
use mock_discord::config::default_user_id;
use mock_discord::loadgen;
use std::net::SocketAddr;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

const CONNECTIONS: usize = 64;
/// Each server is measured in several short rounds, alternating, so that
/// a change in the machine's load hits both alike; the median is reported.
const ROUNDS: usize = 5;
const RUN_FOR: Duration = Duration::from_secs(2);
const CONGRATULATIONS: &str = "Congratulations, you are logged in using Discord!";

fn main() {
    bench_main(CONGRATULATIONS, compare);
}

/// Requests per second of GET /privileged with `cookie`, and the peak
/// resident memory (KiB) of `pid` while under that load.
async fn measure(port: u16, pid: u32, cookie: &str) -> (f64, u64) {
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let cookie = cookie.to_string();
    let make = move |_| {
        Request::get("/privileged")
            .header("host", "127.0.0.1")
            .header("cookie", cookie.as_str())
            .body(Full::new(Bytes::new()))
            .unwrap()
    };
    let running = Arc::new(AtomicBool::new(true));
    let peak = Arc::new(AtomicU64::new(0));
    let sampler = {
        let (running, peak) = (running.clone(), peak.clone());
        tokio::spawn(async move {
            while running.load(Ordering::Relaxed) {
                peak.fetch_max(memory_kib(pid).0, Ordering::Relaxed);
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        })
    };
    let rps = loadgen::requests_per_second(addr, CONNECTIONS, RUN_FOR, Arc::new(make)).await;
    running.store(false, Ordering::Relaxed);
    sampler.await.unwrap();
    (rps, peak.load(Ordering::Relaxed).max(memory_kib(pid).1))
}

async fn compare() {
    // The stage, offline (it starts its own mock), logging only warnings:
    // a log line per request would measure the terminal, not the session.
    let port = free_port();
    let stage = ChildProcess::spawn(
        Command::new(env!("CARGO_BIN_EXE_sessions"))
            .env_clear()
            .env("PORT", port.to_string())
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null()),
    );
    wait_until_listening(port).await;
    let cookie = log_in_over_http(
        &format!("http://127.0.0.1:{port}"),
        &default_user_id("nelly"),
    )
    .await;
    let (idle, _) = memory_kib(stage.pid());

    let (minimal, minimal_port) = start_yardstick().await;

    let (mut session_rps, mut minimal_rps, mut ratios) = (vec![], vec![], vec![]);
    let (mut session_peak, mut minimal_peak) = (0, 0);
    for _ in 0..ROUNDS {
        let (rps, peak) = measure(port, stage.pid(), &cookie).await;
        session_rps.push(rps);
        session_peak = session_peak.max(peak);
        let (baseline, peak) = measure(minimal_port, minimal.pid(), &cookie).await;
        minimal_rps.push(baseline);
        minimal_peak = minimal_peak.max(peak);
        ratios.push(rps / baseline);
    }
    let shown: Vec<String> = ratios.iter().map(|r| format!("{r:.2}")).collect();

    println!(
        "GET /privileged, {CONNECTIONS} connections, {ROUNDS} alternating rounds of {} s, load generator in this process, servers in their own:",
        RUN_FOR.as_secs()
    );
    println!(
        "  sessions stage (valid session cookie): {:>9.0} req/s (median), peak RSS {:>5.1} MB (idle {:.1} MB)",
        median(&session_rps),
        session_peak as f64 / 1024.0,
        idle as f64 / 1024.0
    );
    println!(
        "  minimal warp route (same answer):      {:>9.0} req/s (median), peak RSS {:>5.1} MB",
        median(&minimal_rps),
        minimal_peak as f64 / 1024.0
    );
    println!(
        "  ratio sessions / minimal:              {:>9.2} (median; rounds: {})",
        median(&ratios),
        shown.join(", ")
    );
}
