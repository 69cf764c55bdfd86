//! The login transaction: what `/login` (step 1) must remember until
//! `/auth` (step 7).
//!
//! Between sending the browser to the provider and its return, the server
//! has to remember the `state` it sent (to recognise its own login) and the
//! PKCE verifier (to prove, at the token endpoint, that it started this
//! login). It keeps them in the browser, in a sealed cookie
//! ([`crate::cookies`]): nothing is stored on the server, and nobody who
//! sees the cookie can read them.
//!
//! A browser may have several logins in progress: one per tab. So the
//! cookie holds a short list ([`InFlight`]), and the callback takes out the
//! one its `state` names. One transaction per cookie would mean that a
//! second tab's login overwrites the first's, and the first tab's callback
//! then fails.

use crate::cookies::{self, CookieName};
use common::cookie_keys::{CookieKeys, CookiePolicy};
use common::{Answer, Problem};
use http::HeaderValue;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::time::Duration;

pub const TRANSACTION_COOKIE: CookieName = CookieName {
    plain: "oauth_transaction",
    secure: "__Host-oauth_transaction",
};
/// A login that takes longer than this starts over.
pub const TRANSACTION_LIFETIME: Duration = Duration::from_secs(600);
/// The most logins one browser may have in progress at once. A new one
/// past this pushes out the oldest, so the cookie stays small (about 250
/// bytes each) however often `/login` is hit.
pub const MAX_IN_FLIGHT: usize = 4;

#[derive(Clone, Serialize, Deserialize, PartialEq)]
pub struct Transaction {
    /// RFC 6749 §10.12: the value that ties the callback to this browser's
    /// login. A callback with another state is a forged one (login CSRF).
    pub state: String,
    /// RFC 7636: the secret whose hash went out as `code_challenge`.
    /// Empty only when a lab (`LAB=no-state`, `no-pkce`) switched PKCE off.
    pub pkce_verifier: String,
    /// RFC 9207: who must answer. A callback naming another issuer is a
    /// mix-up attack.
    pub issuer: String,
    /// Seconds since the Unix epoch. Checked on return, because a browser
    /// may keep a cookie longer than its `Max-Age` said.
    pub created_at: u64,
    /// Whatever else the code that started this login needs back at its
    /// callback, sealed with the rest. This stage needs nothing more; a
    /// later stage that does keeps it here, as JSON of its own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub carried: Option<serde_json::Value>,
}

// The state and verifier are secrets: `{:?}` shows neither.
impl fmt::Debug for Transaction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Transaction")
            .field("state", &"[REDACTED]")
            .field("pkce_verifier", &"[REDACTED]")
            .field("issuer", &self.issuer)
            .field("created_at", &self.created_at)
            .field("carried", &self.carried.as_ref().map(|_| "[REDACTED]"))
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
            carried: None,
        }
    }

    fn is_fresh(&self, now: u64) -> bool {
        now.checked_sub(self.created_at)
            .is_some_and(|age| age <= TRANSACTION_LIFETIME.as_secs())
    }

    /// Does the callback's `state` match ours? Compared in constant time,
    /// so that response timing reveals nothing about the expected value.
    pub fn state_matches(&self, received: &str) -> bool {
        // >>> exercise: state
        use subtle::ConstantTimeEq;
        self.state.len() == received.len()
            && bool::from(self.state.as_bytes().ct_eq(received.as_bytes()))
        // <<< exercise: state
    }
}

/// The logins in progress in one browser, oldest first.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct InFlight {
    logins: Vec<Transaction>,
    /// Whether the browser's cookie must be rewritten.
    changed: bool,
}

impl InFlight {
    /// The logins in progress in this request's cookies. Expired ones are
    /// dropped; a missing, tampered or old-key cookie holds none. Two
    /// transaction cookies are refused ([`cookies::find`]).
    pub fn from_cookies(
        keys: &CookieKeys,
        policy: CookiePolicy,
        cookie_header: Option<&str>,
        now: u64,
    ) -> Result<InFlight, Problem> {
        let Some(json) = cookies::open(keys, policy, cookie_header, TRANSACTION_COOKIE)? else {
            return Ok(InFlight::default());
        };
        let mut logins: Vec<Transaction> = serde_json::from_str(&json).unwrap_or_default();
        let before = logins.len();
        logins.retain(|login| login.is_fresh(now));
        logins.truncate(MAX_IN_FLIGHT);
        let changed = logins.len() != before;
        Ok(InFlight { logins, changed })
    }

    pub fn is_empty(&self) -> bool {
        self.logins.is_empty()
    }

    /// Adds a login, pushing out the oldest past [`MAX_IN_FLIGHT`].
    pub fn start(&mut self, login: Transaction) {
        if self.logins.len() >= MAX_IN_FLIGHT {
            self.logins.remove(0);
        }
        self.logins.push(login);
        self.changed = true;
    }

    /// Takes out the login this callback's `state` belongs to: it works
    /// once. Every candidate is compared in constant time.
    pub fn take(&mut self, state: &str) -> Option<Transaction> {
        let index = self
            .logins
            .iter()
            .position(|login| login.state_matches(state))?;
        self.changed = true;
        Some(self.logins.remove(index))
    }

    /// Takes out the newest login, whatever its state: only for a lab that
    /// switched the state check off (`LAB=no-state`).
    pub fn take_newest(&mut self) -> Option<Transaction> {
        let newest = self.logins.pop()?;
        self.changed = true;
        Some(newest)
    }

    /// The `Set-Cookie` header for what is left: the list, sealed, or an
    /// expired cookie when no login is left in progress.
    pub fn to_cookie(&self, keys: &CookieKeys, policy: CookiePolicy) -> HeaderValue {
        if self.logins.is_empty() {
            return cookies::expire(policy, TRANSACTION_COOKIE);
        }
        let json = serde_json::to_string(&self.logins).unwrap_or_default();
        cookies::seal(keys, policy, TRANSACTION_COOKIE, json, TRANSACTION_LIFETIME)
    }

    /// A callback's answer, success or failure, with the browser's list
    /// rewritten when it changed: the login the callback named is gone, so
    /// its callback URL works once. A forged callback, whose state names no
    /// login here, leaves the others alone.
    pub fn end_with(&self, keys: &CookieKeys, policy: CookiePolicy, answer: Answer) -> Answer {
        if self.changed {
            common::problem::add_cookie(answer, self.to_cookie(keys, policy))
        } else {
            answer
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::SecretString;

    const POLICY: CookiePolicy = CookiePolicy { secure: false };
    const NOW: u64 = 1_700_000_000;

    fn keys() -> CookieKeys {
        CookieKeys::from_secret(&SecretString::from("k".repeat(32))).unwrap()
    }

    /// The list a browser holding `logins` sends back, as the server reads it.
    fn round_trip(logins: &[Transaction]) -> InFlight {
        let mut in_flight = InFlight::default();
        for login in logins {
            in_flight.start(login.clone());
        }
        let header = cookies::header_of(&in_flight.to_cookie(&keys(), POLICY));
        InFlight::from_cookies(&keys(), POLICY, Some(&header), NOW).unwrap()
    }

    #[test]
    fn old_transactions_are_dropped() {
        let mut transaction = Transaction::new("s".into(), "v".into(), "i".into(), NOW);
        assert_eq!(
            round_trip(&[transaction.clone()]).take("s"),
            Some(transaction.clone())
        );
        transaction.created_at -= TRANSACTION_LIFETIME.as_secs() + 1;
        assert!(round_trip(&[transaction.clone()]).is_empty());
        transaction.created_at = NOW + 3600;
        assert!(round_trip(&[transaction.clone()]).is_empty());
        assert!(!format!("{transaction:?}").contains("\"s\""));
    }

    #[test]
    fn each_tab_finds_its_own_login_once() {
        let tab = |state: &str| Transaction::new(state.into(), "v".into(), "i".into(), NOW);
        let mut in_flight = round_trip(&[tab("one"), tab("two")]);
        assert_eq!(in_flight.take("two").map(|t| t.state), Some("two".into()));
        assert_eq!(in_flight.take("two"), None);
        assert_eq!(in_flight.take("forged"), None);
        assert_eq!(in_flight.take("one").map(|t| t.state), Some("one".into()));
        assert!(in_flight.is_empty());
    }

    /// The cookie a list is sent back in, as a `Cookie` header.
    fn header_of(logins: &[Transaction]) -> String {
        let mut in_flight = InFlight::default();
        for login in logins {
            in_flight.start(login.clone());
        }
        cookies::header_of(&in_flight.to_cookie(&keys(), POLICY))
    }

    /// Whether an answer rewrites the transaction cookie.
    fn rewrites(in_flight: &InFlight) -> bool {
        let answer = in_flight.end_with(&keys(), POLICY, Ok(http::Response::default()));
        answer
            .unwrap()
            .headers()
            .get_all(http::header::SET_COOKIE)
            .iter()
            .any(|v| v.to_str().unwrap_or("").starts_with("oauth_transaction="))
    }

    #[test]
    fn dropping_an_expired_login_rewrites_the_cookie_and_nothing_else_does() {
        let fresh = Transaction::new("fresh".into(), "v".into(), "i".into(), NOW);
        let mut expired = Transaction::new("old".into(), "v".into(), "i".into(), NOW);
        expired.created_at -= TRANSACTION_LIFETIME.as_secs() + 1;
        let header = header_of(&[expired, fresh.clone()]);
        let in_flight = InFlight::from_cookies(&keys(), POLICY, Some(&header), NOW).unwrap();
        assert!(
            rewrites(&in_flight),
            "the expired login must leave the cookie"
        );
        let header = header_of(&[fresh]);
        let in_flight = InFlight::from_cookies(&keys(), POLICY, Some(&header), NOW).unwrap();
        assert!(!rewrites(&in_flight), "nothing changed: no Set-Cookie");
    }

    /// `LAB=no-state` takes the newest login, whatever the callback's state:
    /// that one, once, and the cookie rewritten without it.
    #[test]
    fn take_newest_takes_the_newest_once() {
        let tab = |state: &str| Transaction::new(state.into(), "v".into(), "i".into(), NOW);
        let mut in_flight = round_trip(&[tab("one"), tab("two")]);
        in_flight.changed = false;
        assert_eq!(in_flight.take_newest().map(|t| t.state), Some("two".into()));
        assert!(rewrites(&in_flight));
        assert_eq!(in_flight.take_newest().map(|t| t.state), Some("one".into()));
        assert_eq!(in_flight.take_newest(), None);
    }

    #[test]
    fn at_most_max_in_flight_the_oldest_pushed_out() {
        let logins: Vec<Transaction> = (0..MAX_IN_FLIGHT + 3)
            .map(|n| Transaction::new(format!("s{n}"), "v".into(), "i".into(), NOW))
            .collect();
        let mut in_flight = round_trip(&logins);
        assert_eq!(in_flight.logins.len(), MAX_IN_FLIGHT);
        assert_eq!(in_flight.take("s0"), None);
        let newest = format!("s{}", MAX_IN_FLIGHT + 2);
        assert!(in_flight.take(&newest).is_some());
    }
}
