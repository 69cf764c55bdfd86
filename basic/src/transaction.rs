//! The login transaction: what `/login` (step 1) must remember until
//! `/auth` (step 7).
//!
//! Between sending the browser to the provider and its return, the server
//! has to remember the `state` it sent (to recognise its own login) and the
//! PKCE verifier (to prove, at the token endpoint, that it started this
//! login). It keeps them in the browser, in a sealed cookie
//! ([`crate::cookies`]): nothing is stored on the server, and nobody who
//! sees the cookie can read them.

use crate::cookies;
use common::cookie_keys::{CookieKeys, CookiePolicy};
use common::Answer;
use http::HeaderValue;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::time::Duration;

pub const TRANSACTION_COOKIE: &str = "oauth_transaction";
/// A login that takes longer than this starts over.
pub const TRANSACTION_LIFETIME: Duration = Duration::from_secs(600);

#[derive(Clone, Serialize, Deserialize, PartialEq)]
pub struct Transaction {
    /// RFC 6749 §10.12: the value that ties the callback to this browser's
    /// login. A callback with another state is a forged one (login CSRF).
    pub state: String,
    /// RFC 7636: the secret whose hash went out as `code_challenge`.
    pub pkce_verifier: String,
    /// RFC 9207: who must answer. A callback naming another issuer is a
    /// mix-up attack.
    pub issuer: String,
    /// Seconds since the Unix epoch. Checked on return, because a browser
    /// may keep a cookie longer than its `Max-Age` said.
    pub created_at: u64,
}

// The state and verifier are secrets: `{:?}` shows neither.
impl fmt::Debug for Transaction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Transaction")
            .field("state", &"[REDACTED]")
            .field("pkce_verifier", &"[REDACTED]")
            .field("issuer", &self.issuer)
            .field("created_at", &self.created_at)
            .finish()
    }
}

impl Transaction {
    pub fn new(state: String, pkce_verifier: String, issuer: String, now: u64) -> Transaction {
        Transaction {
            state,
            pkce_verifier,
            issuer,
            created_at: now,
        }
    }

    /// The `Set-Cookie` header that carries this transaction.
    pub fn to_cookie(&self, keys: &CookieKeys, policy: CookiePolicy) -> HeaderValue {
        let json = serde_json::to_string(self).unwrap_or_default();
        cookies::seal(keys, policy, TRANSACTION_COOKIE, json, TRANSACTION_LIFETIME)
    }

    /// The transaction in this request's cookies, if there is a valid,
    /// unexpired one.
    pub fn from_cookies(
        keys: &CookieKeys,
        cookie_header: Option<&str>,
        now: u64,
    ) -> Option<Transaction> {
        let json = cookies::open(keys, cookie_header, TRANSACTION_COOKIE)?;
        let transaction: Transaction = serde_json::from_str(&json).ok()?;
        let age = now.checked_sub(transaction.created_at)?;
        (age <= TRANSACTION_LIFETIME.as_secs()).then_some(transaction)
    }

    /// Does the callback's `state` match ours? Compared in constant time,
    /// so that response timing reveals nothing about the expected value.
    pub fn state_matches(&self, received: &str) -> bool {
        use subtle::ConstantTimeEq;
        self.state.len() == received.len()
            && bool::from(self.state.as_bytes().ct_eq(received.as_bytes()))
    }

    /// The `Set-Cookie` header that ends the transaction: a callback URL
    /// replayed later finds nothing to match.
    pub fn clear_cookie(policy: CookiePolicy) -> HeaderValue {
        cookies::expire(policy, TRANSACTION_COOKIE)
    }

    /// A callback's answer, success or failure, with the transaction ended:
    /// whatever happened, a callback URL works once.
    pub fn end_with(policy: CookiePolicy, answer: Answer) -> Answer {
        common::problem::add_cookie(answer, Transaction::clear_cookie(policy))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::SecretString;

    #[test]
    fn old_transactions_are_refused() {
        let keys = CookieKeys::from_secret(&SecretString::from("k".repeat(32))).unwrap();
        let policy = CookiePolicy { secure: false };
        let now = 1_700_000_000;
        let mut transaction = Transaction::new("s".into(), "v".into(), "i".into(), now);
        let header = |t: &Transaction| cookies::header_of(&t.to_cookie(&keys, policy));
        let open = |t: &Transaction| Transaction::from_cookies(&keys, Some(&header(t)), now);
        assert_eq!(open(&transaction), Some(transaction.clone()));
        transaction.created_at -= TRANSACTION_LIFETIME.as_secs() + 1;
        assert_eq!(open(&transaction), None);
        transaction.created_at = now + 3600;
        assert_eq!(open(&transaction), None);
        assert!(!format!("{transaction:?}").contains("\"s\""));
    }
}
