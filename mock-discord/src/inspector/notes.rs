//! The inspector's inbox for an app's decisions: an app in the same
//! process (a stage in offline mode) reports what it decided, and the note
//! is drawn on the timeline beside the mock's own exchanges.

use crate::inspector::timeline::{AppNote, DrawnStep};
use crate::state::MockState;
use std::sync::Arc;

/// Cheap to clone, and alive as long as the app holds it (a stopped mock
/// just records to nobody).
#[derive(Clone)]
pub struct AppNotes(Arc<MockState>);

impl AppNotes {
    pub(crate) fn for_mock(mock: Arc<MockState>) -> AppNotes {
        AppNotes(mock)
    }

    pub fn note(&self, decision: AppNote) {
        let drawn = DrawnStep::of_note(decision);
        self.0.store().timeline.push(drawn);
    }
}

impl std::fmt::Debug for AppNotes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AppNotes")
    }
}
