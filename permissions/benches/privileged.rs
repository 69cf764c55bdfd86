//! `./bench.sh permissions` (or `cargo bench -p permissions` with wrk
//! installed and PERMISSIONS_TEST_POSTGRES set): `GET /privileged` with a
//! session, that is a session lookup and a permission check in the
//! database, on SQLite and on PostgreSQL, against a minimal warp route.
//!
//! Each server is its own process at its default settings (the stage
//! offline, logging at `info`), loaded by wrk from outside, in alternating
//! rounds; the medians and their ratios are printed, with memory. Two
//! series: every request with one session cookie, then 64 sessions dealt
//! out in turn (a Lua script in wrk, used for the yardstick too).

use common::testing::processes::{
    bench_main, log_in_over_http, median, memory_kib, start_yardstick, wrk, ChildProcess,
};
use common::testing::{free_port, wait_until_listening};
use mock_discord::config::default_user_id;
use permissions::db::Db;
use permissions::users;
use std::process::{Command, Stdio};

const CONNECTIONS: usize = 64;
const SESSIONS: usize = 64;
const ROUNDS: usize = 5;
const SECONDS: u64 = 3;
const ANSWER: &str = "You are truly privileged!";
const POSTGRES_VARIABLE: &str = "PERMISSIONS_TEST_POSTGRES";

fn main() {
    bench_main(ANSWER, compare);
}

/// One server under test: its process, where it listens, its cookie.
struct Contender {
    name: &'static str,
    process: ChildProcess,
    url: String,
    /// `SESSIONS` session cookies, `name=value`.
    cookies: Vec<String>,
    database_url: Option<String>,
    idle_kib: u64,
    /// Requests per second in each round, one session and many.
    rounds: [Vec<f64>; 2],
}

async fn stage(name: &'static str, database_url: String) -> Contender {
    let port = free_port();
    let process = ChildProcess::spawn(
        Command::new(env!("CARGO_BIN_EXE_permissions"))
            .env_clear()
            .env("PORT", port.to_string())
            .env("DATABASE_URL", &database_url)
            .stdout(Stdio::null())
            .stderr(Stdio::null()),
    );
    wait_until_listening(port).await;
    let base = format!("http://127.0.0.1:{port}");
    // Offline, Ada starts with `privileged`. One login per session, as
    // from that many browsers.
    let mut cookies = Vec::new();
    for _ in 0..SESSIONS {
        cookies.push(log_in_over_http(&base, &default_user_id("ada.lovelace")).await);
        // The embedded mock allows 50 token requests a second, as Discord.
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    let idle_kib = memory_kib(process.pid()).0;
    Contender {
        name,
        process,
        url: format!("{base}/privileged"),
        cookies,
        database_url: Some(database_url),
        idle_kib,
        rounds: [Vec::new(), Vec::new()],
    }
}

async fn minimal() -> Contender {
    let (process, port) = start_yardstick().await;
    Contender {
        name: "minimal warp route (same answer)",
        idle_kib: memory_kib(process.pid()).0,
        process,
        url: format!("http://127.0.0.1:{port}/privileged"),
        // Cookies of the same size, which the route ignores.
        cookies: (0..SESSIONS).map(|n| format!("session={n:0>43}")).collect(),
        database_url: None,
        rounds: [Vec::new(), Vec::new()],
    }
}

async fn postgres_database() -> String {
    let server = std::env::var(POSTGRES_VARIABLE).unwrap_or_else(|_| {
        panic!(
            "set {POSTGRES_VARIABLE} to a PostgreSQL server's URL, or run ./bench.sh permissions"
        )
    });
    sqlx::any::install_default_drivers();
    let admin = sqlx::AnyPool::connect(&server).await.expect("the server");
    let name = format!("permissions_bench_{}", std::process::id());
    // The name is ours (a process id): no input in it.
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&admin)
        .await
        .expect("a bench database");
    let base = server.rsplit_once('/').map(|(b, _)| b).unwrap_or(&server);
    format!("{base}/{name}")
}

/// Takes `privileged` from Ada in `database_url`, then asks once more.
async fn revocation_counts_at_once(contender: &Contender) -> bool {
    let url = contender.database_url.as_deref().expect("a stage");
    let db = Db::connect(url).await.expect("the database");
    let ada = users::find_by_identity(&db, "discord", &default_user_id("ada.lovelace"))
        .await
        .expect("a query")
        .expect("Ada");
    users::revoke(&db, ada, "privileged")
        .await
        .expect("a revocation");
    let status = reqwest::Client::new()
        .get(&contender.url)
        .header("cookie", &contender.cookies[0])
        .send()
        .await
        .expect("a request")
        .status();
    status == 403
}

async fn compare() {
    let sqlite_file =
        std::env::temp_dir().join(format!("permissions-bench-{}.db", std::process::id()));
    let _ = std::fs::remove_file(&sqlite_file);
    let mut contenders = vec![
        minimal().await,
        stage(
            "permissions on SQLite",
            format!("sqlite://{}", sqlite_file.display()),
        )
        .await,
        stage("permissions on PostgreSQL", postgres_database().await).await,
    ];
    for series in 0..2 {
        for _ in 0..ROUNDS {
            for contender in &mut contenders {
                let cookies = match series {
                    0 => &contender.cookies[..1],
                    _ => &contender.cookies[..],
                };
                let run = wrk(&contender.url, cookies, CONNECTIONS, SECONDS);
                assert_eq!(
                    run.failures, 0,
                    "{}: answers other than 200",
                    contender.name
                );
                contender.rounds[series].push(run.requests_per_second);
            }
        }
    }
    println!(
        "GET /privileged, wrk -t2 -c{CONNECTIONS}, {ROUNDS} alternating rounds of {SECONDS} s; \
         each server its own process, at its default settings:"
    );
    for (series, title) in [(0, "one session cookie"), (1, "64 sessions in turn")] {
        println!("  {title}:");
        let yardstick = median(&contenders[0].rounds[series]);
        for contender in &contenders {
            let rounds = &contender.rounds[series];
            let ratios: Vec<String> = rounds
                .iter()
                .zip(&contenders[0].rounds[series])
                .map(|(r, m)| format!("{:.2}", r / m))
                .collect();
            println!(
                "    {:<34} {:>8.0} req/s (median), ratio {:.2} (rounds {})",
                contender.name,
                median(rounds),
                median(rounds) / yardstick,
                ratios.join(" "),
            );
        }
    }
    println!("  memory:");
    for contender in &contenders {
        let (_, peak) = memory_kib(contender.process.pid());
        println!(
            "    {:<34} RSS idle {:.1} MB, peak {:.1} MB",
            contender.name,
            contender.idle_kib as f64 / 1024.0,
            peak as f64 / 1024.0,
        );
    }
    for contender in &contenders[1..] {
        println!(
            "  {}: a revoked permission refused on the next request: {}",
            contender.name,
            if revocation_counts_at_once(contender).await {
                "yes (403)"
            } else {
                "NO"
            }
        );
    }
    let _ = std::fs::remove_file(&sqlite_file);
}
