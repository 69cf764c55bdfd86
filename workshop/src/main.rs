//! `cargo run -p workshop -- <command>`: see the library's documentation.

use std::io::{BufRead, Write};
use std::process::ExitCode;
use workshop::catalogue::{self, Exercise, EXERCISES};
use workshop::exercise::{Refusal, Reset, Workspace};

const USAGE: &str = "usage: cargo run -p workshop -- <command>

  list              the exercises, and which are in progress
  start N           take exercise N's defence out of the code; you write it back
  check [N]         run its test: \"done\", or the failure
  hint [N]          a second hint
  solution [N]      the original code, as a diff against yours
  reset [N] [--yes] put the original code back (asks first if you wrote some)
  prepare [--offline]
                    build everything a workshop day runs, the day before

N can be left out while a single exercise is in progress.";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let workspace = Workspace::of_this_build();
    let result = match args.first().map(String::as_str) {
        Some("prepare") => return workshop::prepare(&args[1..]),
        Some("list") => Ok(list(&workspace)),
        Some("start") => start(&workspace, &args[1..]),
        Some("check") => check(&workspace, &args[1..]),
        Some("hint") => which(&workspace, &args[1..]).map(|exercise| {
            println!(
                "Exercise {}, second hint: {}",
                exercise.number(),
                exercise.hints[1]
            );
            ExitCode::SUCCESS
        }),
        Some("solution") => which(&workspace, &args[1..]).and_then(|exercise| {
            print!("{}", workspace.solution(exercise)?);
            Ok(ExitCode::SUCCESS)
        }),
        Some("reset") => reset(&workspace, &args[1..]),
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    result.unwrap_or_else(|refusal| {
        eprintln!("{refusal}");
        ExitCode::FAILURE
    })
}

fn list(workspace: &Workspace) -> ExitCode {
    let started = workspace.in_progress();
    for exercise in EXERCISES {
        let mark = if started.iter().any(|e| e.slug == exercise.slug) {
            "in progress"
        } else {
            ""
        };
        println!(
            "{:>2}. [{}] {} ({} min) {mark}",
            exercise.number(),
            exercise.stage,
            exercise.title,
            exercise.minutes
        );
    }
    ExitCode::SUCCESS
}

/// The exercise the arguments name, or the only one in progress.
fn which(workspace: &Workspace, args: &[String]) -> Result<&'static Exercise, Refusal> {
    if let Some(number) = args.iter().find(|a| !a.starts_with("--")) {
        return number
            .parse()
            .ok()
            .and_then(catalogue::numbered)
            .ok_or_else(|| {
                Refusal(format!(
                    "no exercise {number:?}: they are numbered 1 to {} (`list` shows them)",
                    EXERCISES.len()
                ))
            });
    }
    match workspace.in_progress().as_slice() {
        [exercise] => Ok(exercise),
        [] => Err(Refusal(
            "no exercise in progress: `start N` starts one (`list` shows them)".into(),
        )),
        several => {
            let numbers: Vec<String> = several.iter().map(|e| e.number().to_string()).collect();
            Err(Refusal(format!(
                "exercises {} are in progress: say which one",
                numbers.join(", ")
            )))
        }
    }
}

fn start(workspace: &Workspace, args: &[String]) -> Result<ExitCode, Refusal> {
    if args.is_empty() {
        return Err(Refusal("start which exercise? `list` shows them".into()));
    }
    let exercise = which(workspace, args)?;
    workspace.start(exercise)?;
    let n = exercise.number();
    println!("Exercise {n}: {}", exercise.title);
    println!();
    println!(
        "  {}: the code between the `exercise: {}` markers is now a todo!.",
        exercise.file, exercise.slug
    );
    println!("  To do:  {}", exercise.task);
    println!(
        "  Read:   {}, section \"{}\"",
        exercise.readme, exercise.section
    );
    println!("  Test:   {}   (it fails now)", exercise.test_command());
    println!();
    println!("  cargo run -p workshop -- check {n}     \"done\" once the test passes");
    println!("  cargo run -p workshop -- hint {n}      a second hint");
    println!("  cargo run -p workshop -- solution {n}  the original code, as a diff against yours");
    println!("  cargo run -p workshop -- reset {n}     the original code back");
    Ok(ExitCode::SUCCESS)
}

fn check(workspace: &Workspace, args: &[String]) -> Result<ExitCode, Refusal> {
    let exercise = which(workspace, args)?;
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    println!(
        "Exercise {}: {}",
        exercise.number(),
        exercise.test_command()
    );
    let outcome = workshop::check::run(&cargo, workspace.root(), exercise)
        .map_err(|error| Refusal(format!("cannot run {cargo}: {error}")))?;
    if outcome.passed {
        println!("done: the test passes, the defence holds.");
        return Ok(ExitCode::SUCCESS);
    }
    println!("{}", outcome.failure());
    println!(
        "not yet: the test fails (above). `hint {}` gives another hint.",
        exercise.number()
    );
    Ok(ExitCode::FAILURE)
}

fn reset(workspace: &Workspace, args: &[String]) -> Result<ExitCode, Refusal> {
    let exercise = which(workspace, args)?;
    let yes = args.iter().any(|a| a == "--yes");
    let ask = |question: &str| {
        if yes {
            return true;
        }
        print!("{question} [y/N] ");
        let _ = std::io::stdout().flush();
        let mut answer = String::new();
        let _ = std::io::stdin().lock().read_line(&mut answer);
        matches!(answer.trim(), "y" | "Y" | "yes")
    };
    match workspace.reset(exercise, ask)? {
        Reset::Restored => println!("Exercise {}: the original code is back.", exercise.number()),
        Reset::Kept => println!("Nothing changed: your code stays."),
    }
    Ok(ExitCode::SUCCESS)
}
