//! `./bench.sh permissions` (or `cargo bench -p permissions` with wrk
//! installed and PERMISSIONS_TEST_POSTGRES set): `GET /privileged` with a
//! session, that is a session lookup and a permission check in the
//! database, on SQLite and on PostgreSQL, against a minimal warp route.
//!
//! The stage runs at its default settings (offline, logging at `info`),
//! and with `RUST_LOG=warn`, each on a database of its own. Two series: every request with one session cookie, then 64 sessions
//! dealt out in turn (a Lua script in wrk, used for the yardstick too).

use common::testing::bench::{compare, print_heading, print_memory, Contender, ROUNDS};
use common::testing::processes::bench_main;
use mock_discord::config::default_user_id;
use permissions::db::Db;
use permissions::users;

const SESSIONS: usize = 64;
const POSTGRES_VARIABLE: &str = "PERMISSIONS_TEST_POSTGRES";

fn main() {
    bench_main("You are truly privileged!", run);
}

/// The stage on `database_url`, with `env` besides.
async fn stage(name: &str, database_url: &str, env: &[(&str, &str)]) -> Contender {
    let binary = env!("CARGO_BIN_EXE_permissions");
    let mut env = env.to_vec();
    env.push(("DATABASE_URL", database_url));
    let mut stage = Contender::stage(name, binary, &env, "/privileged").await;
    // Offline, Ada starts with `privileged`.
    stage
        .log_in(&default_user_id("ada.lovelace"), SESSIONS)
        .await;
    stage
}

async fn postgres_database(suffix: &str) -> String {
    let server = std::env::var(POSTGRES_VARIABLE).unwrap_or_else(|_| {
        panic!(
            "set {POSTGRES_VARIABLE} to a PostgreSQL server's URL, or run ./bench.sh permissions"
        )
    });
    sqlx::any::install_default_drivers();
    let admin = sqlx::AnyPool::connect(&server).await.expect("the server");
    let name = format!("permissions_bench_{}{suffix}", std::process::id());
    // The name is ours (a process id): no input in it.
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&admin)
        .await
        .expect("a bench database");
    let base = server.rsplit_once('/').map(|(b, _)| b).unwrap_or(&server);
    format!("{base}/{name}")
}

/// Takes `privileged` from Ada in `database_url`, then asks once more.
async fn revocation_counts_at_once(contender: &Contender, database_url: &str) -> bool {
    let db = Db::connect(database_url).await.expect("the database");
    let ada =
        permissions::identities::find_by_identity(&db, "discord", &default_user_id("ada.lovelace"))
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

async fn run() {
    let sqlite_file = |suffix: &str| {
        std::env::temp_dir().join(format!(
            "permissions-bench-{}{suffix}.db",
            std::process::id()
        ))
    };
    let sqlite_files = [sqlite_file(""), sqlite_file("_warn")];
    for file in &sqlite_files {
        let _ = std::fs::remove_file(file);
    }
    let [sqlite, sqlite_warn] = sqlite_files
        .each_ref()
        .map(|file| format!("sqlite://{}", file.display()));
    let postgres = postgres_database("").await;
    let postgres_warn = postgres_database("_warn").await;
    let warn = [("RUST_LOG", "warn")];
    // Each on a database of its own: the revocation at the end is one
    // stage's.
    let stages = [
        stage("permissions on SQLite", &sqlite, &[]).await,
        stage("permissions on PostgreSQL", &postgres, &[]).await,
        stage("on SQLite, RUST_LOG=warn", &sqlite_warn, &warn).await,
        stage("on PostgreSQL, RUST_LOG=warn", &postgres_warn, &warn).await,
    ];
    let databases = [&sqlite, &postgres, &sqlite_warn, &postgres_warn];
    let mut contenders = vec![Contender::yardstick(&stages[0]).await];
    contenders.extend(stages);
    print_heading("GET /privileged, the stage at its default settings and with RUST_LOG=warn");
    compare("one session cookie", &contenders, 1, ROUNDS);
    compare("64 sessions in turn", &contenders, SESSIONS, ROUNDS);
    print_memory(&contenders);
    for (contender, database_url) in contenders[1..].iter().zip(databases) {
        let refused = revocation_counts_at_once(contender, database_url).await;
        println!(
            "  {}: a revoked permission refused on the next request: {}",
            contender.name,
            if refused { "yes (403)" } else { "NO" }
        );
    }
    for file in &sqlite_files {
        let _ = std::fs::remove_file(file);
    }
}
