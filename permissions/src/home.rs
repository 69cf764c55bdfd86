//! `GET /`: who is logged in, with which permissions.

use crate::app::PermissionsApp;
use crate::cookie;
use crate::users::{self, User};
use askama::Template;
use common::Answer;
use std::sync::Arc;

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    /// Escaped by askama: a display name is chosen at the provider.
    user: Option<User>,
    /// The providers the user has no identity at yet: "link" buttons.
    can_link: Vec<Choice>,
}

/// One button of the login page.
struct Choice {
    name: &'static str,
    display_name: &'static str,
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    providers: Vec<Choice>,
}

/// `GET /login`: one button per provider.
pub fn login_page(app: Arc<PermissionsApp>) -> Answer {
    let providers = app
        .providers()
        .iter()
        .map(|p| Choice {
            name: p.name(),
            display_name: p.display_name(),
        })
        .collect();
    common::respond::page(&LoginPage { providers })
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
    let can_link = match &user {
        Some(user) => app
            .providers()
            .iter()
            .filter(|p| !user.identities.iter().any(|i| i.provider == p.name()))
            .map(|p| Choice {
                name: p.name(),
                display_name: p.display_name(),
            })
            .collect(),
        None => Vec::new(),
    };
    common::respond::page(&HomePage { user, can_link })
}
