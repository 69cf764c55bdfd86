//! `cargo run -p basic`: stage 1, offline by default.

use common::StageInfo;
use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    let stage = StageInfo {
        name: "basic",
        title: "stage 1: the authorization code flow with state and PKCE",
        callback_path: basic::filters::CALLBACK_PATH,
        google_callback_path: None,
        labs: basic::lab::LESSONS,
    };
    common::run(stage, basic::routes).await
}
