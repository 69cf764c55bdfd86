//! `GET /`: whether you are logged in, and as whom.

use crate::app::SessionApp;
use crate::session::Session;
use askama::Template;
use common::Answer;
use std::sync::Arc;

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage<'a> {
    provider: &'a str,
    /// Escaped by askama: a display name is user input, chosen on Discord.
    user_name: Option<String>,
}

/// The page reads the session without refreshing it: showing a name needs
/// no valid access token.
pub fn page(app: Arc<SessionApp>, cookies: Option<String>) -> Answer {
    let now = app.app.now();
    let session =
        Session::in_request(&app.app, cookies.as_deref())?.filter(|session| !session.is_over(now));
    common::respond::page(&HomePage {
        provider: app.app.provider.display_name,
        user_name: session.map(|s| s.user_name),
    })
}
