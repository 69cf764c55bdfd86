//! Implementations nobody here wrote, pinned in `interop/package.json` and
//! installed by `./test.sh` (`npm ci`): an OpenID Certified provider
//! (`oidc-provider`) and an OpenID Certified client (`openid-client`), run
//! by small scripts in `interop/` with Node.
//!
//! A script prints one JSON object per line on stdout; the test reads
//! them as they come.

use crate::testing::processes::ChildProcess;
use parking_lot::Mutex;
use serde_json::Value;
use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// `interop/`, where the scripts and their `node_modules` are.
pub fn interop_dir() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../interop"))
}

/// `node interop/{script} {args}`, once the pinned packages are there.
pub fn node(script: &str, args: &[&str]) -> Command {
    let dir = interop_dir();
    assert!(
        dir.join("node_modules/oidc-provider").is_dir()
            && dir.join("node_modules/openid-client").is_dir(),
        "the outside implementations are not installed in {}: run ./test.sh, which installs \
         them (npm ci), or run `npm ci` there with Node 20 or newer",
        dir.display()
    );
    let mut command = Command::new("node");
    command.current_dir(&dir).arg(script).args(args);
    command
}

/// A running script: killed when dropped; its lines are kept as they
/// come.
pub struct NodeScript {
    process: ChildProcess,
    lines: Arc<Mutex<Vec<Value>>>,
    /// What it wrote on stderr, for a failing test to show.
    stderr: Arc<Mutex<String>>,
    /// How many lines [`NodeScript::next_line`] has handed out.
    read: usize,
}

impl NodeScript {
    /// Starts `script`, reading its stdout (and, if `stdin`, writable
    /// with [`NodeScript::answer`]).
    fn spawn(script: &str, args: &[&str], stdin: bool) -> NodeScript {
        let mut command = node(script, args);
        command
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .stdin(if stdin { Stdio::piped() } else { Stdio::null() });
        let mut process = ChildProcess::spawn(&mut command);
        let stdout = process.0.stdout.take().expect("the script's stdout");
        let lines = Arc::new(Mutex::new(Vec::new()));
        let kept = lines.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Ok(value) = serde_json::from_str::<Value>(&line) {
                    kept.lock().push(value);
                }
            }
        });
        let stderr = Arc::new(Mutex::new(String::new()));
        let errors = process.0.stderr.take().expect("the script's stderr");
        let written = stderr.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(errors).lines().map_while(Result::ok) {
                let mut written = written.lock();
                written.push_str(&line);
                written.push('\n');
            }
        });
        NodeScript {
            process,
            lines,
            stderr,
            read: 0,
        }
    }

    /// Starts a script that serves (the provider) and waits, 10 s at most,
    /// for its line `{"listening": …}`, whose value it returns beside it.
    pub async fn serve(script: &str, args: &[&str]) -> (NodeScript, String) {
        let mut server = NodeScript::spawn(script, args, false);
        let listening = server.next_line().await["listening"]
            .as_str()
            .unwrap_or_else(|| panic!("{script} did not say where it listens"))
            .to_string();
        (server, listening)
    }

    /// Starts a script that talks (the client): [`NodeScript::next_line`]
    /// reads, [`NodeScript::answer`] writes.
    pub fn dialogue(script: &str, args: &[&str]) -> NodeScript {
        NodeScript::spawn(script, args, true)
    }

    /// The next line the script prints, waiting 10 s at most (without
    /// blocking the runtime: the mock the script talks to may share it).
    pub async fn next_line(&mut self) -> Value {
        let started = Instant::now();
        loop {
            if let Some(line) = self.lines.lock().get(self.read).cloned() {
                self.read += 1;
                return line;
            }
            if let Ok(Some(status)) = self.process.0.try_wait() {
                // Its last lines may still be on their way.
                tokio::time::sleep(Duration::from_millis(100)).await;
                if let Some(line) = self.lines.lock().get(self.read).cloned() {
                    self.read += 1;
                    return line;
                }
                panic!(
                    "the script ended ({status}) after {:?}; its stderr:\n{}",
                    self.events(),
                    self.stderr.lock()
                );
            }
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "no line from the script within 10 s after {:?}; its stderr:\n{}",
                self.events(),
                self.stderr.lock()
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    /// Writes one line to the script's stdin.
    pub fn answer(&mut self, line: &str) {
        let stdin = self.process.0.stdin.as_mut().expect("a dialogue's stdin");
        writeln!(stdin, "{line}").expect("the script reads");
    }

    /// Every line the script has printed so far.
    pub fn events(&self) -> Vec<Value> {
        self.lines.lock().clone()
    }

    /// How many lines `{"event": name}` it has printed.
    pub fn count(&self, name: &str) -> usize {
        self.events()
            .iter()
            .filter(|line| line["event"] == name)
            .count()
    }
}
