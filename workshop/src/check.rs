//! `check`: runs an exercise's test, as the learner would type it.

use crate::catalogue::Exercise;
use crate::prepare::set_by_cargo_run;
use std::path::Path;
use std::process::Command;

/// What the test said.
pub struct Outcome {
    pub passed: bool,
    /// cargo's output, both streams.
    pub output: String,
}

/// Runs `exercise`'s test in the workspace at `root` with `cargo`.
pub fn run(cargo: &str, root: &Path, exercise: &Exercise) -> std::io::Result<Outcome> {
    cargo_in(cargo, root, exercise.test)
}

/// Runs `cargo <args>` in the workspace at `root`.
pub fn cargo_in(cargo: &str, root: &Path, args: &[&str]) -> std::io::Result<Outcome> {
    let mut test = Command::new(cargo);
    test.args(args).current_dir(root);
    // `cargo run` set these for this tool; passed on, they would make the
    // test's build another one than the learner's (see `set_by_cargo_run`).
    for (name, _) in std::env::vars_os() {
        if name.to_str().is_some_and(set_by_cargo_run) {
            test.env_remove(&name);
        }
    }
    let out = test.output()?;
    let mut output = String::from_utf8_lossy(&out.stdout).into_owned();
    output.push_str(&String::from_utf8_lossy(&out.stderr));
    Ok(Outcome {
        passed: out.status.success(),
        output,
    })
}

/// The part of a failed run worth reading: from cargo's `failures:` list
/// (the panics and their messages) when there is one, else the last lines
/// (a compile error).
pub fn the_failure(output: &str) -> &str {
    if let Some(at) = output.find("\nfailures:\n") {
        return &output[at + 1..];
    }
    let lines: Vec<(usize, &str)> = output.match_indices('\n').collect();
    match lines.len().checked_sub(60) {
        Some(from) => &output[lines[from].0 + 1..],
        None => output,
    }
}
