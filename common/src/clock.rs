//! What time it is, for every expiry a stage checks: the login transaction's
//! ten minutes, the access token's week.
//!
//! In production that is the wall clock. Offline and in tests the stage
//! reads the mock provider's clock instead ([`crate::offline`] plugs it in),
//! so that moving the mock's clock forward expires tokens on both sides at
//! once, and no test has to sleep for a week.

use std::fmt;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

/// How far ahead of this clock a time another instance wrote may be:
/// two servers' clocks differ by a little.
pub const MAX_SKEW_SECS: u64 = 60;

/// Was `then` written further in the future of `now` than [`MAX_SKEW_SECS`]?
/// Such a time came from a clock that has since gone back: an offline
/// stage restarted after its mock's clock was moved forward, or a server
/// whose clock was wrong. Trusting it would make a session's age zero for
/// as long as that clock was ahead, so a session stamped so is over.
pub fn from_the_future(then: u64, now: u64) -> bool {
    then > now.saturating_add(MAX_SKEW_SECS)
}

/// Anything that can say the time in Unix seconds.
pub trait TimeSource: Send + Sync + 'static {
    fn now_secs(&self) -> u64;
}

/// The operating system's clock.
struct WallClock;

impl TimeSource for WallClock {
    fn now_secs(&self) -> u64 {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default()
            .as_secs()
    }
}

/// The clock a stage reads, cheap to clone.
#[derive(Clone)]
pub struct Clock(Arc<dyn TimeSource>);

impl Clock {
    /// The wall clock.
    pub fn wall() -> Clock {
        Clock(Arc::new(WallClock))
    }

    /// Another source of time, such as the mock provider's clock.
    pub fn from_source(source: impl TimeSource) -> Clock {
        Clock(Arc::new(source))
    }

    /// Seconds since the Unix epoch.
    pub fn now(&self) -> u64 {
        self.0.now_secs()
    }
}

impl Default for Clock {
    fn default() -> Clock {
        Clock::wall()
    }
}

impl fmt::Debug for Clock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Clock({})", self.now())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Fixed(u64);
    impl TimeSource for Fixed {
        fn now_secs(&self) -> u64 {
            self.0
        }
    }

    #[test]
    fn a_clock_reads_its_source() {
        assert_eq!(Clock::from_source(Fixed(42)).now(), 42);
        assert!(Clock::wall().now() > 1_700_000_000);
    }

    #[test]
    fn a_time_beyond_the_skew_is_from_the_future() {
        assert!(!from_the_future(1_060, 1_000));
        assert!(from_the_future(1_061, 1_000));
        assert!(!from_the_future(u64::MAX, u64::MAX));
    }
}
