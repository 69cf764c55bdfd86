//! `./bench.sh basic` (or `cargo bench -p basic` with wrk installed): the
//! control for stage 2's benchmark. `GET /` of stage 1 does no session
//! work (a page from a template), so what it costs against a minimal warp
//! route is what the framework, the request log and the page cost.

use common::testing::bench::{
    compare, print_heading, print_memory, print_start_up, Contender, ROUNDS,
};
use common::testing::processes::bench_main;

fn main() {
    bench_main("a page", run);
}

async fn run() {
    let binary = env!("CARGO_BIN_EXE_basic");
    let info = Contender::stage("basic /, default log level (info)", binary, &[], "/").await;
    let warn = Contender::stage(
        "basic /, RUST_LOG=warn",
        binary,
        &[("RUST_LOG", "warn")],
        "/",
    )
    .await;
    let contenders = [Contender::yardstick(&info).await, info, warn];
    print_heading("GET / of stage 1 (no session)");
    compare("no cookie needed", &contenders, 1, ROUNDS);
    print_memory(&contenders);
    print_start_up(env!("CARGO_BIN_EXE_basic"));
}
