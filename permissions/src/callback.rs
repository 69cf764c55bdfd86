//! `GET /auth`, stage 3: stage 1's checks and code exchange, then the user
//! (found by provider and subject, or created), and a new server-side
//! session.

use crate::app::PermissionsApp;
use crate::users::LoginProfile;
use crate::{cookie, offline, store, users};
use basic::callback::complete;
use basic::transaction::InFlight;
use common::{Answer, Problem};
use http::StatusCode;
use serde_json::Value;
use std::sync::Arc;

/// The provider's name in the database.
pub const DISCORD: &str = "discord";

pub async fn auth(app: Arc<PermissionsApp>, raw_query: String, cookies: Option<String>) -> Answer {
    let policy = app.app.cookies;
    let mut in_flight =
        InFlight::from_cookies(&app.app.keys, policy, cookies.as_deref(), app.app.now())?;
    let old_session = cookie::read(policy, cookies.as_deref())?;
    let logged_in = async {
        let tokens = complete(&app.app, &raw_query, &mut in_flight).await?;
        let login = who_logged_in(&app, &tokens.access_token).await?;
        let now = app.app.now();
        let starting = if app.offline {
            offline::starting_permissions(login.provider, &login.subject)
        } else {
            &[]
        };
        let user_id = users::find_or_create(&app.db, &login, now, starting).await?;

        // No session fixation: whatever session this browser had (another
        // user's, or one an attacker planted) ends here, and the new one
        // gets a new id.
        if let Some(old) = old_session {
            if let Some(old_tokens) = store::delete(&app.db, &app.seal, &old.hash()).await? {
                crate::logout::revoke(&app, &old_tokens).await;
            }
        }
        let access_expires_at = tokens.expires_at.unwrap_or(now.saturating_add(3600));
        let id = store::create(
            &app.db,
            &app.seal,
            user_id,
            login.provider,
            &tokens,
            access_expires_at,
            now,
            app.timeouts,
        )
        .await?;
        let mut response = common::respond::see_other("/users/me");
        response.headers_mut().append(
            http::header::SET_COOKIE,
            cookie::set(app.app.cookies, &id, app.timeouts.lifetime),
        );
        Ok(response)
    };
    let answer = logged_in.await;
    in_flight.end_with(&app.app.keys, policy, answer)
}

/// Discord's `/users/@me`, once, for the subject (Discord's user id) and
/// the name.
async fn who_logged_in(app: &PermissionsApp, access_token: &str) -> Result<LoginProfile, Problem> {
    let provider = app.app.provider.display_name;
    let profile: Value = app
        .app
        .upstream
        .get_json(&app.app.provider.api_url("/users/@me"), access_token)
        .await
        .map_err(|e| Problem::upstream(provider, &e))?;
    let subject = profile["id"]
        .as_str()
        .filter(|id| !id.is_empty())
        .ok_or_else(|| {
            Problem::new(
                StatusCode::BAD_GATEWAY,
                format!("{provider}'s profile has no user id."),
            )
        })?
        .to_string();
    let display_name = profile["global_name"]
        .as_str()
        .or(profile["username"].as_str())
        .unwrap_or(&subject)
        .to_string();
    Ok(LoginProfile {
        provider: DISCORD,
        subject,
        display_name,
        profile,
    })
}
