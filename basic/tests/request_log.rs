//! The request log, as `cargo run -p basic` writes it: a line per
//! request, with the path but never the query string (on `/auth` it holds
//! the code and the state), and no colour codes when stderr is not a
//! terminal.

use common::testing::{free_port, wait_until_listening};
use std::process::{Command, Stdio};

#[tokio::test]
async fn the_log_names_the_path_never_the_query() {
    let port = free_port();
    let child = Command::new(env!("CARGO_BIN_EXE_basic"))
        .env_clear()
        .env("PORT", port.to_string())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    wait_until_listening(port).await;
    let answer = reqwest::get(format!(
        "http://127.0.0.1:{port}/auth?code=a-secret-code&state=a-secret-state"
    ))
    .await
    .unwrap();
    assert_eq!(answer.status(), 400);
    // SIGTERM: the stage stops gracefully and writes out its log.
    let stopped = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(stopped.success());
    let output = child.wait_with_output().unwrap();
    let log = String::from_utf8_lossy(&output.stderr);
    assert!(
        log.contains("path=\"/auth\"") && log.contains("status=400"),
        "{log}"
    );
    for secret in ["a-secret-code", "a-secret-state", "code="] {
        assert!(!log.contains(secret), "{secret} in the log:\n{log}");
    }
    assert!(
        !log.contains('\u{1b}'),
        "colour codes off a terminal:\n{log}"
    );
}
