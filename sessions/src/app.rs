//! What this stage's handlers share: stage 1's [`App`], plus the refreshes
//! in flight.

use crate::refresh::Refresher;
use common::App;
use std::convert::Infallible;
use std::sync::Arc;
use warp::Filter;

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

/// Hands the stage's state to a handler: `.and(with_session_app(app))`.
pub fn with_session_app(
    app: Arc<SessionApp>,
) -> impl Filter<Extract = (Arc<SessionApp>,), Error = Infallible> + Clone {
    warp::any().map(move || app.clone())
}
