//! Everything the stages log while a test runs, captured: for the tests
//! that a whole flow's log holds no token, code, verifier or secret.
//!
//! The capture is the process's global subscriber, at the most verbose
//! level: every thread's lines are caught (the stage's handlers, the mock
//! it logs in with, any other test of the same binary). A subscriber for
//! one thread only would miss lines: tracing caches, per call site,
//! whether anyone listens, and a test running beside it without one can
//! settle that to "nobody".

use parking_lot::Mutex;
use std::io::Write;
use std::sync::{Arc, OnceLock};
use tracing_subscriber::fmt::MakeWriter;

/// Lines logged while the capture is alive.
#[derive(Clone, Default)]
pub struct CapturedLogs(Arc<Mutex<Vec<u8>>>);

impl CapturedLogs {
    /// Captures every level, from every thread, for the rest of the
    /// process (once: later calls share the same capture).
    pub fn start() -> CapturedLogs {
        static GLOBAL: OnceLock<CapturedLogs> = OnceLock::new();
        GLOBAL
            .get_or_init(|| {
                let logs = CapturedLogs::default();
                let subscriber = tracing_subscriber::fmt()
                    .with_max_level(tracing::Level::TRACE)
                    .with_ansi(false)
                    .with_writer(logs.clone())
                    .finish();
                tracing::subscriber::set_global_default(subscriber)
                    .expect("no other global subscriber in a test process");
                logs
            })
            .clone()
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock()).into_owned()
    }

    /// Fails, naming each, if any of `secrets` is in the log (or if the log
    /// is empty: then nothing was captured, and nothing proven).
    pub fn assert_holds_none_of(&self, secrets: &[(&str, &str)]) {
        let text = self.text();
        assert!(
            text.lines().count() > 3,
            "too little captured to prove anything:\n{text}"
        );
        for (what, secret) in secrets {
            assert!(secret.len() >= 8, "{what} is too short to search for");
            assert!(!text.contains(secret), "the {what} is in the log:\n{text}");
        }
    }
}

impl Write for CapturedLogs {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for CapturedLogs {
    type Writer = CapturedLogs;

    fn make_writer(&'a self) -> CapturedLogs {
        self.clone()
    }
}
