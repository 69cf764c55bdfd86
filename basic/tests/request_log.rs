//! What `cargo run -p basic` writes: the start-up banner the root README
//! shows, and the request log, a line per request, with the path but never
//! the query string (on `/auth` it holds the code and the state), and no
//! colour codes when stderr is not a terminal.

use common::testing::{free_port, wait_until_listening};
use std::process::{Command, Stdio};

#[tokio::test]
async fn the_log_names_the_path_never_the_query() {
    let (status, log) =
        log_of_one_request(None, &[], "/auth?code=a-secret-code&state=a-secret-state").await;
    assert_eq!(status, 400);
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

/// The banner the root README's Quick start shows is what the binary
/// prints, its addresses those of a run on the default ports.
#[tokio::test]
async fn the_readme_shows_the_banner_the_binary_prints() {
    let readme = include_str!("../../README.md");
    let shown = common::testing::documented::shown_runs(readme)
        .into_iter()
        .find(|run| run.package == "basic" && run.args.is_empty())
        .expect("README.md shows `cargo run -p basic` with its banner");
    let port = free_port();
    // Started away from the workspace, so that no `.env` of the reader's
    // counts; SIGTERM then stops it gracefully, its banner written out.
    let child = Command::new(env!("CARGO_BIN_EXE_basic"))
        .env_clear()
        .env("PORT", port.to_string())
        .current_dir(std::env::temp_dir())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    wait_until_listening(port).await;
    let stopped = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(stopped.success());
    let banner = String::from_utf8(child.wait_with_output().unwrap().stdout).unwrap();
    // The mock takes another port when 5001 is busy (other tests run);
    // the README shows the defaults.
    let mock = banner
        .split("runs in this process at http://127.0.0.1:")
        .nth(1)
        .and_then(|rest| rest.split('.').next())
        .expect("the banner gives the mock's address");
    let banner = banner
        .replace(&format!("127.0.0.1:{mock}"), "127.0.0.1:5001")
        .replace(&format!("127.0.0.1:{port}"), "127.0.0.1:5000");
    // The blank line that ends the banner is not shown.
    snapbox::assert_data_eq!(format!("{}\n", banner.trim_end()), shown.output);
}

/// The status of one request to `path_and_query` and the whole log of the
/// real `basic` binary, started with only these variables (and in `dir`,
/// where a `.env` may sit), then stopped with SIGTERM: the stage stops
/// gracefully and writes out its log.
async fn log_of_one_request(
    dir: Option<&std::path::Path>,
    vars: &[(&str, &str)],
    path_and_query: &str,
) -> (u16, String) {
    let port = free_port();
    let mut command = Command::new(env!("CARGO_BIN_EXE_basic"));
    command
        .env_clear()
        .envs(vars.iter().copied())
        .env("PORT", port.to_string())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    if let Some(dir) = dir {
        command.current_dir(dir);
    }
    let child = command.spawn().unwrap();
    wait_until_listening(port).await;
    let answer = reqwest::get(format!("http://127.0.0.1:{port}{path_and_query}"))
        .await
        .unwrap();
    let stopped = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(stopped.success());
    let output = child.wait_with_output().unwrap();
    let log = String::from_utf8_lossy(&output.stderr).into_owned();
    (answer.status().as_u16(), log)
}

/// `RUST_LOG` works from a `.env` file as from the environment (the
/// workshop guide tells Windows users to set variables there): the `.env`
/// is read before logging starts.
#[tokio::test]
async fn rust_log_in_a_dotenv_file_counts() {
    let dir = std::env::temp_dir().join(format!("basic-dotenv-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::remove_file(dir.join(".env")).ok();
    let by_default = log(&dir, &[]).await;
    assert!(by_default.contains("path=\"/\""), "{by_default}");
    let from_environment = log(&dir, &[("RUST_LOG", "warn")]).await;
    assert!(
        !from_environment.contains("path=\"/\""),
        "{from_environment}"
    );
    std::fs::write(dir.join(".env"), "RUST_LOG=warn\n").unwrap();
    let from_dotenv = log(&dir, &[]).await;
    std::fs::remove_dir_all(&dir).ok();
    assert!(!from_dotenv.contains("path=\"/\""), "{from_dotenv}");
}

/// The log of one `GET /` (answered 200) by the stage started in `dir`.
async fn log(dir: &std::path::Path, vars: &[(&str, &str)]) -> String {
    let (status, log) = log_of_one_request(Some(dir), vars, "/").await;
    assert_eq!(status, 200);
    log
}

/// C13 for stage 1: everything the stage and its mock log, at the most
/// verbose level, over a whole login, holds no code, state, verifier,
/// cookie, token or secret.
#[tokio::test]
async fn the_log_of_a_whole_login_holds_no_secret() {
    use basic::transaction::InFlight;
    use common::testing::{logs::CapturedLogs, query_param, Browser};
    let logs = CapturedLogs::start();
    let mock = mock_discord::MockDiscord::builder().spawn().await.unwrap();
    let app = common::App::for_mock(&mock, "http://127.0.0.1:5000/auth");
    let mut browser = Browser::new(basic::routes(app.clone()));
    let nelly = mock_discord::config::default_user_id("nelly");
    let callback = browser
        .login_until_callback(&nelly, mock_discord::Consent::Authorize)
        .await;
    let code = query_param(&callback, "code").unwrap();
    let state = query_param(&callback, "state").unwrap();
    let transaction_cookie = browser.cookie("oauth_transaction").unwrap().to_string();
    let verifier = InFlight::from_cookies(
        &app.keys,
        app.cookies,
        Some(&browser.cookie_header()),
        app.now(),
    )
    .unwrap()
    .take(&state)
    .unwrap()
    .pkce_verifier;
    let shown = browser.get(&callback).await;
    assert_eq!(shown.status(), 200);
    let tokens: serde_json::Value = serde_json::from_slice(shown.body()).unwrap();
    logs.assert_holds_none_of(&[
        ("code", &code),
        ("state", &state),
        ("verifier", &verifier),
        ("transaction cookie", &transaction_cookie),
        ("access token", tokens["access_token"].as_str().unwrap()),
        ("refresh token", tokens["refresh_token"].as_str().unwrap()),
        ("client secret", &mock.client().client_secret),
    ]);
}
