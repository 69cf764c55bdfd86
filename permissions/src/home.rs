//! `GET /`: who is logged in, with which permissions.

use crate::app::PermissionsApp;
use crate::cookie;
use crate::users::{self, User};
use askama::Template;
use common::Answer;
use std::sync::Arc;

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage<'a> {
    provider: &'a str,
    /// Escaped by askama: a display name is chosen at the provider.
    user: Option<User>,
}

/// Reads the session without refreshing or touching it: showing a name
/// needs neither.
pub async fn page(app: Arc<PermissionsApp>, cookies: Option<String>) -> Answer {
    let mut user = None;
    if let Some(id) = cookie::read(app.app.cookies, cookies.as_deref())? {
        if let Some(session) = app.lookups.find(&id.hash()).await? {
            if !session.is_over(app.app.now()) {
                user = users::get(&app.db, session.user_id).await?;
            }
        }
    }
    common::respond::page(&HomePage {
        provider: app.app.provider.display_name,
        user,
    })
}
