//! Administration, for users with `admin`: a page with forms, and the same
//! operations as JSON for scripts. Every change is a POST (or PUT/DELETE)
//! behind the same cross-site check as logout, so another site cannot make
//! an admin's browser grant anything.

use crate::app::PermissionsApp;
use crate::guard::CurrentUser;
use crate::users::{self, User};
use crate::PERMISSIONS;
use askama::Template;
use common::{Answer, Problem};
use http::StatusCode;
use serde::Deserialize;
use std::sync::Arc;
use warp::Reply;

#[derive(Template)]
#[template(path = "admin.html")]
struct AdminPage<'a> {
    users: &'a [User],
    permissions: &'a [&'a str],
}

/// `GET /admin/users`: every user, their identities and permissions.
pub async fn page(app: Arc<PermissionsApp>, _admin: CurrentUser) -> Answer {
    let users = users::list(&app.db).await?;
    common::respond::page(&AdminPage {
        users: &users,
        permissions: &PERMISSIONS,
    })
}

/// The page's form: one permission, given or taken.
#[derive(Deserialize)]
pub struct ChangeForm {
    pub permission: String,
    pub action: String,
}

/// `POST /admin/users/{id}/permissions`: a form from the page, then back.
pub async fn change(
    user_id: i64,
    app: Arc<PermissionsApp>,
    _admin: CurrentUser,
    form: ChangeForm,
) -> Answer {
    let grant = match form.action.as_str() {
        "grant" => true,
        "revoke" => false,
        _ => return Err(Problem::bad_request("action must be grant or revoke")),
    };
    set(&app, user_id, &form.permission, grant).await?;
    Ok(common::respond::see_other("/admin/users"))
}

/// `GET /admin/api/users`: the same list, as JSON.
pub async fn list(app: Arc<PermissionsApp>, _admin: CurrentUser) -> Answer {
    let users = users::list(&app.db).await?;
    Ok(common::respond::no_store(
        warp::reply::json(&users).into_response(),
    ))
}

/// `PUT /admin/api/users/{id}/permissions/{name}`: 204, or 404 for an
/// unknown user, 400 for an unknown permission.
pub async fn api_grant(
    user_id: i64,
    permission: String,
    app: Arc<PermissionsApp>,
    _admin: CurrentUser,
) -> Answer {
    set(&app, user_id, &permission, true).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `DELETE /admin/api/users/{id}/permissions/{name}`: the same, revoking.
pub async fn api_revoke(
    user_id: i64,
    permission: String,
    app: Arc<PermissionsApp>,
    _admin: CurrentUser,
) -> Answer {
    set(&app, user_id, &permission, false).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

async fn set(
    app: &PermissionsApp,
    user_id: i64,
    permission: &str,
    grant: bool,
) -> Result<(), Problem> {
    let permission = known(permission)?;
    if users::get(&app.db, user_id).await?.is_none() {
        return Err(Problem::new(StatusCode::NOT_FOUND, "No such user"));
    }
    if grant {
        users::grant(&app.db, user_id, permission).await
    } else {
        users::revoke(&app.db, user_id, permission)
            .await
            .map(|_| ())
    }
}

/// One of the permissions the routes check, or 400.
pub fn known(permission: &str) -> Result<&'static str, Problem> {
    PERMISSIONS
        .iter()
        .find(|known| **known == permission)
        .copied()
        .ok_or_else(|| {
            Problem::bad_request(format!(
                "Unknown permission; the known ones are {}",
                PERMISSIONS.join(", ")
            ))
        })
}
