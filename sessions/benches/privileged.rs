//! `./bench.sh sessions` (or `cargo bench -p sessions` with wrk installed):
//! `GET /privileged` with a session cookie (open the sealed cookie, check
//! the expiry) against a minimal warp route giving the same answer.
//!
//! The stage runs as users run it, offline, once at the default log level
//! (a line per request) and once with `RUST_LOG=warn`.

use common::testing::bench::{
    compare, print_heading, print_memory, print_start_up, Contender, ROUNDS,
};
use common::testing::processes::bench_main;
use mock_discord::config::default_user_id;

fn main() {
    bench_main("Congratulations, you are logged in using Discord!", run);
}

async fn stage(name: &str, env: &[(&str, &str)]) -> Contender {
    let binary = env!("CARGO_BIN_EXE_sessions");
    let mut stage = Contender::stage(name, binary, env, "/privileged").await;
    stage.log_in(&default_user_id("nelly"), 1).await;
    stage
}

async fn run() {
    let info = stage("sessions, default log level (info)", &[]).await;
    let warn = stage("sessions, RUST_LOG=warn", &[("RUST_LOG", "warn")]).await;
    let contenders = [Contender::yardstick(&info).await, info, warn];
    print_heading("GET /privileged with a session cookie");
    compare("one session cookie", &contenders, 1, ROUNDS);
    print_memory(&contenders);
    print_start_up(env!("CARGO_BIN_EXE_sessions"));
}
