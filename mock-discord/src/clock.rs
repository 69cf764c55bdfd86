//! The mock's sense of time.
//!
//! Codes live 100 seconds and access tokens a week. A test that had to sleep
//! through either would be slow or flaky, so every expiry in the mock reads
//! this clock, and tests move it forward (`MockHandle::advance_clock`, or
//! `POST /__mock/clock`) instead of waiting.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The furthest the clock may be moved: a hundred years. Far enough for
/// any lesson (tokens live a week), and far from where `u64` milliseconds
/// would overflow, so no sum below can wrap or panic.
pub const MAX_OFFSET: Duration = Duration::from_secs(100 * 365 * 24 * 3600);

/// Moving the clock would take it past [`MAX_OFFSET`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooFar;

/// Wall-clock time plus an offset that only ever grows.
#[derive(Clone, Debug, Default)]
pub struct Clock {
    offset_ms: Arc<AtomicU64>,
}

impl Clock {
    /// Milliseconds since the Unix epoch, as the mock sees it.
    pub fn now_ms(&self) -> u64 {
        let real = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default()
            .as_millis() as u64;
        real.saturating_add(self.offset_ms.load(Ordering::Relaxed))
    }

    /// Seconds since the Unix epoch, as the mock sees it.
    pub fn now_secs(&self) -> u64 {
        self.now_ms() / 1000
    }

    /// Moves the mock's time forward. Time never goes back: a clock that
    /// could rewind would resurrect expired codes. The offset is checked,
    /// not added blindly: `POST /__mock/clock` takes any number, and an
    /// overflow would panic every later request in a debug build.
    pub fn advance(&self, by: Duration) -> Result<Duration, TooFar> {
        let max_ms = MAX_OFFSET.as_millis() as u64;
        let by_ms = u64::try_from(by.as_millis()).map_err(|_| TooFar)?;
        self.offset_ms
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |offset| {
                offset.checked_add(by_ms).filter(|sum| *sum <= max_ms)
            })
            .map(|before| Duration::from_millis(before + by_ms))
            .map_err(|_| TooFar)
    }

    /// How far the clock has been moved, for the inspector.
    pub fn offset(&self) -> Duration {
        Duration::from_millis(self.offset_ms.load(Ordering::Relaxed))
    }
}

/// Formats epoch seconds as Discord does in `GET /oauth2/@me`'s `expires`:
/// ISO 8601 with microseconds and an explicit UTC offset.
pub fn iso8601(epoch_secs: u64) -> String {
    let format = time::macros::format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:6]+00:00"
    );
    time::OffsetDateTime::from_unix_timestamp(epoch_secs as i64)
        .ok()
        .and_then(|t| t.format(&format).ok())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn advancing_moves_now_forward() {
        let clock = Clock::default();
        let before = clock.now_secs();
        clock.advance(Duration::from_secs(3600)).unwrap();
        assert!(clock.now_secs() >= before + 3600);
    }

    #[test]
    fn the_clock_cannot_be_moved_past_its_bound() {
        let clock = Clock::default();
        assert_eq!(clock.advance(Duration::from_secs(u64::MAX)), Err(TooFar));
        assert_eq!(clock.advance(MAX_OFFSET), Ok(MAX_OFFSET));
        assert_eq!(clock.advance(Duration::from_millis(1)), Err(TooFar));
        assert_eq!(clock.offset(), MAX_OFFSET);
        assert!(clock.now_secs() > MAX_OFFSET.as_secs());
    }

    #[test]
    fn iso8601_matches_discords_shape() {
        assert_eq!(iso8601(0), "1970-01-01T00:00:00.000000+00:00");
        assert_eq!(iso8601(1_700_000_000), "2023-11-14T22:13:20.000000+00:00");
    }
}
