//! `check`: runs an exercise's test, as the learner would type it.

use crate::catalogue::Exercise;
use crate::prepare::cargo_as_typed;
use std::path::Path;

/// What the test said.
pub struct Outcome {
    pub passed: bool,
    /// The tests' report (cargo test writes it to standard output).
    pub report: String,
    /// cargo's own messages: the build, and a compile error if any.
    pub messages: String,
}

impl Outcome {
    /// Did the tests run at all (rather than the build fail)?
    pub fn compiled(&self) -> bool {
        self.report.contains("test result:")
    }

    /// The part worth reading: the failed tests, their panics and cargo's
    /// list of them; or, when nothing ran, the end of cargo's messages
    /// (the compile error).
    pub fn failure(&self) -> &str {
        if let Some(at) = self.report.find("\nfailures:\n") {
            return &self.report[at + 1..];
        }
        let lines: Vec<(usize, &str)> = self.messages.match_indices('\n').collect();
        match lines.len().checked_sub(40) {
            Some(from) => &self.messages[lines[from].0 + 1..],
            None => &self.messages,
        }
    }
}

/// Runs `exercise`'s test in the workspace at `root` with `cargo`.
pub fn run(cargo: &str, root: &Path, exercise: &Exercise) -> std::io::Result<Outcome> {
    cargo_in(cargo, root, exercise.test)
}

/// Runs `cargo <args>` in the workspace at `root`.
pub fn cargo_in(cargo: &str, root: &Path, args: &[&str]) -> std::io::Result<Outcome> {
    // As the learner types it: passed on, what `cargo run` set for this
    // tool would make the test's build another one than theirs.
    let mut test = cargo_as_typed(cargo);
    test.args(args).current_dir(root);
    // A panic's message is what the learner needs (the todo!'s hint, an
    // assertion); a backtrace through warp's filters would bury it.
    test.env("RUST_BACKTRACE", "0");
    let out = test.output()?;
    Ok(Outcome {
        passed: out.status.success(),
        report: String::from_utf8_lossy(&out.stdout).into_owned(),
        messages: String::from_utf8_lossy(&out.stderr).into_owned(),
    })
}
