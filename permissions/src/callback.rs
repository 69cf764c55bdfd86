//! `GET /auth/{provider}`, stage 3: stage 1's checks, the mix-up check,
//! the provider's exchange and profile, then the user (found by provider
//! and subject, or created) and a new server-side session.

use crate::app::PermissionsApp;
use crate::carried::Carried;
use crate::{cookie, guard, offline, store, users};
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
    let provider = app.provider_named(&name)?;
    let policy = app.cookies;
    let mut in_flight = InFlight::from_cookies(&app.keys, policy, cookies.as_deref(), app.now())?;
    let old_session = cookie::read(policy, cookies.as_deref())?;
    let logged_in = async {
        // Step 7, as in stage 1: a login of this browser, its state, iss.
        let accepted =
            basic::callback::check(&app, provider.expected(), &raw_query, &mut in_flight)?;

        // The mix-up attack (RFC 9700 §4.4): a login started with one
        // provider whose answer arrives on another's path. Its code would
        // go to the wrong token endpoint, with our credentials for it.
        // Refused here, before any token request.
        // (LAB=mix-up switches this check off, to show what it stops.)
        // >>> exercise: mix-up
        let mixed_up = accepted.transaction.issuer != provider.issuer();
        if mixed_up && app.lab.is_on(Defence::Issuer) {
            return Err(Problem::bad_request(format!(
                "This login was not started with {}, but its answer came to /auth/{}: refused before any token request (a mix-up attack?). Start again at /login.",
                provider.display_name(),
                provider.name()
            )));
        }
        // <<< exercise: mix-up
        // A link, not a login: the identity joins the user who asked.
        if let Some(user_id) = Carried::of(&accepted.transaction).link_to {
            let logged_in_as = guard::peek(&app, old_session.as_ref())
                .await?
                .map(|s| s.user_id);
            return crate::linking::finish(&app, provider, accepted, user_id, logged_in_as).await;
        }
        let now = app.now();
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
        // >>> exercise: fixation
        if let Some(old) = &old_session {
            if let Some(held) = store::delete(&app.db, &app.seal, &old.hash()).await? {
                crate::ending::revoke(&app, &held).await;
            }
        }
        // <<< exercise: fixation
        let access_expires_at = sessions::refresh::access_expires_at(&tokens, now);
        let id = store::create(
            &app.db,
            &app.seal,
            user_id,
            (login.provider, &login.subject),
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
        app.report.report(Decision::SessionOpened);
        Ok(response)
    };
    let answer = logged_in.await;
    in_flight.end_with(&app.keys, policy, answer)
}

/// `GET /login/{provider}`: steps 1 and 2 with that provider, the login
/// added to this browser's logins in progress.
pub fn login(app: Arc<PermissionsApp>, name: String, cookies: Option<String>) -> Answer {
    let provider = app.provider_named(&name)?;
    let (authorize_url, transaction) = provider.begin(app.now());
    basic::login::send_to_provider(&app, cookies.as_deref(), authorize_url, transaction)
}
