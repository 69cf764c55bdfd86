//! `POST /logout` and `POST /logout/all`: the row goes, so every copy of
//! the cookie stops working, here and on every other instance; the grant
//! is revoked at the provider as in stage 2.

use crate::app::PermissionsApp;
use crate::guard::CurrentUser;
use crate::store::HeldTokens;
use crate::{cookie, store};
use common::Answer;
use std::sync::Arc;

/// `POST /logout`: this browser's session.
pub async fn logout(app: Arc<PermissionsApp>, cookies: Option<String>) -> Answer {
    if let Some(id) = cookie::read(app.cookies, cookies.as_deref())? {
        if let Some(tokens) = store::delete(&app.db, &app.seal, &id.hash()).await? {
            revoke(&app, &tokens).await;
        }
    }
    sessions::logout::logged_out(&app)
}

/// `POST /logout/all`: every session of the user, in every browser.
pub async fn logout_all(app: Arc<PermissionsApp>, user: CurrentUser) -> Answer {
    for tokens in store::delete_all_of(&app.db, &app.seal, user.user_id()).await? {
        revoke(&app, &tokens).await;
    }
    sessions::logout::logged_out(&app)
}

/// Revocation at the provider that issued the tokens (stage 2's, for
/// Discord).
pub async fn revoke(app: &PermissionsApp, held: &HeldTokens) {
    match app.provider(&held.provider) {
        Some(provider) => provider.revoke(&held.tokens).await,
        None => tracing::warn!(
            provider = %held.provider,
            "a session of a provider this stage no longer has: not revoked there"
        ),
    }
}
