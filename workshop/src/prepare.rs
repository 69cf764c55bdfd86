//! `cargo run -p workshop -- prepare`: builds, the day before, exactly what
//! a workshop day runs, so that on the day nothing compiles and nothing
//! needs the network.
//!
//! Why not one `cargo build` of everything: cargo picks each dependency's
//! features for the packages it builds together. The stages built together
//! (or with their tests) get other features than `cargo run -p basic`
//! alone, so the day's commands would compile again. The preparation runs
//! each of the day's commands as the day will, one after the other, so that
//! each later finds its build done. [`DAY`] is that list; WORKSHOP.md shows
//! the same commands, and a test keeps the two equal.

use std::process::{Command, ExitCode};
use std::time::Instant;

/// The builds a workshop day runs: each program as `cargo run -p X` builds
/// it, and each checkpoint's and exercise's test binary as its `cargo
/// test` builds it. (An exercise's check then compiles only the stage the
/// learner changed.)
pub const DAY: &[&[&str]] = &[
    &["build", "-p", "basic"],
    &["build", "-p", "sessions"],
    &["build", "-p", "permissions"],
    &["build", "-p", "mock-discord"],
    &[
        "test", "-p", "basic", "--test", "labs", "--test", "flow", "--test", "callback", "--no-run",
    ],
    &[
        "test",
        "-p",
        "sessions",
        "--test",
        "labs",
        "--test",
        "session_cookie",
        "--test",
        "browser",
        "--test",
        "lifetime",
        "--test",
        "logout",
        "--no-run",
    ],
    &[
        "test",
        "-p",
        "permissions",
        "--test",
        "labs",
        "--test",
        "admin",
        "--test",
        "providers",
        "--test",
        "server_sessions",
        "--no-run",
    ],
];

/// Runs each build of [`DAY`] with `extra` cargo flags (`--offline`, for a
/// room without a network), stopping at the first that fails.
pub fn prepare(extra: &[String]) -> ExitCode {
    // The cargo that runs us (cargo sets CARGO for `cargo run`).
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let started = Instant::now();
    for (n, args) in DAY.iter().enumerate() {
        println!("[{}/{}] cargo {}", n + 1, DAY.len(), args.join(" "));
        let mut build = cargo_as_typed(&cargo);
        build.args(*args).args(extra);
        let status = build.status();
        match status {
            Ok(status) if status.success() => {}
            Ok(status) => {
                eprintln!(
                    "cargo {} failed ({status}); fix that, then prepare again",
                    args.join(" ")
                );
                return ExitCode::FAILURE;
            }
            Err(error) => {
                eprintln!("cannot run {cargo}: {error}");
                return ExitCode::FAILURE;
            }
        }
    }
    println!(
        "Prepared in {:.0} s: the day's `cargo run` and checkpoint commands will compile nothing.",
        started.elapsed().as_secs_f64()
    );
    ExitCode::SUCCESS
}

/// A `cargo` command run as if typed in the user's shell: without what
/// `cargo run` set for this tool ([`set_by_cargo_run`]).
pub(crate) fn cargo_as_typed(cargo: &str) -> Command {
    let mut command = Command::new(cargo);
    for (name, _) in std::env::vars_os() {
        if name.to_str().is_some_and(set_by_cargo_run) {
            command.env_remove(&name);
        }
    }
    command
}

/// Whether `cargo run` set this variable for the program it runs (the
/// package's name, manifest, version…). Passed on, these would tell the
/// builds below that they are the workshop crate's: `ring`'s build script,
/// for one, watches `CARGO_MANIFEST_DIR`, and the day's `cargo run -p
/// basic` would then rebuild `ring` and everything above it.
fn set_by_cargo_run(name: &str) -> bool {
    name.starts_with("CARGO_PKG_")
        || name.starts_with("CARGO_MANIFEST_")
        || matches!(
            name,
            "CARGO" | "CARGO_CRATE_NAME" | "CARGO_BIN_NAME" | "CARGO_PRIMARY_PACKAGE"
        )
}

#[cfg(test)]
mod tests {
    use super::set_by_cargo_run;

    #[test]
    fn only_what_cargo_run_set_is_dropped_and_the_users_settings_stay() {
        for set in [
            "CARGO",
            "CARGO_MANIFEST_DIR",
            "CARGO_MANIFEST_PATH",
            "CARGO_PKG_NAME",
            "CARGO_PKG_VERSION",
            "CARGO_CRATE_NAME",
            "CARGO_BIN_NAME",
            "CARGO_PRIMARY_PACKAGE",
        ] {
            assert!(set_by_cargo_run(set), "{set}");
        }
        for kept in [
            "CARGO_HOME",
            "CARGO_TARGET_DIR",
            "CARGO_NET_OFFLINE",
            "CARGO_INCREMENTAL",
            "CARGO_BUILD_JOBS",
            "RUSTFLAGS",
            "PATH",
        ] {
            assert!(!set_by_cargo_run(kept), "{kept}");
        }
    }
}
