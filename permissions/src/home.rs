//! `GET /`: who is logged in, with which permissions.

use crate::app::PermissionsApp;
use crate::users::{self, User};
use crate::{cookie, guard};
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
    let id = cookie::read(app.cookies, cookies.as_deref())?;
    let user = match guard::peek(&app, id.as_ref()).await? {
        Some(session) => users::get(&app.db, session.user_id).await?,
        None => None,
    };
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
