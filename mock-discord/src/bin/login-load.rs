//! `login-load`: complete logins per second against a stage, or against
//! the mock alone.
//!
//! ```text
//! login-load http://127.0.0.1:5000 [--concurrency 64] [--logins 10000] [--seconds 30]
//! login-load --mock-only http://127.0.0.1:5001
//! ```
//!
//! Against a stage, each login is what a browser does: `GET /login`, then
//! every redirect followed, whatever its status (301, 302, 303, 307, 308),
//! with the cookies each answer sets kept and sent back by host and path:
//! to the provider's authorize URL (the mock must run with
//! `--auto-approve`, so it redirects at once), and back to the callback,
//! which must answer 2xx (stage 1's token JSON) or redirect with a cookie
//! (a session). It assumes nothing but that, so it measures any server of
//! the same contract (a FastAPI stage's 302s included) against the same
//! mock.
//!
//! `--mock-only` does the mock's share of a stage 2 login by itself
//! (authorize, the token exchange with PKCE, `/users/@me`): the mock's own
//! capacity, to show that neither it nor this generator is the limit.

use clap::Parser;
use mock_discord::cookie_jar::CookieJar;
use parking_lot::Mutex;
use reqwest::header::{COOKIE, LOCATION, SET_COOKIE};
use reqwest::{Client, Response, StatusCode};
use std::collections::BTreeMap;
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use url::Url;

#[derive(Parser, Debug)]
#[command(about = "Complete logins per second against a stage (or the mock alone)")]
struct Args {
    /// The stage's base URL (with --mock-only, the mock's).
    url: String,
    /// Logins in flight at once.
    #[arg(long, default_value_t = 64)]
    concurrency: u64,
    /// Stop after this many logins...
    #[arg(long, default_value_t = 10_000)]
    logins: u64,
    /// ...or after this many seconds, whichever comes first.
    #[arg(long, default_value_t = 60)]
    seconds: u64,
    /// Measure the mock alone: authorize, token, /api/v10/users/@me.
    #[arg(long)]
    mock_only: bool,
    /// Where a login starts (stage 3: `/login/discord`).
    #[arg(long, default_value = "/login")]
    login_path: String,
}

/// What went wrong with one login, by kind.
type Failure = String;

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    let http = Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(10))
        .pool_max_idle_per_host(args.concurrency as usize)
        .build()
        .expect("an HTTP client");
    let base = args.url.trim_end_matches('/').to_string();
    let started_count = Arc::new(AtomicU64::new(0));
    let latencies = Arc::new(Mutex::new(Vec::new()));
    let failures = Arc::new(Mutex::new(BTreeMap::<Failure, u64>::new()));
    let deadline = Instant::now() + Duration::from_secs(args.seconds);
    let started = Instant::now();
    let mut workers = Vec::new();
    for _ in 0..args.concurrency.max(1) {
        let (http, base, login_path) = (http.clone(), base.clone(), args.login_path.clone());
        let (count, latencies, failures) =
            (started_count.clone(), latencies.clone(), failures.clone());
        let (limit, mock_only) = (args.logins, args.mock_only);
        workers.push(tokio::spawn(async move {
            while count.fetch_add(1, Ordering::Relaxed) < limit && Instant::now() < deadline {
                let begun = Instant::now();
                let outcome = if mock_only {
                    mock_share(&http, &base).await
                } else {
                    login(&http, &base, &login_path).await
                };
                match outcome {
                    Ok(()) => latencies.lock().push(begun.elapsed()),
                    Err(kind) => *failures.lock().entry(kind).or_default() += 1,
                }
            }
        }));
    }
    for worker in workers {
        let _ = worker.await;
    }
    let elapsed = started.elapsed().as_secs_f64();
    let mut latencies = latencies.lock().clone();
    latencies.sort();
    let failures = failures.lock().clone();
    let done = latencies.len();
    let percentile = |p: f64| {
        latencies
            .get(((done as f64 * p) as usize).min(done.saturating_sub(1)))
            .map(|d| d.as_secs_f64() * 1000.0)
            .unwrap_or(0.0)
    };
    let what = if args.mock_only {
        "the mock's share of a login (authorize, token, /api/v10/users/@me)"
    } else {
        "logins"
    };
    println!(
        "{what} at {base}: {done} in {elapsed:.2} s at {} concurrent: {:.0}/s, p50 {:.1} ms, p99 {:.1} ms",
        args.concurrency,
        done as f64 / elapsed,
        percentile(0.50),
        percentile(0.99),
    );
    if failures.is_empty() {
        println!("  failures: none");
        ExitCode::SUCCESS
    } else {
        for (kind, count) in &failures {
            println!("  failures: {count} x {kind}");
        }
        ExitCode::FAILURE
    }
}

/// How many redirects one login may take before it counts as a loop.
const MAX_REDIRECTS: usize = 10;

/// One login as a browser does it: from the login path, each redirect
/// followed and the cookies kept, until the stage has answered the
/// callback (the request that carried `code`).
async fn login(http: &Client, stage: &str, login_path: &str) -> Result<(), Failure> {
    let mut jar = CookieJar::new();
    let mut url = Url::parse(&format!("{stage}{login_path}")).map_err(|_| "the login URL")?;
    for _ in 0..=MAX_REDIRECTS {
        let is_callback = url.query_pairs().any(|(name, _)| name == "code");
        let mut request = http.get(url.clone());
        if let Some(cookies) = jar.header_for(&url) {
            request = request.header(COOKIE, cookies);
        }
        let response = request.send().await.map_err(transport)?;
        jar.keep_all(&url, response.headers());
        let status = response.status();
        if is_callback {
            let session = status.is_redirection() && response.headers().contains_key(SET_COOKIE);
            return match status.is_success() || session {
                true => Ok(()),
                false => Err(format!("callback: {status}")),
            };
        }
        let redirected = matches!(status.as_u16(), 301 | 302 | 303 | 307 | 308);
        match location(&response).filter(|_| redirected) {
            Some(next) => url = url.join(&next).map_err(|_| "a Location that is no URL")?,
            None if status == StatusCode::OK => {
                return Err(format!(
                    "GET {}: a page, not a redirect (is the mock running with --auto-approve?)",
                    url.path()
                ))
            }
            None => return Err(format!("GET {}: {status}", url.path())),
        }
    }
    Err(format!("more than {MAX_REDIRECTS} redirects"))
}

/// RFC 7636 Appendix B's verifier and its S256 challenge.
const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

/// What the mock does for one stage 2 login, asked of it directly.
async fn mock_share(http: &Client, mock: &str) -> Result<(), Failure> {
    // No redirect_uri: the mock sends the code to the client's first one,
    // and the token request then needs none either (RFC 6749 §4.1.3).
    let authorize = format!(
        "{mock}/oauth2/authorize?response_type=code&client_id={}&scope=identify\
         &state=load&code_challenge={CHALLENGE}&code_challenge_method=S256",
        mock_discord::DEFAULT_CLIENT_ID,
    );
    let approved = get(http, &authorize, None).await?;
    expect(
        &approved,
        StatusCode::FOUND,
        "authorize (is the mock running with --auto-approve?)",
    )?;
    let callback = location(&approved).ok_or("authorize: no Location")?;
    let code = url::Url::parse(&callback)
        .ok()
        .and_then(|u| {
            u.query_pairs()
                .find(|(n, _)| n == "code")
                .map(|(_, v)| v.into_owned())
        })
        .ok_or("authorize: no code")?;
    let token = http
        .post(format!("{mock}/api/oauth2/token"))
        .basic_auth(
            mock_discord::DEFAULT_CLIENT_ID,
            Some(mock_discord::DEFAULT_CLIENT_SECRET),
        )
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("code_verifier", VERIFIER),
        ])
        .send()
        .await
        .map_err(transport)?;
    expect(&token, StatusCode::OK, "token")?;
    let body: serde_json::Value = token.json().await.map_err(|_| "token: not JSON")?;
    let access = body["access_token"]
        .as_str()
        .ok_or("token: no access_token")?;
    let me = http
        .get(format!("{mock}/api/v10/users/@me"))
        .bearer_auth(access)
        .send()
        .await
        .map_err(transport)?;
    expect(&me, StatusCode::OK, "users/@me")
}

async fn get(http: &Client, url: &str, cookie: Option<&str>) -> Result<Response, Failure> {
    let mut request = http.get(url);
    if let Some(cookie) = cookie {
        request = request.header(COOKIE, cookie);
    }
    request.send().await.map_err(transport)
}

fn expect(response: &Response, status: StatusCode, step: &str) -> Result<(), Failure> {
    if response.status() == status {
        Ok(())
    } else {
        Err(format!("{step}: {}", response.status()))
    }
}

fn transport(error: reqwest::Error) -> Failure {
    if error.is_timeout() {
        "transport: timeout".into()
    } else if error.is_connect() {
        "transport: cannot connect".into()
    } else {
        "transport: other".into()
    }
}

fn location(response: &Response) -> Option<String> {
    Some(response.headers().get(LOCATION)?.to_str().ok()?.to_string())
}
