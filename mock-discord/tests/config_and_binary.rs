//! Configuration files, the binary's command line, and the handle's life.

mod support;

use mock_discord::{MockConfig, MockDiscord};
use std::process::Command;
use support::*;

fn write(name: &str, text: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("mock-discord-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn a_toml_file_extends_the_defaults() {
    let path = write(
        "extend.toml",
        r#"
extend = true
[[clients]]
client_id = "my-app"
client_secret = "my-secret"
name = "My App"
redirect_uris = ["http://127.0.0.1:8080/callback"]
[[users]]
id = "123456789012345678"
username = "alice"
global_name = "Alice"
avatar = "a1"
banner = "b2"
accent_color = 1
guilds = [{ guild = "197038439483310086", permissions = "8" }]
"#,
    );
    let config = MockConfig::from_file(&path).unwrap();
    assert_eq!(config.clients.len(), 2);
    assert_eq!(config.users.len(), 4);
    assert_eq!(config.guilds.len(), 2, "a default guild, joined by id");
    let alice = config.user("123456789012345678").unwrap();
    assert_eq!(alice.discriminator, "0");
    assert_eq!(alice.locale, "en-US");
}

/// A list the file leaves out stays as it is (README, "Configure it"):
/// users without `[[guilds]]` keep the default guilds, and may join them.
#[test]
fn a_file_with_users_and_no_guilds_keeps_the_default_guilds() {
    let path = write(
        "users-only.toml",
        r#"
[[users]]
id = "123456789012345678"
username = "alice"
global_name = "Alice"
avatar = "a1"
banner = "b2"
accent_color = 1
guilds = [{ guild = "197038439483310086", permissions = "8" }]
"#,
    );
    let config = MockConfig::from_file(&path).unwrap();
    assert_eq!(config.users.len(), 1);
    assert_eq!(config.guilds, MockConfig::default().guilds);
}

#[test]
fn a_json_file_replaces_the_defaults() {
    let path = write(
        "replace.json",
        r#"{"clients": [{"client_id": "a", "client_secret": "b", "name": "A",
             "redirect_uris": ["http://localhost/cb"]}],
            "users": [{"id": "1", "username": "one", "global_name": null, "avatar": null,
             "banner": null, "accent_color": null}]}"#,
    );
    let config = MockConfig::from_file(&path).unwrap();
    assert_eq!(config.clients.len(), 1);
    assert_eq!(config.users.len(), 1);
}

#[test]
fn the_readme_shows_the_defaults_as_they_are() {
    let readme = include_str!("../README.md");
    assert!(
        readme.contains(mock_discord::config::DEFAULTS_TOML),
        "README.md must quote defaults.toml whole; copy it again"
    );
}

#[test]
fn bad_files_say_what_is_wrong() {
    let broken = write("broken.toml", "clients = 3");
    let error = MockConfig::from_file(&broken).unwrap_err().to_string();
    assert!(
        error.contains("broken.toml") && error.contains("TOML"),
        "{error}"
    );
    let bad_id = write(
        "bad-id.json",
        r#"{"users": [{"id": "not-a-snowflake", "username": "x", "global_name": null,
            "avatar": null, "banner": null, "accent_color": null}]}"#,
    );
    let error = MockConfig::from_file(&bad_id).unwrap_err().to_string();
    assert!(error.contains("snowflake"), "{error}");
    let missing = MockConfig::from_file(std::path::Path::new("/nonexistent/mock.toml"));
    assert!(missing.unwrap_err().to_string().contains("cannot read"));
}

#[test]
fn help_lists_every_option() {
    let output = Command::new(env!("CARGO_BIN_EXE_mock-discord"))
        .arg("--help")
        .output()
        .unwrap();
    assert!(output.status.success());
    let help = String::from_utf8(output.stdout).unwrap();
    for option in [
        "--host",
        "--port",
        "--config",
        "--auto-approve",
        "--seed",
        "--rate-limit",
    ] {
        assert!(help.contains(option), "{option} missing from:\n{help}");
    }
}

#[test]
fn the_binary_refuses_a_bad_config_with_a_message() {
    let output = Command::new(env!("CARGO_BIN_EXE_mock-discord"))
        .args(["--config", "/nonexistent/mock.toml", "--port", "0"])
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.contains("cannot read /nonexistent/mock.toml"),
        "{stderr}"
    );
}

/// Token requests by one client until the mock says 429: how many passed.
async fn token_requests_before_429(base: &str) -> usize {
    let http = reqwest::Client::new();
    for n in 0..20 {
        let status = http
            .post(format!("{base}/api/oauth2/token"))
            .basic_auth("mock-client-id", Some("mock-client-secret"))
            .form(&[("grant_type", "authorization_code"), ("code", "x")])
            .send()
            .await
            .unwrap()
            .status();
        if status == 429 {
            return n;
        }
    }
    20
}

/// A load test needs more than Discord's 50 a second: the binary's
/// `--rate-limit` and a file's `rate_limit` set it.
#[tokio::test]
async fn the_rate_limit_is_set_by_flag_or_file() {
    let file = write("limit.toml", "extend = true\nrate_limit = 3\n");
    for args in [
        vec!["--rate-limit".to_string(), "5".to_string()],
        vec!["--config".to_string(), file.display().to_string()],
    ] {
        let port = {
            let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            listener.local_addr().unwrap().port()
        };
        let mut child = Command::new(env!("CARGO_BIN_EXE_mock-discord"))
            .args(&args)
            .args(["--port", &port.to_string()])
            .stdout(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let base = format!("http://127.0.0.1:{port}");
        for _ in 0..100 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        let passed = token_requests_before_429(&base).await;
        let _ = child.kill();
        let _ = child.wait();
        let expected = if args[0] == "--rate-limit" { 5 } else { 3 };
        assert_eq!(passed, expected, "{args:?}");
    }
    let zero = write("zero.toml", "extend = true\nrate_limit = 0\n");
    assert!(MockConfig::from_file(&zero).is_err());
}

#[tokio::test]
async fn dropping_the_handle_stops_the_server() {
    let mock = mock().await;
    let url = format!("{}/.well-known/oauth-authorization-server", mock.base_url());
    // A fresh client each time, so no pooled connection outlives the drop.
    let fresh = || {
        reqwest::Client::builder()
            .pool_max_idle_per_host(0)
            .build()
            .unwrap()
    };
    assert!(fresh().get(&url).send().await.is_ok());
    drop(mock);
    // Shutdown is graceful, so give it a moment (at most 2 s) to close.
    for _ in 0..40 {
        if fresh().get(&url).send().await.is_err() {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("the mock still answers after its handle was dropped");
}

#[tokio::test]
async fn redirect_uris_can_be_registered_at_run_time() {
    let mock = MockDiscord::builder()
        .auto_approve("nelly")
        .spawn()
        .await
        .unwrap();
    let url = authorize_url(&mock, &[("redirect_uri", "http://127.0.0.1:7777/auth")]);
    assert_eq!(http().get(&url).send().await.unwrap().status(), 400);
    mock.register_redirect_uri("http://127.0.0.1:7777/auth");
    assert_eq!(http().get(&url).send().await.unwrap().status(), 302);
}

/// The routes reader the stages' READMEs are checked with (std only, so
/// the mock reads it without depending on the stages' plumbing).
#[path = "../../common/src/testing/documented.rs"]
#[allow(dead_code)]
mod documented;

/// Every route this README names on the mock is served: as Discord, or
/// under the Google issuer. (Addresses on port 5000 are the stages' own
/// callbacks, checked by the stages.)
#[tokio::test]
async fn every_route_the_readme_names_is_served() {
    let mock = mock().await;
    let google = mock.google_issuer();
    let routes = documented::named_routes(include_str!("../README.md"))
        .into_iter()
        .filter(|route| route.port != Some(5000))
        .collect();
    documented::assert_named_routes_served("mock-discord/README.md", routes, |method, path| {
        let urls = [
            format!("{}{path}", mock.base_url()),
            format!("{google}{path}"),
        ];
        async move {
            let method = reqwest::Method::from_bytes(method.as_bytes()).expect("a method");
            for url in urls {
                let answer = http().request(method.clone(), url).send().await;
                let status = answer.expect("the mock answers").status().as_u16();
                if status != 404 {
                    return status;
                }
            }
            404
        }
    })
    .await;
}

/// Each command this README shows with its output prints that output.
#[test]
fn the_readme_shows_what_the_binary_prints() {
    let runs = documented::shown_runs(include_str!("../README.md"));
    assert!(!runs.is_empty(), "the README shows no command's output");
    for run in runs {
        assert_eq!(run.package, "mock-discord", "README.md:{}", run.line);
        eprintln!("README.md:{}: {:?}", run.line, run.args);
        snapbox::cmd::Command::new(env!("CARGO_BIN_EXE_mock-discord"))
            .args(&run.args)
            // clap shows a variable's value in the help when it is set.
            .env_remove("MOCK_DISCORD_HOST")
            .env_remove("MOCK_DISCORD_PORT")
            .env_remove("MOCK_DISCORD_RATE_LIMIT")
            .assert()
            .success()
            .stdout_eq(run.output);
    }
}
