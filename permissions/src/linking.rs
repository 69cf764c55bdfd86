//! Several identities, one user: linking and unlinking.
//!
//! A logged-in user who completes a login with another provider, started
//! with the "link" button, gets that identity added to the same user.
//! Linking happens only this way, never by matching e-mails: an address
//! that one provider has not verified, or that it gave to someone new,
//! would otherwise let a stranger into an account at another provider.
//! An identity that belongs to another user is not moved, and the last
//! identity of a user cannot be unlinked (nobody could log in as them).
//! Linking needs a recent login ([`RECENT_LOGIN`]), and unlinking an
//! identity ends the sessions it opened.

use crate::app::PermissionsApp;
use crate::carried::Carried;
use crate::guard::CurrentUser;
use crate::identities::{self, Identity, Linked, Unlinked};
use crate::providers::LoginProvider;
use basic::callback::Accepted;
use common::{Answer, Problem};
use http::StatusCode;
use std::sync::Arc;

/// How recent a login must be to link another identity: long enough to
/// click "link" after logging in (and to take a provider's consent page
/// slowly), short enough that a session found open later cannot.
pub const RECENT_LOGIN: std::time::Duration = std::time::Duration::from_secs(10 * 60);

/// `POST /link/{provider}`: a login with that provider, for the logged-in
/// user. A POST behind the same-site check: another site cannot start it.
pub fn start(
    app: Arc<PermissionsApp>,
    name: String,
    user: CurrentUser,
    cookies: Option<String>,
) -> Answer {
    let provider = app.provider_named(&name)?;
    // Whoever holds a session for a moment (a copied cookie, a laptop left
    // open) could otherwise link their own account, and keep a way in
    // after "log out everywhere". Only a login of the last few minutes
    // may link: its holder just proved they are the user, at the provider.
    if app.now().saturating_sub(user.session.created_at) > RECENT_LOGIN.as_secs() {
        return Err(Problem::new(
            StatusCode::FORBIDDEN,
            "Linking needs a recent login: log out, log in again, then link within 10 minutes.",
        ));
    }
    let (authorize_url, mut transaction) = provider.begin(app.now());
    let mut carried = Carried::of(&transaction);
    carried.link_to = Some(user.user_id());
    carried.keep_in(&mut transaction);
    basic::login::send_to_provider(&app, cookies.as_deref(), authorize_url, transaction)
}

/// The callback of a link: the login proves the identity; it is added to
/// the user who asked, if that user is still the one logged in here.
pub async fn finish(
    app: &PermissionsApp,
    provider: LoginProvider<'_>,
    accepted: Accepted,
    user_id: i64,
    logged_in_as: Option<i64>,
) -> Answer {
    if logged_in_as != Some(user_id) {
        return Err(Problem::bad_request(
            "The session that asked for this link is over. Log in, then link again.",
        ));
    }
    let (tokens, login) = provider.finish(accepted, app.now()).await?;
    // The link needed the login, not its tokens: end that grant at once.
    provider.revoke(&tokens).await;
    match identities::link(&app.db, user_id, &login).await? {
        Linked::Added | Linked::Already => Ok(common::respond::see_other("/")),
        Linked::ToAnotherUser => Err(Problem::new(
            StatusCode::CONFLICT,
            format!(
                "This {} account is already linked to another user, and is not moved. Log in with it and unlink it there first.",
                provider.display_name()
            ),
        )),
    }
}

/// `POST /identities/{provider}/{subject}/unlink`: one of the user's own
/// identities, never the last.
pub async fn unlink(
    app: Arc<PermissionsApp>,
    provider: String,
    subject: String,
    user: CurrentUser,
) -> Answer {
    let (Some(provider), Some(subject)) = (decode_segment(&provider), decode_segment(&subject))
    else {
        return Err(Problem::bad_request(
            "The identity in the path is not percent-encoded UTF-8.",
        ));
    };
    match identities::unlink(&app.db, user.user_id(), &provider, &subject).await? {
        Unlinked::Removed => {
            // An identity unlinked because it was compromised must not
            // leave its sessions alive: those it opened end, revoked.
            let opened_by = Some((provider.as_str(), subject.as_str()));
            for held in
                crate::ending::delete_all_of(&app.db, &app.seal, user.user_id(), opened_by).await?
            {
                crate::ending::revoke(&app, &held).await;
            }
            Ok(common::respond::see_other("/"))
        }
        Unlinked::NotTheirs => Err(Problem::new(
            StatusCode::NOT_FOUND,
            "You have no such identity.",
        )),
        Unlinked::LastOne => Err(Problem::new(
            StatusCode::CONFLICT,
            "This is your only identity: without it, nobody could log in as you. Link another first.",
        )),
    }
}

/// Every byte but the unreserved ones (RFC 3986 §2.3) is encoded in a
/// path segment.
const SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

impl Identity {
    /// `POST` here to unlink it. A subject is the provider's to choose, and
    /// may hold `/`, `?`, `#` or `%`: each segment is percent-encoded, and
    /// the route decodes it ([`decode_segment`]).
    pub fn unlink_path(&self) -> String {
        let encode =
            |segment: &str| percent_encoding::utf8_percent_encode(segment, SEGMENT).to_string();
        format!(
            "/identities/{}/{}/unlink",
            encode(&self.provider),
            encode(&self.subject)
        )
    }
}

/// A path segment as [`Identity::unlink_path`] wrote it, decoded; `None`
/// if it does not decode to UTF-8.
pub fn decode_segment(segment: &str) -> Option<String> {
    percent_encoding::percent_decode_str(segment)
        .decode_utf8()
        .ok()
        .map(|decoded| decoded.into_owned())
}
