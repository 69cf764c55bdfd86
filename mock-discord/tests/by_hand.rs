//! README.md's "The flow by hand", run as written: the mock started as
//! step 0 says (on a free port), then steps 1 to 7 in one bash, as a
//! reader types them into one terminal. Each step's output is checked
//! for what the README says it shows.

use serde_json::Value;
use std::process::{Command, Stdio};

const README: &str = include_str!("../README.md");

/// The section's shell blocks, in order: step 0, the mock's start, then
/// the steps a reader types.
fn blocks() -> Vec<String> {
    let section = README
        .split("\n## The flow by hand\n")
        .nth(1)
        .expect("README.md has The flow by hand");
    let section = section.split("\n## ").next().unwrap_or(section);
    section
        .split("```sh\n")
        .skip(1)
        .map(|block| block.split("```").next().unwrap_or(block).to_string())
        .collect()
}

/// Kills the mock when the test ends, passed or not.
struct Running(std::process::Child);
impl Drop for Running {
    fn drop(&mut self) {
        self.0.kill().ok();
        self.0.wait().ok();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn json(text: &str) -> Value {
    serde_json::from_str(text.trim()).unwrap_or_else(|e| panic!("{e}: {text}"))
}

#[test]
fn the_flow_by_hand_runs_as_written() {
    let blocks = blocks();
    let steps = README
        .split("\n## The flow by hand\n")
        .nth(1)
        .unwrap()
        .split("\n## ")
        .next()
        .unwrap()
        .matches("\n**")
        .count();
    assert_eq!(blocks.len(), 8, "steps 0 to 7, one block each");
    assert_eq!(steps, blocks.len(), "a block for each numbered step");

    // Step 0, with the port this test was given instead of 5001.
    let start = blocks[0].trim();
    let args = start
        .strip_prefix("cargo run -p mock-discord -- ")
        .expect("step 0 starts the mock");
    let port = free_port();
    let _mock = Running(
        Command::new(env!("CARGO_BIN_EXE_mock-discord"))
            .args(args.split_whitespace())
            .args(["--port", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let started = std::time::Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(started.elapsed().as_secs() < 10, "the mock never listened");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }

    // Steps 1 to 7 in one shell, a marker after each.
    let mut script = String::from("set -eu\n");
    for (n, block) in blocks.iter().enumerate().skip(1) {
        script.push_str(&block.replace("127.0.0.1:5001", &format!("127.0.0.1:{port}")));
        script.push_str(&format!("echo '@@ step {n} done'\n"));
    }
    let output = Command::new("bash")
        .arg("-c")
        .arg(&script)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stdout}\n{stderr}");
    let shown: Vec<&str> = stdout
        .split_inclusive("done\n")
        .map(|step| step.split("@@ step").next().unwrap_or(step))
        .collect();
    assert_eq!(shown.len(), 7, "{stdout}");

    let challenge = shown[0].trim().strip_prefix("challenge: ").unwrap_or("");
    assert_eq!(challenge.len(), 43, "a SHA-256 in base64url: {}", shown[0]);
    assert!(
        shown[1].contains("code_challenge_method=S256"),
        "{}",
        shown[1]
    );
    assert!(
        shown[2].starts_with("http://127.0.0.1:5000/auth?code=")
            && shown[2].contains("state matches"),
        "{}",
        shown[2]
    );
    let tokens = json(shown[3]);
    assert_eq!(tokens["token_type"], "Bearer", "{tokens}");
    assert_eq!(json(shown[4])["username"], "nelly", "{}", shown[4]);
    let refreshed = json(shown[5]);
    assert!(refreshed["access_token"].is_string(), "{refreshed}");
    assert_ne!(refreshed["access_token"], tokens["access_token"]);
    assert_ne!(refreshed["refresh_token"], tokens["refresh_token"]);
    let (status, after) = shown[6].split_once('\n').unwrap();
    assert_eq!(status, "200");
    assert_eq!(json(after)["message"], "401: Unauthorized", "{after}");
}
