//! What the stage decides during a login, told to whoever watches.
//!
//! The provider's live inspector (`/__mock`) sees every request that
//! reaches the provider, but not what the app decides in between: that the
//! state matched, that `iss` named the right issuer, that a session was
//! opened. The stages report those decisions here, as [`Decision`]s.
//!
//! Nobody watches by default ([`FlowReport::silent`]), and a stage logging
//! in with the real Discord reports to nobody. Each decision is explained
//! here and only here: what it is, where the RFC says so, the attack it
//! stops. (The mock explains its own exchanges.) In offline mode the embedded
//! mock listens (see `offline.rs`), and the decisions appear on its
//! timeline beside its own exchanges. The mock does not know this type: it
//! receives plain labelled notes.

use std::fmt;
use std::sync::Arc;

/// One decision of the app, in the order a login meets them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision<'a> {
    /// `/login`: a new state and PKCE verifier sealed in the transaction
    /// cookie, and the browser sent to the provider.
    TransactionSealed { with_pkce: bool },
    /// The callback's `state` against the one in the cookie.
    StateCompared { matched: bool },
    /// No state compared: `LAB=no-state` switched the check off.
    StateNotChecked,
    /// The callback's `iss` against the provider's issuer (RFC 9207).
    IssuerChecked {
        expected: &'a str,
        received: Option<&'a str>,
        matched: bool,
    },
    /// The code sent to the token endpoint, with the verifier if PKCE is on.
    CodeSent { with_verifier: bool },
    /// A session cookie (stage 2) or session row (stage 3) handed out.
    SessionOpened,
    /// Tokens renewed with the refresh token.
    SessionRefreshed,
    /// Logout: the grant revoked and the session gone.
    SessionEnded,
    /// A route guarded by a permission (stage 3), and the answer.
    Permission { name: &'a str, granted: bool },
}

/// Who the lines of a diagram connect.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Party {
    Browser,
    App,
}

/// How a watcher should draw and explain a decision.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Drawn {
    pub from: Party,
    pub to: Party,
    pub label: String,
    pub ok: bool,
    pub details: Vec<String>,
    pub what: &'static str,
    pub rfc: &'static str,
    pub attack: &'static str,
    pub opens_login: bool,
}

impl Decision<'_> {
    /// The decision as a step of a sequence diagram, explained.
    pub fn drawn(&self) -> Drawn {
        use Party::{App, Browser};
        let yes_no =
            |yes: bool, if_yes: &str, if_no: &str| if yes { if_yes } else { if_no }.to_string();
        match *self {
            Decision::TransactionSealed { with_pkce } => step(
                App,
                Browser,
                "303 to the provider; transaction sealed",
                true,
            )
            .showing(vec![
                "a new random state".into(),
                yes_no(
                    with_pkce,
                    "a new PKCE verifier; its S256 challenge goes in the URL",
                    "no PKCE (switched off by a lab)",
                ),
                "both sealed in an encrypted, HttpOnly cookie for this browser".into(),
            ])
            .explained(
                "The login begins: the app remembers, in a cookie only it can read, \
                         what this browser's callback must match.",
                "RFC 6749 §4.1.1 and §10.12; RFC 7636 §4.1–4.2",
                "The state ties the callback to this browser, so another site cannot \
                         complete a login in it (login CSRF, RFC 9700 §4.7).",
            )
            .opening_a_login(),
            Decision::StateCompared { matched } => step(
                Browser,
                App,
                format!("GET /auth: state {}", yes_no(matched, "matches", "refused")),
                matched,
            )
            .showing(vec![format!(
                "the callback's state {} the one sealed at /login",
                yes_no(matched, "equals", "does not equal")
            )])
            .explained(
                "The callback arrives with a code and a state; the app compares the state \
                 with the one in this browser's transaction cookie.",
                "RFC 6749 §10.12; RFC 9700 §4.7",
                "A callback that this browser did not start (an attacker's code planted by \
                 a link) is refused before any token request.",
            ),
            Decision::StateNotChecked => step(Browser, App, "GET /auth: state NOT checked", false)
                .showing(vec!["a lab switched the state check off".into()])
                .explained(
                    "The callback is taken as this browser's, whoever started the login.",
                    "RFC 6749 §10.12",
                    "Nothing: this is login CSRF's open door (LAB=no-state).",
                ),
            Decision::IssuerChecked {
                expected,
                received,
                matched,
            } => step(
                App,
                App,
                format!("iss {}", yes_no(matched, "checked", "refused")),
                matched,
            )
            .showing(vec![
                format!("expected {expected}"),
                format!("received {}", received.unwrap_or("(none)")),
            ])
            .explained(
                "The authorization response names who issued the code; the app checks \
                     it is the provider this callback belongs to.",
                "RFC 9207 §2.4",
                "Mix-up: a code from one provider sent to another's token endpoint \
                     (RFC 9700 §4.4).",
            ),
            Decision::CodeSent { with_verifier } => step(App, App, "code and verifier sent", true)
                .showing(vec![yes_no(
                    with_verifier,
                    "code + code_verifier + client credentials, to the token endpoint",
                    "code + client credentials, no verifier (PKCE off)",
                )])
                .explained(
                    "The app sends the code back over its own connection, with the PKCE \
                     verifier only it and this browser's cookie knew.",
                    "RFC 6749 §4.1.3; RFC 7636 §4.5",
                    "An intercepted code is useless without the verifier (RFC 9700 §4.5).",
                ),
            Decision::SessionOpened => step(App, Browser, "session opened", true)
                .showing(vec![
                    "a session cookie: HttpOnly, SameSite=Lax, encrypted or random".into(),
                ])
                .explained(
                    "The tokens stay with the app; the browser gets a session it cannot read.",
                    "RFC 9700 §2.1; OWASP session management",
                    "Tokens in a page's storage would be one XSS away from theft.",
                ),
            Decision::SessionRefreshed => step(App, App, "session refreshed", true)
                .showing(vec![
                    "the access token had expired; the refresh token renewed it".into(),
                ])
                .explained(
                    "The person stays logged in past the access token's short life.",
                    "RFC 6749 §6",
                    "Short-lived access tokens limit what a stolen one is worth.",
                ),
            Decision::SessionEnded => step(App, Browser, "session ended", true)
                .showing(vec![
                    "the grant revoked at the provider; the cookie cleared".into(),
                ])
                .explained(
                    "Logout ends the session here and the grant at the provider.",
                    "RFC 7009 §2.1",
                    "A copied cookie or token stops working.",
                ),
            Decision::Permission { name, granted } => step(
                App,
                App,
                format!("permission {name} {}", yes_no(granted, "granted", "denied")),
                granted,
            )
            .showing(vec![format!(
                "the logged-in user {} the permission {name}",
                yes_no(granted, "holds", "does not hold")
            )])
            .explained(
                "Authorization after authentication: who you are is settled (401 if not), \
                 then what you may do (403 if not).",
                "RFC 9110 §15.5.2 (401) and §15.5.4 (403)",
                "Logging in is not permission: every guarded route checks the user's own \
                 permissions, server-side.",
            ),
        }
    }
}

/// An arrow from `from` to `to` (a note, when they are the same party).
fn step(from: Party, to: Party, label: impl Into<String>, ok: bool) -> Drawn {
    Drawn {
        from,
        to,
        label: label.into(),
        ok,
        details: Vec::new(),
        what: "",
        rfc: "",
        attack: "",
        opens_login: false,
    }
}

impl Drawn {
    fn showing(self, details: Vec<String>) -> Drawn {
        Drawn { details, ..self }
    }

    fn explained(self, what: &'static str, rfc: &'static str, attack: &'static str) -> Drawn {
        Drawn {
            what,
            rfc,
            attack,
            ..self
        }
    }

    fn opening_a_login(self) -> Drawn {
        Drawn {
            opens_login: true,
            ..self
        }
    }
}

/// Something that wants to hear of the stage's decisions.
pub trait FlowObserver: Send + Sync {
    fn observe(&self, decision: Drawn);
}

/// Where a stage's decisions go: nowhere, or to one observer. Cheap to
/// clone, like the rest of [`crate::App`].
#[derive(Clone, Default)]
pub struct FlowReport(Option<Arc<dyn FlowObserver>>);

impl FlowReport {
    /// Reports to nobody: the default, and always so against real Discord.
    pub fn silent() -> FlowReport {
        FlowReport(None)
    }

    pub fn to(observer: Arc<dyn FlowObserver>) -> FlowReport {
        FlowReport(Some(observer))
    }

    pub fn report(&self, decision: Decision<'_>) {
        if let Some(observer) = &self.0 {
            observer.observe(decision.drawn());
        }
    }
}

impl fmt::Debug for FlowReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.0.is_some() {
            "FlowReport(watched)"
        } else {
            "FlowReport(silent)"
        })
    }
}
