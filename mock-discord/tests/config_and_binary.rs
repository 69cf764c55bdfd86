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
    for option in ["--host", "--port", "--config", "--auto-approve", "--seed"] {
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
