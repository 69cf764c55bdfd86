//! What `start`, `check`, `solution` and `reset` do to a working tree.
//!
//! The original code of an exercise in progress is kept in
//! `.workshop/<slug>.orig` (ignored by git), so that `reset` and
//! `solution` work whatever the learner wrote, even after a commit. Never
//! losing the learner's work is the rule: `start` refuses a file with
//! uncommitted changes, and `reset` asks before replacing code that is no
//! longer the `todo!`.

use crate::catalogue::{Exercise, EXERCISES};
use crate::markers;
use std::fmt;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Why an operation did not happen, in words for the learner.
#[derive(Debug, PartialEq)]
pub struct Refusal(pub String);

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<markers::MarkerError> for Refusal {
    fn from(error: markers::MarkerError) -> Refusal {
        Refusal(error.to_string())
    }
}

fn io_refusal(path: &Path, error: std::io::Error) -> Refusal {
    Refusal(format!("{}: {error}", path.display()))
}

/// The workspace the exercises live in.
pub struct Workspace {
    root: PathBuf,
}

/// What `reset` did.
#[derive(Debug, PartialEq)]
pub enum Reset {
    /// The original code is back.
    Restored,
    /// The learner said no: nothing changed.
    Kept,
}

impl Workspace {
    pub fn at(root: impl Into<PathBuf>) -> Workspace {
        Workspace { root: root.into() }
    }

    /// The workspace this tool was built in: `cargo run -p workshop`
    /// works from any folder.
    pub fn of_this_build() -> Workspace {
        let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
        Workspace::at(manifest.parent().unwrap_or(manifest))
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    fn saved(&self, exercise: &Exercise) -> PathBuf {
        self.root
            .join(".workshop")
            .join(format!("{}.orig", exercise.slug))
    }

    fn read(&self, exercise: &Exercise) -> Result<String, Refusal> {
        let path = self.root.join(exercise.file);
        std::fs::read_to_string(&path).map_err(|e| io_refusal(&path, e))
    }

    fn write(&self, exercise: &Exercise, text: &str) -> Result<(), Refusal> {
        let path = self.root.join(exercise.file);
        std::fs::write(&path, text).map_err(|e| io_refusal(&path, e))
    }

    /// The exercises started and not reset, in lesson order.
    pub fn in_progress(&self) -> Vec<&'static Exercise> {
        EXERCISES
            .iter()
            .filter(|exercise| self.saved(exercise).exists())
            .collect()
    }

    /// `start`: refuses over uncommitted changes to the exercise's file,
    /// then takes the defence out.
    pub fn start(&self, exercise: &Exercise) -> Result<(), Refusal> {
        self.refuse_started(exercise)?;
        self.refuse_uncommitted(exercise.file)?;
        self.take_out(exercise)
    }

    fn refuse_started(&self, exercise: &Exercise) -> Result<(), Refusal> {
        if self.saved(exercise).exists() {
            return Err(Refusal(format!(
                "exercise {} is already started: `check` it, or `reset` it to start over",
                exercise.number()
            )));
        }
        Ok(())
    }

    /// Puts the `todo!` between the markers, and keeps the original.
    pub fn take_out(&self, exercise: &Exercise) -> Result<(), Refusal> {
        self.take_out_for(exercise, &exercise.placeholder())
    }

    /// Puts `code` between the markers, and keeps the original. Refused
    /// while the exercise is in progress: the code there now is the
    /// learner's, and the original already kept.
    pub fn take_out_for(&self, exercise: &Exercise, code: &str) -> Result<(), Refusal> {
        self.refuse_started(exercise)?;
        let text = self.read(exercise)?;
        let (taken, original) = markers::replace(&text, exercise.slug, code)?;
        let saved = self.saved(exercise);
        if let Some(folder) = saved.parent() {
            std::fs::create_dir_all(folder).map_err(|e| io_refusal(folder, e))?;
        }
        // The original first: if writing the file then fails, nothing is
        // lost, and `reset` finds what to put back.
        std::fs::write(&saved, &original).map_err(|e| io_refusal(&saved, e))?;
        self.write(exercise, &taken)
    }

    /// The code as it was before `start`.
    pub fn original(&self, exercise: &Exercise) -> Result<String, Refusal> {
        let saved = self.saved(exercise);
        std::fs::read_to_string(&saved).map_err(|_| {
            Refusal(format!(
                "exercise {} is not started (no {})",
                exercise.number(),
                saved.display()
            ))
        })
    }

    /// The code between the markers now: the learner's.
    pub fn current(&self, exercise: &Exercise) -> Result<String, Refusal> {
        Ok(markers::region(&self.read(exercise)?, exercise.slug)?)
    }

    /// `solution`: the learner's code against the original, as a diff.
    pub fn solution(&self, exercise: &Exercise) -> Result<String, Refusal> {
        let (original, current) = (self.original(exercise)?, self.current(exercise)?);
        let diff = similar::TextDiff::from_lines(&current, &original);
        Ok(diff
            .unified_diff()
            .header("your code", "the original")
            .to_string())
    }

    /// Is the region still what `start` left there?
    pub fn untouched(&self, exercise: &Exercise) -> Result<bool, Refusal> {
        let text = self.read(exercise)?;
        let (as_started, _) = markers::replace(&text, exercise.slug, &exercise.placeholder())?;
        Ok(as_started == text)
    }

    /// `reset`: puts the original back. When the learner has written code
    /// there, `confirm` is asked first (with what would be lost).
    pub fn reset(
        &self,
        exercise: &Exercise,
        confirm: impl FnOnce(&str) -> bool,
    ) -> Result<Reset, Refusal> {
        let original = self.original(exercise)?;
        if !self.untouched(exercise)? {
            let question = format!(
                "Your code between the markers in {} will be replaced by the original. Throw it away?",
                exercise.file
            );
            if !confirm(&question) {
                return Ok(Reset::Kept);
            }
        }
        self.put_back(exercise, &original)?;
        Ok(Reset::Restored)
    }

    /// Puts `original` between the markers and forgets the exercise.
    pub fn put_back(&self, exercise: &Exercise, original: &str) -> Result<(), Refusal> {
        let restored = markers::restore(&self.read(exercise)?, exercise.slug, original)?;
        self.write(exercise, &restored)?;
        let saved = self.saved(exercise);
        std::fs::remove_file(&saved).map_err(|e| io_refusal(&saved, e))
    }

    /// Refuses when git says `file` has changes not committed (or cannot
    /// say: then nothing could tell the learner's work from ours).
    fn refuse_uncommitted(&self, file: &str) -> Result<(), Refusal> {
        let status = Command::new("git")
            .arg("-C")
            .arg(&self.root)
            .args(["status", "--porcelain", "--", file])
            .output();
        match status {
            Ok(out) if out.status.success() && out.stdout.is_empty() => Ok(()),
            Ok(out) if out.status.success() => Err(Refusal(format!(
                "{file} has changes that are not committed, and the exercise rewrites part of it. Commit them (git commit -am \"my work\") or put them aside (git stash), then start again."
            ))),
            _ => Err(Refusal(format!(
                "cannot ask git whether {file} has uncommitted work: the exercises need git, and the workshop cloned with it (git clone ...)."
            ))),
        }
    }
}
