//! The pages watching the live inspector, counted. Each holds a connection
//! open; a bound keeps a forgotten loop of reloads from holding the mock's
//! sockets.

use std::sync::Arc;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// Pages that may watch at once.
pub const MAX_WATCHERS: usize = 16;

pub struct Watchers(Arc<Semaphore>);

impl Default for Watchers {
    fn default() -> Self {
        Watchers(Arc::new(Semaphore::new(MAX_WATCHERS)))
    }
}

impl Watchers {
    /// A place for one more page, if there is one; it is given back when
    /// the permit is dropped (the page went away).
    pub fn admit(&self) -> Option<OwnedSemaphorePermit> {
        self.0.clone().try_acquire_owned().ok()
    }
}
