//! `cargo run -p sessions`: stage 2, offline by default.

use common::StageInfo;
use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    let stage = StageInfo {
        name: "sessions",
        title: "stage 2: an encrypted session cookie, refresh and logout",
        callback_path: basic::filters::CALLBACK_PATH,
        google_callback_path: None,
        labs: sessions::lab::LESSONS,
    };
    common::run(stage, sessions::routes).await
}
