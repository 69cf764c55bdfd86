//! What the mock remembers about the browsers that visit its consent page.
//!
//! A cookie tells one browser from another. It binds a consent form to the
//! browser it was shown to (so another site cannot submit it), and it
//! remembers what that browser approved (so `prompt=none` can skip the
//! page, as Discord does).

use crate::oauth::authorization_request::AuthorizeRequest;
use crate::personalities::Personality;
use std::collections::HashSet;
use std::time::Duration;

/// The cookie that names a browser.
pub const BROWSER_COOKIE: &str = "mock_discord_browser";

/// The longest browser id accepted from a cookie; ours are 43 characters.
pub const MAX_BROWSER_ID_LEN: usize = 64;

/// How long a consent page may be left open before its form stops working.
pub const CONSENT_LIFETIME: Duration = Duration::from_secs(600);

/// An authorization request waiting for the person's decision. It lives on
/// the server, keyed by the consent form's CSRF token, so the form cannot be
/// edited to change the client, redirect or scopes it approves.
#[derive(Debug, Clone)]
pub struct PendingConsent {
    pub request: AuthorizeRequest,
    /// The browser that was shown the page (the value of its cookie).
    pub browser: String,
    pub expires_at_ms: u64,
    /// The personality that showed the page: only its form may decide it.
    pub personality: Personality,
}

/// A browser's past approvals: as whom it logged in, and which
/// (client id, sorted scopes) it said yes to.
#[derive(Debug, Default)]
pub struct Remembered {
    pub user_id: String,
    pub approved: HashSet<(String, String)>,
    /// When it last approved something, in the store's write count: the
    /// least recently used browsers are forgotten first.
    pub last_used: u64,
}

/// How many consent pages may wait for an answer at once. Each holds its
/// authorization request (a `state` may be 60 KB), so past this the older
/// half is forgotten, expired ones first: those pages answer "expired", as
/// after their ten minutes.
pub const MAX_PENDING_CONSENTS: usize = 1_000;

/// How many browsers' approvals the mock remembers. Past this, the least
/// recently used half is forgotten: those browsers just see the consent
/// page again, as after clearing their cookies.
pub const MAX_REMEMBERED_BROWSERS: usize = 10_000;

impl Remembered {
    /// Records a yes. Logging in as someone else forgets the other user's
    /// approvals.
    pub fn approve(&mut self, user_id: &str, scope_key: (String, String)) {
        if self.user_id != user_id {
            self.approved.clear();
            self.user_id = user_id.to_string();
        }
        self.approved.insert(scope_key);
    }

    /// The user this browser already approved `request` as, if it did.
    pub fn approved_user(&self, request: &AuthorizeRequest) -> Option<&str> {
        self.approved
            .contains(&request.scope_key())
            .then_some(self.user_id.as_str())
    }
}
