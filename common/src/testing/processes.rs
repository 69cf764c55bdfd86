//! Servers as their own processes, as users run them: for the tests that
//! start a stage's binary and for the benchmarks.

use crate::testing::{free_port, wait_until_listening};
use mock_discord::{submit_consent, Consent};
use std::future::Future;
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};

/// A child process, killed when dropped.
pub struct ChildProcess(pub Child);

impl Drop for ChildProcess {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl ChildProcess {
    pub fn spawn(command: &mut Command) -> ChildProcess {
        ChildProcess(
            command
                .spawn()
                .unwrap_or_else(|e| panic!("{command:?}: {e}")),
        )
    }

    pub fn pid(&self) -> u32 {
        self.0.id()
    }
}

/// Resident and peak resident memory of a process, in KiB.
pub fn memory_kib(pid: u32) -> (u64, u64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// CPU time a process has used so far, in seconds: (user, system).
/// Linux counts it in ticks of 10 ms; over a round of seconds under load
/// that is exact to a fraction of a percent.
pub fn cpu_seconds(pid: u32) -> (f64, f64) {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // The command name (field 2) may hold spaces: count from after it.
    let after_name = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let field = |n: usize| {
        after_name
            .split_whitespace()
            .nth(n)
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    // utime and stime: fields 14 and 15, the 12th and 13th after the name.
    (field(11) / 100.0, field(12) / 100.0)
}

/// The median of some measurements.
pub fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    sorted[sorted.len() / 2]
}

/// Logs in at the stage served at `base` as a browser does (`/login`, the
/// consent page as `user`, the callback with the transaction cookie) and
/// returns the session cookie as a `Cookie` header value: `name=value`.
pub async fn log_in_over_http(base: &str, user: &str) -> String {
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("an HTTP client");
    let first_cookie = |response: &reqwest::Response| {
        let set = response.headers()[http::header::SET_COOKIE]
            .to_str()
            .expect("a text cookie");
        set.split(';').next().unwrap_or_default().to_string()
    };
    let mut login = http
        .get(format!("{base}/login"))
        .send()
        .await
        .expect("GET /login");
    // Stage 3's /login is a page of providers; its Discord button leads to
    // /login/discord.
    if login.status() == reqwest::StatusCode::OK {
        login = http
            .get(format!("{base}/login/discord"))
            .send()
            .await
            .expect("GET /login/discord");
    }
    let transaction = first_cookie(&login);
    let authorize = login.headers()[http::header::LOCATION]
        .to_str()
        .expect("a Location")
        .to_string();
    let callback = submit_consent(&authorize, user, Consent::Authorize)
        .await
        .expect("the consent page");
    let auth = http
        .get(&callback)
        .header(http::header::COOKIE, transaction)
        .send()
        .await
        .expect("the callback");
    assert_eq!(auth.status(), 303, "the login failed");
    first_cookie(&auth)
}

/// What one run of wrk measured.
#[derive(Debug, Clone, Copy)]
pub struct WrkRun {
    pub requests_per_second: f64,
    /// Answers other than 2xx or 3xx: a benchmark of errors is no benchmark.
    pub failures: u64,
}

/// Loads `url` with wrk (Debian's `wrk`): `connections` keep-alive
/// connections over 2 threads for `seconds`. With one cookie, every
/// request carries it; with several, a small Lua script deals them out in
/// turn (and costs wrk some time per request, so compare like with like).
pub fn wrk(url: &str, cookies: &[String], connections: usize, seconds: u64) -> WrkRun {
    let mut command = Command::new("wrk");
    command.args(["-t2", &format!("-c{connections}"), &format!("-d{seconds}s")]);
    let script = std::env::temp_dir().join(format!("wrk-cookies-{}.lua", std::process::id()));
    match cookies {
        [] => {}
        [cookie] => {
            command.args(["-H", &format!("Cookie: {cookie}")]);
        }
        many => {
            let list: Vec<String> = many.iter().map(|c| format!("{c:?}")).collect();
            let lua = format!(
                "local cookies = {{{}}}\nlocal n = 0\n\
                 request = function()\n  n = n % #cookies + 1\n  \
                 return wrk.format(nil, nil, {{[\"Cookie\"] = cookies[n]}})\nend\n",
                list.join(", ")
            );
            std::fs::write(&script, lua).expect("a wrk script");
            command.args(["-s", &script.display().to_string()]);
        }
    }
    let output = command
        .arg(url)
        .output()
        .unwrap_or_else(|e| panic!("cannot run wrk: {e}. Install Debian's wrk (./bench.sh does)."));
    let _ = std::fs::remove_file(&script);
    let text = String::from_utf8_lossy(&output.stdout);
    let number_after = |label: &str| {
        text.lines()
            .find_map(|line| line.trim().strip_prefix(label))
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|n| n.parse::<f64>().ok())
    };
    WrkRun {
        requests_per_second: number_after("Requests/sec:")
            .unwrap_or_else(|| panic!("wrk printed no Requests/sec:\n{text}")),
        failures: number_after("Non-2xx or 3xx responses:").unwrap_or(0.0) as u64,
    }
}

/// The `main` of a benchmark that compares a stage with a minimal warp
/// route: started with `--minimal-server PORT` (by [`start_yardstick`]),
/// this executable serves that route, every `GET` answering `answer` as
/// JSON; started otherwise, it runs `bench`.
pub fn bench_main<F: Future<Output = ()>>(answer: &'static str, bench: impl FnOnce() -> F) {
    let args: Vec<String> = std::env::args().collect();
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    match args.iter().position(|a| a == "--minimal-server") {
        Some(i) => {
            let port: u16 = args[i + 1].parse().expect("a port");
            runtime.block_on(async move {
                use warp::Filter;
                // Any GET path: stage 1's control is measured on `/`.
                let route = warp::get().map(move || warp::reply::json(&answer));
                warp::serve(route)
                    .run(SocketAddr::from(([127, 0, 0, 1], port)))
                    .await;
            });
        }
        None => runtime.block_on(bench()),
    }
}

/// Starts the yardstick of [`bench_main`] as its own process: returns it,
/// and the port it listens on.
pub async fn start_yardstick() -> (ChildProcess, u16) {
    let port = free_port();
    let process = ChildProcess::spawn(
        Command::new(std::env::current_exe().expect("this benchmark"))
            .args(["--minimal-server", &port.to_string()])
            .stdout(Stdio::null()),
    );
    wait_until_listening(port).await;
    (process, port)
}
