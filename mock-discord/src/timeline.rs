//! The live inspector's timeline: every exchange the mock sees, and every
//! decision the app beside it reports, as steps of a sequence diagram
//! between three parties (Browser, App, Provider).
//!
//! The journal ([`crate::journal`]) keeps the raw exchanges for tests and
//! `GET /__mock/requests`; the timeline keeps what a person watching needs:
//! who talked to whom, what it means, and which attack it stops. Like the
//! journal, it holds secrets only shortened, so the page on a projector
//! can never show a usable code or token.
//!
//! The app's decisions come in through [`crate::MockHandle::notes`], as a
//! plain [`AppDecision`]: the mock knows nothing of the stages, and a stage
//! logging in with the real Discord reports to nobody.

use crate::explain::{explain_exchange, Explanation};
use crate::faults::Endpoint;
use crate::journal::Exchange;
use crate::secrets::{constant_time_eq, is_pkce_string, pkce_s256, shorten};
use crate::state::MockState;
use serde::Serialize;
use std::collections::VecDeque;
use std::sync::Arc;
use tokio::sync::broadcast;
use warp::reply::Response;

/// Steps kept for a page that opens late; older ones are dropped, as the
/// journal drops its oldest exchanges.
pub const TIMELINE_CAPACITY: usize = 1000;

/// Steps a watching page may fall behind before it is told to start over
/// (its browser reconnects and gets the whole timeline again).
const LIVE_BACKLOG: usize = 256;

/// The lifelines of the diagram.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Party {
    Browser,
    App,
    Provider,
}

/// The PKCE check as the token endpoint made it (RFC 7636 §4.6): the
/// verifier's SHA-256, base64url-encoded, against the challenge the
/// authorization request carried. The verifier itself is shown shortened;
/// the challenge was public all along (it travelled in the browser's URL).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PkceCheck {
    /// `abcd…`, or `None` if the token request carried no verifier.
    pub verifier: Option<String>,
    /// `BASE64URL(SHA256(verifier))`, when there was a verifier.
    pub computed: Option<String>,
    /// The challenge stored with the code, if the login sent one.
    pub challenge: Option<String>,
    pub matches: bool,
}

impl PkceCheck {
    /// RFC 7636 §4.6, for a code issued with `challenge` (if the login sent
    /// one) and redeemed with `verifier` (if the token request sent one). A
    /// challenge without a verifier fails, and so does a verifier nobody
    /// asked for. `BASE64URL(SHA256(verifier))` is compared with the
    /// challenge in constant time, like every other secret here.
    pub fn of(challenge: Option<&str>, verifier: Option<&str>) -> PkceCheck {
        // RFC 7636 §4.1: a verifier of the wrong length or alphabet is
        // refused without hashing.
        let computed = verifier.filter(|v| is_pkce_string(v)).map(pkce_s256);
        let matches = match (challenge, verifier, &computed) {
            (Some(challenge), Some(_), Some(computed)) => constant_time_eq(computed, challenge),
            (None, None, _) => true,
            _ => false,
        };
        PkceCheck {
            verifier: verifier.map(shorten),
            computed,
            challenge: challenge.map(str::to_string),
            matches,
        }
    }

    /// Leaves the check on `response` for the inspector (a response
    /// extension: it is never sent).
    pub fn attach_to(self, mut response: Response) -> Response {
        response.extensions_mut().insert(self);
        response
    }
}

/// One arrow (or, from a party to itself, one note) of the diagram.
#[derive(Clone, Debug, Serialize)]
pub struct Step {
    pub seq: u64,
    /// Which login this step belongs to: each login is drawn as its own
    /// diagram.
    pub login: u64,
    pub from: Party,
    pub to: Party,
    /// The arrow's label: `GET /oauth2/authorize`, `state compared`.
    pub label: String,
    /// Whether the step went through (a 2xx/3xx answer, a check passed).
    pub ok: bool,
    /// What was sent, one line each, secrets shortened.
    pub request: Vec<String>,
    /// What came back, one line each, secrets shortened.
    pub answer: Vec<String>,
    pub explanation: Explanation,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pkce: Option<PkceCheck>,
}

/// A decision the app reports: the app's half of the diagram.
#[derive(Clone, Debug)]
pub struct AppDecision {
    pub from: Party,
    pub to: Party,
    pub label: String,
    pub ok: bool,
    /// What the app compared or sent, secrets already cut.
    pub details: Vec<String>,
    pub explanation: Explanation,
    /// True for the first step of a login (`/login` sealing a transaction).
    pub opens_login: bool,
}

/// What a watching page receives.
#[derive(Clone, Debug)]
pub enum Live {
    Step(Box<Step>),
    /// The mock was reset: the page starts empty.
    Reset,
}

pub struct Timeline {
    steps: VecDeque<Step>,
    next_seq: u64,
    login: u64,
    /// Whether the newest step opened a login, so that `/login` and the
    /// authorization request it leads to are one login, not two.
    newest_opened_login: bool,
    live: broadcast::Sender<Live>,
}

impl Default for Timeline {
    fn default() -> Self {
        Timeline {
            steps: VecDeque::new(),
            next_seq: 0,
            login: 0,
            newest_opened_login: false,
            live: broadcast::channel(LIVE_BACKLOG).0,
        }
    }
}

/// A step ready to be numbered and kept: made before the store is locked.
pub struct DrawnStep {
    step: Step,
    opens_login: bool,
}

impl DrawnStep {
    /// An exchange the mock answered.
    pub fn of_exchange(
        exchange: &Exchange,
        endpoint: Option<Endpoint>,
        pkce: Option<PkceCheck>,
    ) -> DrawnStep {
        let from = match endpoint {
            Some(Endpoint::Authorize | Endpoint::GoogleAuthorize) => Party::Browser,
            _ => Party::App,
        };
        let label = format!("{} {}", exchange.method, exchange.path);
        let mut request = Vec::with_capacity(exchange.params.len() + 2);
        request.push(label.clone());
        request.extend(exchange.params.iter().map(|(n, v)| format!("{n}={v}")));
        request.extend(
            exchange
                .authorization
                .iter()
                .map(|a| format!("Authorization: {a}")),
        );
        let mut answer = vec![exchange.status.to_string()];
        answer.extend(exchange.location.iter().map(|l| format!("Location: {l}")));
        DrawnStep {
            step: Step {
                seq: 0,
                login: 0,
                from,
                to: Party::Provider,
                label,
                ok: exchange.status < 400,
                request,
                answer,
                explanation: explain_exchange(
                    endpoint,
                    &exchange.method,
                    exchange.param("grant_type"),
                ),
                pkce,
            },
            // A login starts where the browser first asks for consent.
            opens_login: from == Party::Browser && exchange.method == "GET",
        }
    }

    /// A decision the app reported.
    pub fn of_decision(decision: AppDecision) -> DrawnStep {
        DrawnStep {
            step: Step {
                seq: 0,
                login: 0,
                from: decision.from,
                to: decision.to,
                label: decision.label,
                ok: decision.ok,
                request: decision.details,
                answer: Vec::new(),
                explanation: decision.explanation,
                pkce: None,
            },
            opens_login: decision.opens_login,
        }
    }
}

impl Timeline {
    /// Numbers a step, keeps it, and sends it to the watching pages.
    pub fn push(&mut self, drawn: DrawnStep) {
        let DrawnStep {
            mut step,
            opens_login,
        } = drawn;
        if opens_login && !self.newest_opened_login || self.login == 0 {
            self.login += 1;
        }
        self.newest_opened_login = opens_login;
        self.next_seq += 1;
        step.seq = self.next_seq;
        step.login = self.login;
        if self.steps.len() == TIMELINE_CAPACITY {
            self.steps.pop_front();
        }
        // A copy only for pages that watch: most of the time, none does.
        if self.live.receiver_count() > 0 {
            let _ = self.live.send(Live::Step(Box::new(step.clone())));
        }
        self.steps.push_back(step);
    }

    /// Every kept step, oldest first, and a receiver for the ones to come.
    /// Taken together under the store's lock, so no step falls between.
    pub fn watch(&self) -> (Vec<Step>, broadcast::Receiver<Live>) {
        (self.steps.iter().cloned().collect(), self.live.subscribe())
    }

    pub fn steps(&self) -> Vec<Step> {
        self.steps.iter().cloned().collect()
    }

    /// Forgets every step, and tells the watching pages so. The sequence
    /// numbers go on, so a page never mistakes a new step for an old one.
    pub fn clear(&mut self) {
        self.steps.clear();
        self.newest_opened_login = false;
        let _ = self.live.send(Live::Reset);
    }
}

/// The inspector's inbox for an app's decisions: cheap to clone, and alive
/// as long as the app holds it (a stopped mock just records to nobody).
#[derive(Clone)]
pub struct AppNotes(Arc<MockState>);

impl AppNotes {
    pub(crate) fn for_mock(mock: Arc<MockState>) -> AppNotes {
        AppNotes(mock)
    }

    pub fn note(&self, decision: AppDecision) {
        let drawn = DrawnStep::of_decision(decision);
        self.0.store().timeline.push(drawn);
    }
}

impl std::fmt::Debug for AppNotes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AppNotes")
    }
}

#[cfg(test)]
mod tests {
    use super::PkceCheck;

    const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

    #[test]
    fn the_pkce_check_follows_rfc_7636() {
        let right = PkceCheck::of(Some(CHALLENGE), Some(VERIFIER));
        assert!(right.matches);
        assert_eq!(right.computed.as_deref(), Some(CHALLENGE));
        assert_eq!(right.verifier.as_deref(), Some("dBjf…"));
        let wrong = VERIFIER.replace('k', "l");
        assert!(!PkceCheck::of(Some(CHALLENGE), Some(&wrong)).matches);
        assert!(PkceCheck::of(None, None).matches, "no PKCE at either end");
        assert!(
            !PkceCheck::of(Some(CHALLENGE), None).matches,
            "a challenge without a verifier"
        );
        assert!(
            !PkceCheck::of(None, Some(VERIFIER)).matches,
            "a verifier nobody asked for"
        );
        let short = PkceCheck::of(Some(CHALLENGE), Some("too-short"));
        assert!(!short.matches);
        assert_eq!(short.computed, None, "a malformed verifier is not hashed");
    }
}
