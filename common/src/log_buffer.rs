//! Where a stage's log lines go: a buffer in memory, written out to stderr
//! by a thread of its own, at most [`FLUSH_AFTER`] after the first line
//! it holds.
//!
//! Why not write each line as it comes: one `write` per line, or one
//! wake-up of a writer thread per line, costs a busy stage more than the
//! rest of its request (`./bench.sh sessions` measured 3 µs a request at
//! 100,000 requests a second, twice the session's own work). Here a
//! request only copies its line into the buffer, under a lock held for
//! that copy. The writer is woken once per batch, when a line lands in an
//! empty buffer; it waits [`FLUSH_AFTER`] for more, then writes them all
//! at once.
//!
//! Bounded: a buffer already holding [`MAX_BUFFERED`] bytes (stderr is
//! slower than the requests) takes no more lines. They are dropped and
//! counted, and the request is never slowed by its log.

use parking_lot::{Condvar, Mutex};
use std::io::Write;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;
use tracing_subscriber::fmt::MakeWriter;

/// How long the writer gathers lines before it writes them: short enough
/// that a person watching the log sees a click's line at once.
pub const FLUSH_AFTER: Duration = Duration::from_millis(10);

/// The most the buffer holds: 4 MiB, a few hundred milliseconds of lines
/// at the fastest a stage answers.
pub const MAX_BUFFERED: usize = 4 << 20;

/// The writer `tracing` formats lines into. Cloned by every line's write.
#[derive(Clone)]
pub struct LogBuffer(Arc<Shared>);

struct Shared {
    lines: Mutex<Vec<u8>>,
    /// Signalled when a line lands in an empty buffer, and at the end.
    not_empty: Condvar,
    dropped: AtomicU64,
    stopping: AtomicBool,
}

/// The writer thread, while it runs: dropping it writes out what is
/// buffered and stops the thread.
pub struct LogWriterThread {
    shared: Arc<Shared>,
    thread: Option<JoinHandle<()>>,
}

impl LogBuffer {
    /// A buffer, and its thread writing to `out`.
    pub fn new(out: impl Write + Send + 'static) -> (LogBuffer, LogWriterThread) {
        let shared = Arc::new(Shared {
            lines: Mutex::new(Vec::with_capacity(64 * 1024)),
            not_empty: Condvar::new(),
            dropped: AtomicU64::new(0),
            stopping: AtomicBool::new(false),
        });
        let writer = shared.clone();
        let thread = std::thread::Builder::new()
            .name("log-writer".into())
            .spawn(move || write_out(&writer, out))
            .expect("a thread for the log");
        let running = LogWriterThread {
            shared: shared.clone(),
            thread: Some(thread),
        };
        (LogBuffer(shared), running)
    }

    /// How many lines were dropped, since the start, for a full buffer.
    pub fn dropped_lines(&self) -> u64 {
        self.0.dropped.load(Ordering::Relaxed)
    }
}

impl Write for LogBuffer {
    /// Takes a whole line (the fmt layer writes each line in one call).
    fn write(&mut self, line: &[u8]) -> std::io::Result<usize> {
        let mut lines = self.0.lines.lock();
        if lines.len().saturating_add(line.len()) > MAX_BUFFERED {
            self.0.dropped.fetch_add(1, Ordering::Relaxed);
            return Ok(line.len());
        }
        let was_empty = lines.is_empty();
        lines.extend_from_slice(line);
        drop(lines);
        if was_empty {
            self.0.not_empty.notify_one();
        }
        Ok(line.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for LogBuffer {
    type Writer = LogBuffer;

    fn make_writer(&'a self) -> LogBuffer {
        self.clone()
    }
}

/// The thread: waits for a first line, gathers for [`FLUSH_AFTER`], writes
/// the batch, and again, until stopped; then writes what is left.
fn write_out(shared: &Shared, mut out: impl Write) {
    let mut batch = Vec::with_capacity(64 * 1024);
    loop {
        {
            let mut lines = shared.lines.lock();
            while lines.is_empty() && !shared.stopping.load(Ordering::Acquire) {
                shared.not_empty.wait(&mut lines);
            }
        }
        if !shared.stopping.load(Ordering::Acquire) {
            std::thread::sleep(FLUSH_AFTER);
        }
        std::mem::swap(&mut batch, &mut *shared.lines.lock());
        // Nowhere to report a failing stderr: the lines are lost.
        let _ = out.write_all(&batch).and_then(|()| out.flush());
        batch.clear();
        if shared.stopping.load(Ordering::Acquire) && shared.lines.lock().is_empty() {
            return;
        }
    }
}

impl Drop for LogWriterThread {
    fn drop(&mut self) {
        self.shared.stopping.store(true, Ordering::Release);
        {
            // Taken so that the writer is either waiting (and hears this)
            // or has yet to look at `stopping`.
            let _lines = self.shared.lines.lock();
            self.shared.not_empty.notify_one();
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the writer thread wrote, shared with the test.
    #[derive(Clone, Default)]
    struct Written(Arc<Mutex<Vec<u8>>>);

    impl Write for Written {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.lock().extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn lines_are_written_out_soon_and_in_order() {
        let written = Written::default();
        let (mut buffer, _thread) = LogBuffer::new(written.clone());
        buffer.write_all(b"one\n").unwrap();
        buffer.write_all(b"two\n").unwrap();
        let deadline = std::time::Instant::now() + Duration::from_secs(5);
        while written.0.lock().len() < 8 && std::time::Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(1));
        }
        assert_eq!(&*written.0.lock(), b"one\ntwo\n");
    }

    #[test]
    fn stopping_writes_out_what_is_buffered() {
        let written = Written::default();
        let (mut buffer, thread) = LogBuffer::new(written.clone());
        for n in 0..1000 {
            writeln!(buffer, "line {n}").unwrap();
        }
        drop(thread);
        let text = String::from_utf8(written.0.lock().clone()).unwrap();
        assert_eq!(text.lines().count(), 1000);
        assert_eq!(text.lines().last(), Some("line 999"));
    }

    #[test]
    fn a_full_buffer_drops_and_counts_lines_instead_of_waiting() {
        /// A stderr that takes nothing until the test lets it.
        struct Stuck(Arc<Mutex<()>>);
        impl Write for Stuck {
            fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
                let _wait = self.0.lock();
                Ok(bytes.len())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let stuck = Arc::new(Mutex::new(()));
        let held = stuck.lock();
        let (mut buffer, thread) = LogBuffer::new(Stuck(stuck.clone()));
        let line = [b'x'; 1024];
        // The writer may take one batch before it sticks; then the buffer
        // fills, and every further line is dropped.
        for _ in 0..3 * (MAX_BUFFERED / line.len()) {
            buffer.write_all(&line).unwrap();
        }
        let dropped = buffer.dropped_lines();
        // Unstuck before asserting: a failing test must not hang.
        drop(held);
        drop(thread);
        assert!(
            dropped >= (MAX_BUFFERED / line.len()) as u64,
            "dropped {dropped}"
        );
    }
}
