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

/// The log of a stage started in `dir` (where a `.env` may sit) with these
/// variables, after one request to `/`.
async fn log_of_one_request(dir: &std::path::Path, vars: &[(&str, &str)]) -> String {
    let port = free_port();
    let child = Command::new(env!("CARGO_BIN_EXE_basic"))
        .env_clear()
        .envs(vars.iter().copied())
        .env("PORT", port.to_string())
        .current_dir(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    wait_until_listening(port).await;
    let answer = reqwest::get(format!("http://127.0.0.1:{port}/"))
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
    let stopped = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(stopped.success());
    let output = child.wait_with_output().unwrap();
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// `RUST_LOG` works from a `.env` file as from the environment (the
/// workshop guide tells Windows users to set variables there): the `.env`
/// is read before logging starts.
#[tokio::test]
async fn rust_log_in_a_dotenv_file_counts() {
    let dir = std::env::temp_dir().join(format!("basic-dotenv-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::remove_file(dir.join(".env")).ok();
    let by_default = log_of_one_request(&dir, &[]).await;
    assert!(by_default.contains("path=\"/\""), "{by_default}");
    let from_environment = log_of_one_request(&dir, &[("RUST_LOG", "warn")]).await;
    assert!(
        !from_environment.contains("path=\"/\""),
        "{from_environment}"
    );
    std::fs::write(dir.join(".env"), "RUST_LOG=warn\n").unwrap();
    let from_dotenv = log_of_one_request(&dir, &[]).await;
    std::fs::remove_dir_all(&dir).ok();
    assert!(!from_dotenv.contains("path=\"/\""), "{from_dotenv}");
}
