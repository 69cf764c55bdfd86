//! Discord's REST API, the part an OAuth2 login uses: who is this user
//! (`/users/@me`), what does this token allow (`/oauth2/@me`), and which
//! servers is the user in (`/users/@me/guilds`).

use crate::clock::iso8601;
use crate::config::User;
use crate::oauth::grants::{Grant, TokenKind};
use crate::oauth::reply::{json, unauthorized};
use crate::oauth::request::MockRequest;
use crate::state::MockState;
use http::StatusCode;
use serde_json::{json, Value};
use warp::reply::Response;

/// The grant behind a live access token, or Discord's 401. RFC 6750 §2.1:
/// the token travels in `Authorization: Bearer …`, and only there.
fn authorized_grant(mock: &MockState, request: &MockRequest) -> Result<Grant, Response> {
    let token = request.bearer_token().ok_or_else(unauthorized)?;
    let store = mock.store();
    match store.grants.find_token(token) {
        Some((id, TokenKind::Access)) => {
            let grant = store.grants.grant(id).ok_or_else(unauthorized)?;
            if grant.access_expires_at <= mock.clock.now_secs() {
                return Err(unauthorized());
            }
            Ok(grant.clone())
        }
        _ => Err(unauthorized()),
    }
}

fn has(grant: &Grant, scope: &str) -> bool {
    grant.scopes.iter().any(|s| s == scope)
}

/// The user object with Discord's field names and types. `email` and
/// `verified` exist only for tokens with the `email` scope.
fn user_json(user: &User, with_email: bool) -> Value {
    let mut value = json!({
        "id": user.id,
        "username": user.username,
        "discriminator": user.discriminator,
        "global_name": user.global_name,
        "avatar": user.avatar,
        "bot": user.bot,
        "system": user.system,
        "mfa_enabled": user.mfa_enabled,
        "banner": user.banner,
        "accent_color": user.accent_color,
        "locale": user.locale,
        "flags": user.flags,
        "public_flags": user.public_flags,
        "premium_type": user.premium_type,
        "avatar_decoration_data": null,
    });
    if with_email {
        value["email"] = json!(user.email);
        value["verified"] = json!(user.verified);
    }
    value
}

fn user_of(mock: &MockState, grant: &Grant) -> Result<User, Response> {
    mock.config()
        .user(&grant.user_id)
        .cloned()
        .ok_or_else(unauthorized)
}

/// `GET /api/v10/users/@me` (needs `identify`).
pub fn users_me(mock: &MockState, request: &MockRequest) -> Response {
    let result = authorized_grant(mock, request).and_then(|grant| {
        if !has(&grant, "identify") {
            return Err(unauthorized());
        }
        let user = user_of(mock, &grant)?;
        Ok(json(
            StatusCode::OK,
            &user_json(&user, has(&grant, "email")),
        ))
    });
    result.unwrap_or_else(|response| response)
}

/// `GET /api/v10/oauth2/@me`: the current authorization.
pub fn oauth2_me(mock: &MockState, request: &MockRequest) -> Response {
    let result = authorized_grant(mock, request).and_then(|grant| {
        let config = mock.config();
        let app_name = config
            .client(&grant.client_id)
            .map(|c| c.name.clone())
            .unwrap_or_default();
        let mut body = json!({
            "application": {
                "id": grant.client_id,
                "name": app_name,
                "icon": null,
                "description": "",
                "bot_public": false,
                "bot_require_code_grant": false,
            },
            "scopes": grant.scopes,
            "expires": iso8601(grant.access_expires_at),
        });
        if has(&grant, "identify") {
            let user = user_of(mock, &grant)?;
            body["user"] = user_json(&user, false);
        }
        Ok(json(StatusCode::OK, &body))
    });
    result.unwrap_or_else(|response| response)
}

/// `GET /api/v10/users/@me/guilds` (needs `guilds`).
pub fn guilds(mock: &MockState, request: &MockRequest) -> Response {
    let result = authorized_grant(mock, request).and_then(|grant| {
        if !has(&grant, "guilds") {
            return Err(unauthorized());
        }
        let user = user_of(mock, &grant)?;
        let config = mock.config();
        let guilds: Vec<Value> = user
            .guilds
            .iter()
            .filter_map(|membership| {
                let guild = config.guild(&membership.guild)?;
                // A partial guild, in the order of Discord's documentation.
                Some(json!({
                    "id": guild.id,
                    "name": guild.name,
                    "icon": guild.icon,
                    "banner": guild.banner,
                    "owner": membership.owner,
                    "permissions": membership.permissions,
                    "features": guild.features,
                }))
            })
            .collect();
        Ok(json(StatusCode::OK, &guilds))
    });
    result.unwrap_or_else(|response| response)
}
