//! `GET /auth/{provider}`, stage 3: stage 1's checks, the mix-up check,
//! the provider's exchange and profile, then the user (found by provider
//! and subject, or created) and a new server-side session.

use crate::app::PermissionsApp;
use crate::{cookie, offline, store, users};
use basic::transaction::InFlight;
use common::lab::Defence;
use common::{Answer, Decision, Problem};
use std::sync::Arc;

/// The callback of the provider named in the path.
pub async fn auth(
    app: Arc<PermissionsApp>,
    name: String,
    raw_query: String,
    cookies: Option<String>,
) -> Answer {
    let Some(provider) = app.provider(&name) else {
        return Err(unknown_provider(&name));
    };
    let policy = app.app.cookies;
    let mut in_flight =
        InFlight::from_cookies(&app.app.keys, policy, cookies.as_deref(), app.app.now())?;
    let old_session = cookie::read(policy, cookies.as_deref())?;
    let logged_in = async {
        // Step 7, as in stage 1: a login of this browser, its state, iss.
        let accepted = basic::callback::check(
            &app.app,
            provider.display_name(),
            &raw_query,
            &mut in_flight,
        )?;

        // The mix-up attack (RFC 9700 §4.4): a login started with one
        // provider whose answer arrives on another's path. Its code would
        // go to the wrong token endpoint, with our credentials for it.
        // Refused here, before any token request.
        // (LAB=mix-up switches this check off, to show what it stops.)
        let mixed_up = accepted.transaction.issuer != provider.issuer();
        if mixed_up && app.app.lab.is_on(Defence::MixUpChecks) {
            return Err(Problem::bad_request(format!(
                "This login was not started with {}, but its answer came to /auth/{}: refused before any token request (a mix-up attack?). Start again at /login.",
                provider.display_name(),
                provider.name()
            )));
        }
        // A link, not a login: the identity joins the user who asked.
        if let Some(user_id) = accepted.transaction.link_to {
            let logged_in_as = match &old_session {
                Some(id) => app
                    .lookups
                    .find(&id.hash())
                    .await?
                    .filter(|s| !s.is_over(app.app.now()))
                    .map(|s| s.user_id),
                None => None,
            };
            return crate::linking::finish(&app, provider, accepted, user_id, logged_in_as).await;
        }
        let now = app.app.now();
        let (tokens, login) = provider.finish(accepted, now).await?;
        let starting = if app.offline {
            offline::starting_permissions(login.provider, &login.subject)
        } else {
            &[]
        };
        let user_id = users::find_or_create(&app.db, &login, now, starting).await?;

        // No session fixation: whatever session this browser had (another
        // user's, or one an attacker planted) ends here, and the new one
        // gets a new id.
        if let Some(old) = &old_session {
            if let Some(held) = store::delete(&app.db, &app.seal, &old.hash()).await? {
                crate::logout::revoke(&app, &held).await;
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
            cookie::set(policy, &id, app.timeouts.lifetime),
        );
        app.app.report.report(Decision::SessionOpened);
        Ok(response)
    };
    let answer = logged_in.await;
    in_flight.end_with(&app.app.keys, policy, answer)
}

/// 404, for a provider name this stage does not have.
pub fn unknown_provider(name: &str) -> Problem {
    Problem::new(
        http::StatusCode::NOT_FOUND,
        format!(
            "No provider named {:?} here. /login lists the ones there are.",
            basic::callback::clip(name)
        ),
    )
}

/// `GET /login/{provider}`: steps 1 and 2 with that provider, the login
/// added to this browser's logins in progress.
pub fn login(app: Arc<PermissionsApp>, name: String, cookies: Option<String>) -> Answer {
    let Some(provider) = app.provider(&name) else {
        return Err(unknown_provider(&name));
    };
    let (authorize_url, transaction) = provider.begin(app.app.now());
    basic::login::send_to_provider(&app.app, cookies.as_deref(), authorize_url, transaction)
}
