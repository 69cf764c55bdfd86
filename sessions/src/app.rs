//! What this stage's handlers share: stage 1's [`App`], plus the refreshes
//! in flight.

use crate::refresh::Refresher;
use common::App;
use std::sync::Arc;

/// Stage 1's app and a [`Refresher`]. Handed out as one `Arc`: a single
/// reference count per request.
#[derive(Debug)]
pub struct SessionApp {
    pub app: App,
    pub refresher: Refresher,
}

impl SessionApp {
    pub fn new(app: App) -> Arc<SessionApp> {
        Arc::new(SessionApp {
            app,
            refresher: Refresher::default(),
        })
    }
}
