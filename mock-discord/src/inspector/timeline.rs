//! The live inspector's timeline: every exchange the mock sees, and every
//! decision the app beside it reports, as steps of a sequence diagram
//! between three parties (Browser, App, Provider).
//!
//! The journal ([`crate::control::journal`]) keeps the raw exchanges for tests and
//! `GET /__mock/requests`; the timeline keeps what a person watching needs:
//! who talked to whom, what it means, and which attack it stops. Like the
//! journal, it holds secrets only shortened, so the page on a projector
//! can never show a usable code or token.
//!
//! The app's decisions come in through [`crate::MockHandle::notes`]
//! ([`crate::inspector::notes`]), as a plain [`AppNote`]: the mock knows
//! nothing of the stages, and a stage logging in with the real Discord
//! reports to nobody.

use crate::control::journal::Exchange;
use crate::inspector::explain::{explain_exchange, Explanation};
use crate::oauth::pkce::PkceCheck;
use crate::personalities::Endpoint;
use serde::Serialize;
use std::collections::VecDeque;
use tokio::sync::broadcast;

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
pub struct AppNote {
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
            Some(endpoint) if endpoint.is_authorize() => Party::Browser,
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
    pub fn of_note(decision: AppNote) -> DrawnStep {
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
