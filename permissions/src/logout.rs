//! `POST /logout` and `POST /logout/all`: the row goes, so every copy of
//! the cookie stops working, here and on every other instance; the grant
//! is revoked at the provider as in stage 2 ([`crate::ending`]).

use crate::app::PermissionsApp;
use crate::cookie;
use crate::ending::{end, revoke};
use crate::guard::CurrentUser;
use common::Answer;
use std::sync::Arc;

/// `POST /logout`: this browser's session.
pub async fn logout(app: Arc<PermissionsApp>, cookies: Option<String>) -> Answer {
    if let Some(id) = cookie::read(app.cookies, cookies.as_deref())? {
        end(&app, &id.hash()).await?;
    }
    sessions::logout::logged_out(&app)
}

/// `POST /logout/all`: every session of the user, in every browser.
pub async fn logout_all(app: Arc<PermissionsApp>, user: CurrentUser) -> Answer {
    for tokens in crate::ending::delete_all_of(&app.db, &app.seal, user.user_id(), None).await? {
        revoke(&app, &tokens).await;
    }
    sessions::logout::logged_out(&app)
}
