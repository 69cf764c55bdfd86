//! Every `cargo run` and `cargo test` command the docs show can run as
//! written: the package exists, `cargo run` can pick its binary (one
//! binary, a `default-run`, or the `--bin` named), and each `--test`
//! target exists. A command that broke fails here with its file and line.
//!
//! The targets come from `cargo metadata`, the same source cargo itself
//! reads.

use serde_json::Value;
use std::collections::BTreeMap;
mod support;

use support::{docs, root};

/// What cargo knows of a package: its binaries, its test targets, and its
/// `default-run`.
#[derive(Debug, Default)]
struct Package {
    bins: Vec<String>,
    tests: Vec<String>,
    default_run: Option<String>,
}

fn packages() -> BTreeMap<String, Package> {
    let output = std::process::Command::new(env!("CARGO"))
        .args([
            "metadata",
            "--no-deps",
            "--format-version",
            "1",
            "--offline",
        ])
        .current_dir(root())
        .output()
        .expect("cargo metadata runs");
    assert!(output.status.success(), "{:?}", output);
    let metadata: Value = serde_json::from_slice(&output.stdout).expect("cargo's JSON");
    let mut packages = BTreeMap::new();
    for package in metadata["packages"].as_array().expect("packages") {
        let mut found = Package {
            default_run: package["default_run"].as_str().map(str::to_string),
            ..Package::default()
        };
        for target in package["targets"].as_array().expect("targets") {
            let name = target["name"].as_str().unwrap_or_default().to_string();
            let kinds = target["kind"].as_array().expect("kinds");
            if kinds.iter().any(|k| k == "bin") {
                found.bins.push(name);
            } else if kinds.iter().any(|k| k == "test") {
                found.tests.push(name);
            }
        }
        let name = package["name"].as_str().expect("a name").to_string();
        packages.insert(name, found);
    }
    packages
}

/// A command as the docs show it: `run` or `test`, the packages (`-p`),
/// the binary (`--bin`) and the test targets (`--test`). Arguments after
/// `--` are the program's.
#[derive(Debug, PartialEq)]
struct Command {
    subcommand: String,
    packages: Vec<String>,
    bin: Option<String>,
    tests: Vec<String>,
}

fn parse(text: &str) -> Option<Command> {
    let mut words = text.split_whitespace();
    words.by_ref().find(|word| *word == "cargo")?;
    let subcommand = words.next()?.to_string();
    if subcommand != "run" && subcommand != "test" {
        return None;
    }
    let mut command = Command {
        subcommand,
        packages: Vec::new(),
        bin: None,
        tests: Vec::new(),
    };
    while let Some(word) = words.next() {
        match word {
            "--" => break,
            "-p" | "--package" => command.packages.extend(words.next().map(str::to_string)),
            "--bin" => command.bin = words.next().map(str::to_string),
            "--test" => command.tests.extend(words.next().map(str::to_string)),
            _ => {}
        }
    }
    Some(command)
}

/// Each `cargo run` or `cargo test` in a Markdown text, with its line:
/// inside backticks up to the closing one, in a code block up to the end
/// of the line (or a `#` comment).
fn commands(markdown: &str) -> Vec<(usize, Command)> {
    let mut found = Vec::new();
    for (n, line) in markdown.lines().enumerate() {
        let mut rest = line;
        while let Some(at) = rest.find("cargo ") {
            let after = &rest[at..];
            let end = after.find(['`', '#', '|']).unwrap_or(after.len());
            if let Some(command) = parse(&after[..end]) {
                found.push((n + 1, command));
            }
            rest = &after[end.max(1)..];
        }
    }
    found
}

/// What is wrong with a command, if anything.
fn problem(command: &Command, packages: &BTreeMap<String, Package>) -> Option<String> {
    for name in command
        .packages
        .iter()
        .filter(|p| !p.starts_with('<') && !p.starts_with('-'))
    {
        let Some(package) = packages.get(name) else {
            return Some(format!("no package {name}"));
        };
        if command.subcommand == "run" {
            match &command.bin {
                Some(bin) if !package.bins.contains(bin) => {
                    return Some(format!("{name} has no binary {bin}"));
                }
                None if package.bins.len() != 1 && package.default_run.is_none() => {
                    return Some(format!(
                        "cargo cannot pick one of {name}'s binaries {:?}: add --bin or a default-run",
                        package.bins
                    ));
                }
                _ => {}
            }
        }
        for test in &command.tests {
            if !package.tests.contains(test) {
                return Some(format!("{name} has no test target {test}"));
            }
        }
    }
    None
}

#[test]
fn every_documented_cargo_command_names_targets_that_exist() {
    let packages = packages();
    let mut checked = 0;
    let mut broken = Vec::new();
    for doc in docs() {
        let text = std::fs::read_to_string(&doc).expect("a doc");
        for (line, command) in commands(&text) {
            checked += 1;
            if let Some(problem) = problem(&command, &packages) {
                let shown = doc.strip_prefix(root()).unwrap_or(&doc).display();
                broken.push(format!("{shown}:{line}: {problem}"));
            }
        }
    }
    assert!(
        checked >= 40,
        "only {checked} commands found: is the parser blind?"
    );
    assert!(
        broken.is_empty(),
        "documented commands that cannot run as written:\n  {}",
        broken.join("\n  ")
    );
}

/// The preparation (`cargo run -p workshop -- prepare`) builds each
/// program and test target WORKSHOP.md has attendees run, as that command
/// builds it: after it, the day compiles nothing.
#[test]
fn the_preparation_builds_every_command_of_the_workshop() {
    let prepared = |subcommand: &str, package: &str, test: Option<&str>| {
        workshop::DAY.iter().any(|args| {
            let wanted = if subcommand == "run" { "build" } else { "test" };
            let named = |flag: &str, value: &str| {
                args.windows(2)
                    .any(|pair| pair[0] == flag && pair[1] == value)
            };
            args[0] == wanted && named("-p", package) && test.is_none_or(|t| named("--test", t))
        })
    };
    let text = std::fs::read_to_string(root().join("WORKSHOP.md")).expect("WORKSHOP.md");
    let mut missing = Vec::new();
    for (line, command) in commands(&text) {
        // The preparation's own command is not one of the day's.
        let day_packages = command
            .packages
            .iter()
            .filter(|p| !p.starts_with('<') && *p != "workshop");
        for package in day_packages {
            let covered = match command.subcommand.as_str() {
                "run" => prepared("run", package, None),
                _ if command.tests.is_empty() => prepared("test", package, None),
                _ => command
                    .tests
                    .iter()
                    .all(|test| prepared("test", package, Some(test))),
            };
            if !covered {
                missing.push(format!("WORKSHOP.md:{line}: {command:?}"));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "commands the preparation does not build (add them to workshop::DAY):\n  {}",
        missing.join("\n  ")
    );
}

#[test]
fn the_checker_sees_each_kind_of_broken_command() {
    let mut packages = BTreeMap::new();
    packages.insert(
        "two-bins".to_string(),
        Package {
            bins: vec!["a".into(), "b".into()],
            ..Package::default()
        },
    );
    packages.insert(
        "stage".to_string(),
        Package {
            bins: vec!["stage".into()],
            tests: vec!["labs".into()],
            default_run: None,
        },
    );
    let check = |markdown: &str| {
        let commands = commands(markdown);
        assert_eq!(commands.len(), 1, "{markdown}: {commands:?}");
        problem(&commands[0].1, &packages)
    };
    assert_eq!(check("`cargo run -p stage`"), None);
    assert_eq!(check("`LAB=x cargo run -p stage -- --bin nope`"), None);
    assert_eq!(check("`cargo run -p two-bins --bin b`"), None);
    assert_eq!(
        check("`cargo test -p stage --test labs` (and `--test x`)"),
        None
    );
    assert!(check("`cargo run -p two-bins`").is_some());
    assert!(check("`cargo run -p two-bins --bin c`").is_some());
    assert!(check("cargo run -p nowhere   # a comment").is_some());
    assert!(check("| `cargo test -p stage --test flow` |").is_some());
}
