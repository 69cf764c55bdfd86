//! Authorization codes: each issued once, redeemed once, and remembered a
//! while after, so that a replay can be told from a guess (RFC 6749
//! §4.1.2: a code used twice "MUST" be refused, and the tokens it gave
//! "SHOULD" be revoked).

use crate::oauth::authorization_request::RefreshTokenRule;
use crate::oauth::secrets::SecretSource;
use std::collections::HashMap;

/// How long a redeemed code is remembered after it would have expired. Its
/// replay within that time revokes the grant (RFC 6749 §4.1.2); later it is
/// merely unknown, which is refused all the same.
pub const REPLAY_MEMORY_MS: u64 = 10 * 60 * 1000;

/// An authorization code, and everything it was bound to when issued.
/// RFC 6749 §4.1.3 asks the token endpoint to check each of these.
#[derive(Debug, Clone, PartialEq)]
pub struct IssuedCode {
    pub client_id: String,
    pub redirect_uri: String,
    /// Whether the authorization request named it.
    pub redirect_uri_given: bool,
    pub scopes: Vec<String>,
    pub user_id: String,
    pub code_challenge: Option<String>,
    pub expires_at_ms: u64,
    /// OpenID Connect's `nonce`, for the ID token (see
    /// [`crate::oauth::authorization_request::AuthorizeRequest::nonce`]).
    pub nonce: Option<String>,
    /// Whether its exchange gives a refresh token.
    pub refresh_token: RefreshTokenRule,
}

/// What became of a code that was presented once.
#[derive(Debug, Clone, Copy)]
enum Redeemed {
    /// It failed a check (expired, wrong verifier): burned, with no grant.
    Burned,
    /// It was traded for this grant.
    Granted(u64),
}

/// What a presented code turned out to be.
#[derive(Debug, PartialEq)]
pub enum Presented {
    /// Issued to this client, unexpired, never presented: taken out now.
    Fresh(IssuedCode),
    /// Unknown, expired, or issued to another client.
    Invalid,
    /// Presented before; `grant` is what it was traded for, if it was.
    Replayed { grant: Option<u64> },
}

/// The codes issued and not yet presented, and those presented, with when
/// to forget them.
#[derive(Default)]
pub struct Codes {
    issued: HashMap<String, IssuedCode>,
    redeemed: HashMap<String, (Redeemed, u64)>,
}

impl Codes {
    pub fn issue(&mut self, secrets: &mut SecretSource, code: IssuedCode) -> String {
        let value = secrets.token();
        self.issued.insert(value.clone(), code);
        value
    }

    /// Takes a code out, if it can be redeemed: whatever happens next, it
    /// is remembered as presented.
    pub fn take(&mut self, code: &str, client_id: &str, now_ms: u64) -> Presented {
        if let Some((earlier, _)) = self.redeemed.get(code).copied() {
            let grant = match earlier {
                Redeemed::Granted(grant_id) => Some(grant_id),
                Redeemed::Burned => None,
            };
            return Presented::Replayed { grant };
        }
        match self.issued.get(code) {
            Some(issued) if issued.client_id == client_id => {}
            // A code of another client stays where it is: this caller may be
            // guessing, and must not be able to burn someone else's login.
            _ => return Presented::Invalid,
        }
        let Some(issued) = self.issued.remove(code) else {
            return Presented::Invalid;
        };
        // Remember it even if it fails below: a second try is a replay.
        let forget_at = issued.expires_at_ms.saturating_add(REPLAY_MEMORY_MS);
        self.redeemed
            .insert(code.to_string(), (Redeemed::Burned, forget_at));
        if issued.expires_at_ms <= now_ms {
            return Presented::Invalid;
        }
        Presented::Fresh(issued)
    }

    /// Records that `code` (which expired or expires at `expires_at_ms`)
    /// was traded for grant `grant_id`: its replay ends that grant.
    pub fn granted(&mut self, code: &str, grant_id: u64, expires_at_ms: u64) {
        let forget_at = expires_at_ms.saturating_add(REPLAY_MEMORY_MS);
        self.redeemed
            .insert(code.to_string(), (Redeemed::Granted(grant_id), forget_at));
    }

    /// Drops codes that can no longer be redeemed, and forgets presented
    /// ones past their replay memory.
    pub fn sweep(&mut self, now_ms: u64) {
        self.issued.retain(|_, c| c.expires_at_ms > now_ms);
        self.redeemed
            .retain(|_, (_, forget_at)| *forget_at > now_ms);
    }

    /// (codes waiting, codes remembered as presented).
    pub fn sizes(&self) -> (usize, usize) {
        (self.issued.len(), self.redeemed.len())
    }
}
