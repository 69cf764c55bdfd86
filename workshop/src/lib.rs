//! The workshop's own tool (`src/main.rs` reads its command line). None of
//! it is lesson code: it prepares laptops and runs the exercises.
//!
//! * [`prepare`]: `cargo run -p workshop -- prepare` builds, the day
//!   before, exactly what a workshop day runs.
//! * The exercises, "break it, fix it": `start N` takes one defence out of
//!   the real code and leaves a `todo!`; the stage's own test fails until
//!   the learner writes it back. [`catalogue`] lists them, in lesson order,
//!   with their hints and tests; [`markers`] finds each one's region
//!   between two comment lines in the code; [`exercise`] takes it out and
//!   puts it back without ever losing the learner's work; [`check`] runs
//!   its test.

pub mod catalogue;
pub mod check;
pub mod exercise;
pub mod markers;
pub mod prepare;

pub use prepare::{prepare, DAY};
