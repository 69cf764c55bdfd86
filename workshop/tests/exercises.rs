//! No exercise rots: each one's markers are where the catalogue says, its
//! README section exists, and, taken out of the real code, the workspace
//! still compiles and its test fails; put back, the test passes.
//!
//! The last check builds: once per exercise, and once per stage with
//! everything put back. It runs in this workspace, whose tests `cargo test
//! --workspace` has just built, with the same target folder: only the
//! changed stage compiles again. For that it selects the tests with
//! `--workspace` where a learner types `-p <stage>`: built alone, a stage
//! gets other dependency features, and every dependency would compile
//! again.

use std::path::Path;
use std::sync::Mutex;
use std::time::Instant;
use workshop::catalogue::{Exercise, EXERCISES};
use workshop::check::{cargo_in, Outcome};
use workshop::exercise::{Reset, Workspace};

/// The tests below read or rewrite the same files: one at a time.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".into())
}

#[test]
fn every_exercise_has_its_markers_its_section_and_a_prepared_test() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let workspace = Workspace::of_this_build();
    for exercise in EXERCISES {
        let n = exercise.number();
        workspace
            .current(exercise)
            .unwrap_or_else(|e| panic!("exercise {n}: {e}"));
        let readme = std::fs::read_to_string(workspace.root().join(exercise.readme)).unwrap();
        assert!(
            readme.contains(&format!("\n## {}\n", exercise.section)),
            "exercise {n}: {} has no section \"{}\"",
            exercise.readme,
            exercise.section
        );
        let target = test_target(exercise);
        let file = format!("{}/tests/{target}.rs", exercise.stage);
        assert!(
            workspace.root().join(&file).exists(),
            "exercise {n}: no {file}"
        );
        let prepared = workshop::DAY.iter().any(|args| {
            args.windows(2).any(|p| p == ["-p", exercise.stage])
                && args.windows(2).any(|p| p == ["--test", target])
        });
        assert!(prepared, "exercise {n}: `prepare` does not build {file}");
        assert!(
            !exercise.placeholder().contains('\n'),
            "a todo! of one line"
        );
        // Listed where the docs promise: the stage's README and WORKSHOP.md.
        let row = format!(
            "| {n} | {} | {} min | `{}` |",
            exercise.title,
            exercise.minutes,
            exercise.test_command()
        );
        for doc in [
            format!("{}/README.md", exercise.stage),
            "WORKSHOP.md".into(),
        ] {
            let text = std::fs::read_to_string(workspace.root().join(&doc)).unwrap();
            assert!(
                text.contains(&row),
                "{doc} does not list exercise {n}: {row}"
            );
        }
    }
}

/// The test target `--test <name>` an exercise's check runs.
fn test_target(exercise: &Exercise) -> &'static str {
    let at = exercise.test.iter().position(|a| *a == "--test").unwrap();
    exercise.test[at + 1]
}

/// A folder holding a git repository with the real files of `exercises`.
fn repository_with(exercises: &[&Exercise]) -> std::path::PathBuf {
    let root = std::env::temp_dir().join(format!("workshop-test-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    let real = Workspace::of_this_build();
    for exercise in exercises {
        let to = root.join(exercise.file);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(real.root().join(exercise.file), to).unwrap();
    }
    let git = |args: &[&str]| {
        let status = std::process::Command::new("git")
            .arg("-C")
            .arg(&root)
            .args(["-c", "user.name=t", "-c", "user.email=t@example.invalid"])
            .args(args)
            .output()
            .unwrap();
        assert!(status.status.success(), "git {args:?}: {status:?}");
    };
    git(&["init", "-q"]);
    git(&["add", "."]);
    git(&["commit", "-qm", "start"]);
    root
}

/// `start` never mixes its change with the learner's, and `reset` asks
/// before throwing away what the learner wrote.
#[test]
fn start_refuses_uncommitted_work_and_reset_asks_first() {
    // It copies the real file, which the test below rewrites.
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let exercise = &EXERCISES[0];
    let root = repository_with(&[exercise]);
    let workspace = Workspace::at(&root);
    let file = root.join(exercise.file);
    let committed = std::fs::read_to_string(&file).unwrap();

    // Uncommitted work in the file: refused, and the file untouched.
    let with_work = format!("{committed}// my notes\n");
    std::fs::write(&file, &with_work).unwrap();
    let refused = workspace.start(exercise).unwrap_err();
    assert!(refused.0.contains("not committed"), "{refused}");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), with_work);
    std::fs::write(&file, &committed).unwrap();

    // Started: the todo! is in, with its hint; a second start is refused.
    workspace.start(exercise).unwrap();
    let started = std::fs::read_to_string(&file).unwrap();
    assert!(started.contains(&exercise.placeholder()), "{started}");
    assert_eq!(workspace.in_progress().len(), 1);
    assert!(workspace
        .start(exercise)
        .unwrap_err()
        .0
        .contains("already started"));

    // Untouched: reset asks nothing.
    assert_eq!(
        workspace
            .reset(exercise, |_| panic!("asked with nothing to lose"))
            .unwrap(),
        Reset::Restored
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), committed);
    assert!(workspace.in_progress().is_empty());

    // The learner writes code: solution shows it against the original;
    // reset asks, and "no" keeps it.
    workspace.start(exercise).unwrap();
    let mine = started.replace(&exercise.placeholder(), "self.state == received");
    std::fs::write(&file, &mine).unwrap();
    let diff = workspace.solution(exercise).unwrap();
    assert!(diff.contains("-        self.state == received"), "{diff}");
    assert!(
        diff.contains("+        use subtle::ConstantTimeEq;"),
        "{diff}"
    );
    let mut asked = String::new();
    let kept = workspace.reset(exercise, |question| {
        asked = question.to_string();
        false
    });
    assert_eq!(kept.unwrap(), Reset::Kept);
    assert!(asked.contains(exercise.file), "{asked}");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), mine);
    assert_eq!(
        workspace.reset(exercise, |_| true).unwrap(),
        Reset::Restored
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), committed);
    let _ = std::fs::remove_dir_all(&root);
}

/// `cargo test` with the exercise's test targets and arguments, selected
/// in the whole workspace (see the top of this file).
fn run_tests(root: &Path, exercises: &[&Exercise]) -> Outcome {
    let mut args = vec!["test", "--workspace"];
    for exercise in exercises {
        if !args.contains(&test_target(exercise)) {
            args.extend(["--test", test_target(exercise)]);
        }
    }
    if let Some(at) = exercises[0].test.iter().position(|a| *a == "--") {
        args.extend(&exercises[0].test[at..]);
    }
    cargo_in(&cargo(), root, &args).expect("cargo runs")
}

/// Exercises taken out; put back when dropped, even when an assertion
/// fails halfway.
struct TakenOut<'a> {
    workspace: &'a Workspace,
    exercises: Vec<(&'a Exercise, String)>,
}

impl<'a> TakenOut<'a> {
    /// `exercises` taken out, each replaced by what `code` gives for it.
    fn replacing(
        workspace: &'a Workspace,
        exercises: &[&'a Exercise],
        code: impl Fn(&Exercise) -> String,
    ) -> TakenOut<'a> {
        let mut taken = TakenOut {
            workspace,
            exercises: Vec::new(),
        };
        for exercise in exercises {
            workspace.take_out_for(exercise, &code(exercise)).unwrap();
            let original = workspace.original(exercise).unwrap();
            taken.exercises.push((exercise, original));
        }
        taken
    }
}

impl Drop for TakenOut<'_> {
    fn drop(&mut self) {
        for (exercise, original) in &self.exercises {
            if let Err(error) = self.workspace.put_back(exercise, original) {
                eprintln!("could not put exercise {} back: {error}", exercise.slug);
            }
        }
    }
}

/// Each stage in three steps, sharing builds: every exercise of the stage
/// taken out at once, as `start` leaves it (the workspace compiles, the
/// tests fail); then each one alone, replaced by what a learner who skips
/// the defence might write (its own test fails: it notices the missing
/// defence, not just the `todo!`); then everything put back (the tests
/// pass, and the files are byte for byte what they were).
#[test]
fn every_exercise_taken_out_compiles_fails_its_test_and_passes_put_back() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let workspace = Workspace::of_this_build();
    assert!(
        workspace.in_progress().is_empty(),
        "an exercise is in progress in this working tree: `cargo run -p workshop -- reset` it first"
    );
    let root = workspace.root().to_path_buf();
    let started = Instant::now();
    for stage in ["basic", "sessions", "permissions"] {
        let exercises: Vec<&Exercise> = EXERCISES.iter().filter(|e| e.stage == stage).collect();
        let files: Vec<(&str, Vec<u8>)> = exercises
            .iter()
            .map(|e| (e.file, std::fs::read(root.join(e.file)).unwrap()))
            .collect();
        let numbers: Vec<usize> = exercises.iter().map(|e| e.number()).collect();

        let timer = Instant::now();
        let as_started = TakenOut::replacing(&workspace, &exercises, Exercise::placeholder);
        let outcome = run_tests(&root, &exercises);
        drop(as_started);
        assert_compiled_and_failed(&outcome, &format!("exercises {numbers:?} as started"));
        eprintln!(
            "{stage}, as started: compiles, fails ({:.0} s)",
            timer.elapsed().as_secs_f64()
        );

        for exercise in &exercises {
            let timer = Instant::now();
            let without = TakenOut::replacing(&workspace, &[exercise], |e| e.without.into());
            let outcome = run_tests(&root, &[exercise]);
            drop(without);
            let n = exercise.number();
            assert_compiled_and_failed(&outcome, &format!("exercise {n} without its defence"));
            eprintln!(
                "exercise {n}, without its defence: fails ({:.0} s)",
                timer.elapsed().as_secs_f64()
            );
        }

        for (file, before) in &files {
            assert_eq!(
                &std::fs::read(root.join(file)).unwrap(),
                before,
                "{file} put back byte for byte"
            );
        }
        let timer = Instant::now();
        let put_back = run_tests(&root, &exercises);
        assert!(
            put_back.passed,
            "{stage}: with every exercise put back, their tests fail:\n{}",
            put_back.failure()
        );
        eprintln!(
            "{stage}, put back: passes ({:.0} s)",
            timer.elapsed().as_secs_f64()
        );
    }
    eprintln!("all exercises: {:.0} s", started.elapsed().as_secs_f64());
}

fn assert_compiled_and_failed(outcome: &Outcome, what: &str) {
    assert!(
        outcome.compiled(),
        "{what}: the workspace does not compile:\n{}",
        outcome.failure()
    );
    assert!(!outcome.passed, "{what}: the tests pass");
}
