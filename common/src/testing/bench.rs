//! Comparing servers under load, as users run them: each server its own
//! process, loaded in turn by wrk from outside, in alternating rounds (so
//! that a change in the machine's load hits all alike), with the median
//! of each and its ratio to a yardstick: a minimal warp route.

use crate::testing::processes::{
    cpu_seconds, log_in_over_http, median, memory_kib, start_yardstick, wrk, ChildProcess,
};
use crate::testing::{free_port, wait_until_listening};
use std::process::{Command, Stdio};
use std::time::Duration;

/// The defaults of every comparison: wrk's connections, rounds per server
/// and seconds per round.
pub const CONNECTIONS: usize = 64;
pub const ROUNDS: usize = 5;
pub const SECONDS: u64 = 3;

/// A stage's binary on `port`, with `env` on top of an empty environment
/// (so that no variable of the caller's changes what is measured; a
/// `.env` file in the checkout still would), its output discarded.
fn stage_command(binary: &str, port: u16, env: &[(&str, &str)]) -> Command {
    let mut command = Command::new(binary);
    command
        .env_clear()
        .env("PORT", port.to_string())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    for (name, value) in env {
        command.env(name, value);
    }
    command
}

/// One server under test.
pub struct Contender {
    pub name: String,
    pub process: ChildProcess,
    /// What wrk requests.
    pub url: String,
    /// The `Cookie` values wrk may send (`name=value`).
    pub cookies: Vec<String>,
    idle_kib: u64,
}

impl Contender {
    /// Starts `command` (a stage's binary) listening on a fresh port, with
    /// `env` on top of an empty environment, and loads `path` on it.
    pub async fn stage(name: &str, binary: &str, env: &[(&str, &str)], path: &str) -> Contender {
        let port = free_port();
        let process = ChildProcess::spawn(&mut stage_command(binary, port, env));
        wait_until_listening(port).await;
        Contender {
            name: name.to_string(),
            idle_kib: memory_kib(process.pid()).0,
            process,
            url: format!("http://127.0.0.1:{port}{path}"),
            cookies: Vec::new(),
        }
    }

    /// The yardstick of [`crate::testing::processes::bench_main`], sent
    /// the same `Cookie` headers as `stage` (which it ignores): the two
    /// read the same bytes per request.
    pub async fn yardstick(stage: &Contender) -> Contender {
        let (process, port) = start_yardstick().await;
        Contender {
            name: "minimal warp route (same answer)".into(),
            idle_kib: memory_kib(process.pid()).0,
            process,
            url: format!("http://127.0.0.1:{port}/privileged"),
            cookies: stage.cookies.clone(),
        }
    }

    /// Logs in `sessions` times as `user`, as from that many browsers.
    pub async fn log_in(&mut self, user: &str, sessions: usize) {
        let base = self.url.split('/').take(3).collect::<Vec<_>>().join("/");
        for _ in 0..sessions {
            self.cookies.push(log_in_over_http(&base, user).await);
            // The embedded mock allows 50 token requests a second, as Discord.
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }
}

/// Runs `rounds` rounds of wrk over every contender in turn, each request
/// with one of the first `cookies` cookies, and prints the medians and
/// the ratios to the first contender, the yardstick.
pub fn compare(title: &str, contenders: &[Contender], cookies: usize, rounds: usize) {
    let mut results: Vec<Vec<f64>> = vec![Vec::new(); contenders.len()];
    // Per contender and round: the server's CPU microseconds per request,
    // (user, system). Where a ratio comes from: the kernel's share is the
    // same for any server of this size of answer; the user share is its
    // own work.
    let mut costs: Vec<Vec<(f64, f64)>> = vec![Vec::new(); contenders.len()];
    for _ in 0..rounds {
        for ((contender, result), cost) in contenders.iter().zip(&mut results).zip(&mut costs) {
            let before = cpu_seconds(contender.process.pid());
            let run = wrk(
                &contender.url,
                &contender.cookies[..cookies.min(contender.cookies.len())],
                CONNECTIONS,
                SECONDS,
            );
            assert_eq!(
                run.failures, 0,
                "{}: answers other than 2xx and 3xx",
                contender.name
            );
            let after = cpu_seconds(contender.process.pid());
            let requests = run.requests_per_second * SECONDS as f64;
            cost.push((
                (after.0 - before.0) * 1e6 / requests,
                (after.1 - before.1) * 1e6 / requests,
            ));
            result.push(run.requests_per_second);
        }
    }
    println!("  {title}:");
    let yardstick = median(&results[0]);
    for (contender, result) in contenders.iter().zip(&results) {
        let ratios: Vec<String> = result
            .iter()
            .zip(&results[0])
            .map(|(r, y)| format!("{:.2}", r / y))
            .collect();
        println!(
            "    {:<40} {:>8.0} req/s (median), ratio {:.2} (rounds {})",
            contender.name,
            median(result),
            median(result) / yardstick,
            ratios.join(" "),
        );
    }
    println!("  the server's CPU per request (median of the rounds):");
    for (contender, cost) in contenders.iter().zip(&costs) {
        let user: Vec<f64> = cost.iter().map(|c| c.0).collect();
        let system: Vec<f64> = cost.iter().map(|c| c.1).collect();
        println!(
            "    {:<40} user {:>5.1} µs, system {:>5.1} µs",
            contender.name,
            median(&user),
            median(&system),
        );
    }
}

/// Resident memory of every contender: when it started, and at its peak.
pub fn print_memory(contenders: &[Contender]) {
    println!("  memory:");
    for contender in contenders {
        let (_, peak) = memory_kib(contender.process.pid());
        println!(
            "    {:<40} RSS idle {:.1} MB, peak {:.1} MB",
            contender.name,
            contender.idle_kib as f64 / 1024.0,
            peak as f64 / 1024.0,
        );
    }
}

/// How long `binary`, started on an empty environment plus `env`, takes
/// from its start to its first answer to `GET /` (best of `tries`: the
/// first start also pays for loading the binary from disk).
fn time_to_first_answer(binary: &str, env: &[(&str, &str)], tries: usize) -> Duration {
    use std::io::{Read, Write};
    let mut best = Duration::MAX;
    for _ in 0..tries {
        let port = free_port();
        let mut command = stage_command(binary, port, env);
        let started = std::time::Instant::now();
        let _process = ChildProcess::spawn(&mut command);
        let answered = loop {
            let attempt = std::net::TcpStream::connect(("127.0.0.1", port)).and_then(|mut s| {
                s.write_all(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")?;
                let mut first = [0u8; 12];
                s.read_exact(&mut first)?;
                Ok(first.starts_with(b"HTTP/1.1 200"))
            });
            if matches!(attempt, Ok(true)) {
                break started.elapsed();
            }
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "{binary} never answered"
            );
            std::thread::sleep(Duration::from_millis(1));
        };
        best = best.min(answered);
    }
    best
}

/// Prints how long `binary`, offline at its defaults, takes from its start
/// to its first answer (best of 5).
pub fn print_start_up(binary: &str) {
    let start_up = time_to_first_answer(binary, &[], 5);
    println!(
        "  from start to the first answered request, offline (the embedded mock included): {:.1} ms (best of 5)",
        start_up.as_secs_f64() * 1000.0
    );
}

/// The heading of a comparison's output.
pub fn print_heading(what: &str) {
    println!(
        "{what}, wrk -t2 -c{CONNECTIONS}, {ROUNDS} alternating rounds of {SECONDS} s; \
         each server its own process:"
    );
}
