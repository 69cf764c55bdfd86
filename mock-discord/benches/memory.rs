//! Does the mock stay small under abuse? `cargo bench -p mock-discord
//! --bench memory` runs 100,000 logins, each followed by a refresh, against
//! the `mock-discord` binary as its own process, and prints its resident
//! memory as it goes (it should stay flat once the tables are full), then
//! the latency of revocation with the mock at its fullest. Between
//! checkpoints of 10,000 logins it moves the mock's clock 11 minutes, so
//! that codes expire as they would over a day of real logins.
//!
//! What keeps it flat: expired codes and redeemed codes past their replay
//! memory are swept, a user holds at most 100 grants per client (Google's
//! rule), a grant remembers at most 8 rotated-away refresh tokens, and at
//! most 10,000 browsers' approvals are remembered.

use reqwest::header::LOCATION;
use reqwest::Client;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

const LOGINS: u64 = 100_000;
const CONCURRENCY: u64 = 16;
const REVOCATIONS: usize = 2_000;
/// Longer than a code's life plus its replay memory (100 s + 10 min).
const CLOCK_STEP: Duration = Duration::from_secs(11 * 60);
const REDIRECT: &str = "http://127.0.0.1:5000/auth";
const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

struct Mock {
    child: Child,
    base: String,
}

impl Drop for Mock {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_mock() -> Mock {
    start_mock_with(&["--auto-approve", "nelly"])
}

fn start_mock_with(args: &[&str]) -> Mock {
    let mut child = Command::new(env!("CARGO_BIN_EXE_mock-discord"))
        .args(["--port", "0"])
        .args(args)
        .args(["--rate-limit", "1000000000"])
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("the mock-discord binary starts");
    let mut stdout = BufReader::new(child.stdout.take().expect("its stdout"));
    let mut first = String::new();
    stdout
        .read_line(&mut first)
        .expect("it says where it listens");
    // Keep reading, or its next line would find the pipe closed.
    std::thread::spawn(move || std::io::copy(&mut stdout, &mut std::io::sink()));
    let base = first
        .trim()
        .rsplit(' ')
        .next()
        .expect("a URL at the end of the line")
        .to_string();
    Mock { child, base }
}

/// Requests as big as a URL may be, by the thousand: each authorize
/// request carries the longest state the mock keeps (1 KB) and a 58 KB
/// parameter besides, and leaves a consent page waiting. The journal and
/// the inspector keep each value cut to 200 characters, at most 1,000
/// consent pages wait, and a longer state is refused: the memory stays
/// flat instead of growing by 60 KB a request.
async fn big_values() {
    const ROUNDS: usize = 3;
    const PER_ROUND: usize = 2_000;
    let mock = start_mock_with(&[]);
    let pid = mock.child.id();
    let mut url = reqwest::Url::parse(&authorize_url(&mock.base)).unwrap();
    let state = "s".repeat(1024);
    let padding = "p".repeat(58 * 1024);
    let query: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(name, _)| name != "state")
        .map(|(n, v)| (n.into_owned(), v.into_owned()))
        .chain([("state".into(), state), ("padding".into(), padding)])
        .collect();
    url.query_pairs_mut().clear().extend_pairs(query);
    let url: Arc<str> = url.to_string().into();
    let http = Client::new();
    for _ in 0..50 {
        let page = http.get(&*url).send().await.expect("authorize answers");
        assert!(page.status().is_success(), "{}", page.status());
    }
    println!("mock-discord memory: {ROUNDS} rounds of {PER_ROUND} authorize requests of 60 KB each ({CONCURRENCY} at a time)");
    println!("  {:>8}  {:>9}", "requests", "RSS KiB");
    println!("  {:>8}  {:>9}", 0, rss_kib(pid));
    for round in 1..=ROUNDS {
        let sent = Arc::new(AtomicU64::new(0));
        let workers: Vec<_> = (0..CONCURRENCY)
            .map(|_| {
                let (http, url, sent) = (http.clone(), url.clone(), sent.clone());
                tokio::spawn(async move {
                    while sent.fetch_add(1, Ordering::Relaxed) < PER_ROUND as u64 {
                        let page = http.get(&*url).send().await.expect("authorize answers");
                        assert!(page.status().is_success(), "{}", page.status());
                        page.bytes().await.expect("the consent page");
                    }
                })
            })
            .collect();
        for worker in workers {
            worker.await.expect("no worker panics");
        }
        println!("  {:>8}  {:>9}", round * PER_ROUND, rss_kib(pid));
    }
}

/// Resident memory of a process, in KiB.
fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_default()
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

fn authorize_url(base: &str) -> String {
    let mut url = reqwest::Url::parse(&format!("{base}/oauth2/authorize")).unwrap();
    url.query_pairs_mut().extend_pairs([
        ("response_type", "code"),
        ("client_id", "mock-client-id"),
        ("scope", "identify"),
        ("state", "bench"),
        ("redirect_uri", REDIRECT),
        ("code_challenge", CHALLENGE),
        ("code_challenge_method", "S256"),
    ]);
    url.to_string()
}

async fn token(
    http: &Client,
    base: &str,
    form: &[(&str, &str)],
) -> Result<serde_json::Value, serde_json::Value> {
    let response = http
        .post(format!("{base}/api/oauth2/token"))
        .basic_auth("mock-client-id", Some("mock-client-secret"))
        .form(form)
        .send()
        .await
        .expect("the token endpoint answers");
    let status = response.status();
    let body: serde_json::Value = response.json().await.expect("token JSON");
    if status.is_success() {
        Ok(body)
    } else {
        Err(body)
    }
}

/// One login (authorize, code exchange) and one refresh; returns the
/// refresh token the refresh handed out, or `None` when the grant was gone
/// by the time of the refresh.
///
/// Every login is Nelly's, so her 100-grant cap is reached at once. A
/// login whose refresh is slower than 100 others' exchanges finds its grant
/// evicted, the oldest; those are counted, not hidden.
async fn login_and_refresh(http: &Client, base: &str, authorize: &str) -> Option<String> {
    let redirect = http.get(authorize).send().await.expect("authorize answers");
    let location = redirect.headers()[LOCATION].to_str().unwrap().to_string();
    let code = reqwest::Url::parse(&location)
        .unwrap()
        .query_pairs()
        .find(|(n, _)| n == "code")
        .map(|(_, v)| v.into_owned())
        .expect("a code");
    let tokens = token(
        http,
        base,
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", REDIRECT),
            ("code_verifier", VERIFIER),
        ],
    )
    .await
    .expect("a fresh code is redeemed");
    let refreshed = token(
        http,
        base,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", tokens["refresh_token"].as_str().unwrap()),
        ],
    )
    .await;
    match refreshed {
        Ok(refreshed) => Some(refreshed["refresh_token"].as_str().unwrap().to_string()),
        Err(body) if body["error"] == "invalid_grant" => None,
        Err(body) => panic!("the refresh failed: {body}"),
    }
}

#[tokio::main]
async fn main() {
    big_values().await;
    let mock = start_mock();
    let pid = mock.child.id();
    let base: Arc<str> = mock.base.clone().into();
    let authorize: Arc<str> = authorize_url(&base).into();
    let http = Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .pool_max_idle_per_host(CONCURRENCY as usize)
        .build()
        .unwrap();

    println!("mock-discord memory: {LOGINS} logins, each with a refresh, {CONCURRENCY} at a time");
    println!("  {:>8}  {:>9}  {:>8}", "logins", "RSS KiB", "seconds");
    println!("  {:>8}  {:>9}  {:>8}", 0, rss_kib(pid), "-");
    let started = Instant::now();
    let done = Arc::new(AtomicU64::new(0));
    let evicted = Arc::new(AtomicU64::new(0));
    let mut checkpoint = 10_000;
    while checkpoint <= LOGINS {
        let workers: Vec<_> = (0..CONCURRENCY)
            .map(|_| {
                let (http, base, authorize, done, evicted) = (
                    http.clone(),
                    base.clone(),
                    authorize.clone(),
                    done.clone(),
                    evicted.clone(),
                );
                tokio::spawn(async move {
                    while done.fetch_add(1, Ordering::Relaxed) < checkpoint {
                        if login_and_refresh(&http, &base, &authorize).await.is_none() {
                            evicted.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                })
            })
            .collect();
        for worker in workers {
            worker.await.expect("no worker panics");
        }
        done.store(checkpoint, Ordering::Relaxed);
        // Time passes between checkpoints, as it would over a day of real
        // logins: codes expire, and redeemed codes leave replay memory.
        let moved = http
            .post(format!("{base}/__mock/clock"))
            .json(&serde_json::json!({ "seconds": CLOCK_STEP.as_secs() }))
            .send()
            .await
            .expect("the clock moves");
        assert!(moved.status().is_success());
        println!(
            "  {checkpoint:>8}  {:>9}  {:>8.1}",
            rss_kib(pid),
            started.elapsed().as_secs_f64()
        );
        checkpoint += 10_000;
    }

    println!(
        "  refreshes that found their grant evicted by the 100-grant cap: {}",
        evicted.load(Ordering::Relaxed)
    );

    // Revocation with the mock at its fullest: each revokes a fresh grant.
    let mut latencies = Vec::with_capacity(REVOCATIONS);
    for _ in 0..REVOCATIONS {
        let refresh = login_and_refresh(&http, &base, &authorize)
            .await
            .expect("one login at a time is never evicted");
        let started = Instant::now();
        let response = http
            .post(format!("{base}/api/oauth2/token/revoke"))
            .basic_auth("mock-client-id", Some("mock-client-secret"))
            .form(&[("token", refresh.as_str())])
            .send()
            .await
            .expect("revocation answers");
        latencies.push(started.elapsed());
        assert!(response.status().is_success());
    }
    latencies.sort();
    let at = |q: f64| latencies[((latencies.len() - 1) as f64 * q) as usize];
    println!(
        "  revocation ({REVOCATIONS}, one at a time): median {:?}, p99 {:?}, max {:?}",
        at(0.5),
        at(0.99),
        latencies.last().copied().unwrap_or(Duration::ZERO)
    );
}
