//! Attack labs: `LAB=<name> cargo run -p <stage>` switches one defence off,
//! so that the room can watch an attack work, switch the defence back on
//! at `/__lab`, and watch the same attack fail.
//!
//! A lab runs in offline mode only (against the embedded mock): with real
//! provider credentials it is a start-up error. While a lab runs, every
//! page of the stage carries a red banner naming it, and the start-up
//! banner says how to run the attack.
//!
//! The stages ask [`LabSwitches::is_on`] at each defence a lab can switch
//! off. With no lab, every defence is on and cannot be switched.

use crate::config::ConfigError;
use std::collections::HashMap;
use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

/// The labs, in the order a workshop meets them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lab {
    /// Login CSRF: the victim's browser finishes the attacker's login.
    NoState,
    /// Code interception: a leaked code redeemed by the attacker.
    NoPkce,
    /// A session cookie that is only signed: anyone holding it reads it.
    SignedCookie,
    /// A copied cookie that outlives logout (stage 2), and does not in
    /// stage 3.
    StatelessLogout,
    /// Mix-up: a callback delivered to the other provider's path.
    MixUp,
}

/// A defence a lab can switch off.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Defence {
    /// The callback's `state` compared with the browser's transaction.
    State,
    /// PKCE: a challenge at `/login`, the verifier with the code.
    Pkce,
    /// The session cookie encrypted, not only signed.
    EncryptedCookie,
    /// One callback path per provider, and `iss` checked against it.
    MixUpChecks,
}

impl Defence {
    pub const ALL: [Defence; 4] = [
        Defence::State,
        Defence::Pkce,
        Defence::EncryptedCookie,
        Defence::MixUpChecks,
    ];

    /// The name used in URLs and forms.
    pub fn name(self) -> &'static str {
        match self {
            Defence::State => "state",
            Defence::Pkce => "pkce",
            Defence::EncryptedCookie => "encrypted-cookie",
            Defence::MixUpChecks => "mix-up-checks",
        }
    }

    pub fn from_name(name: &str) -> Option<Defence> {
        Defence::ALL.into_iter().find(|d| d.name() == name)
    }

    fn index(self) -> usize {
        self as usize
    }
}

impl Lab {
    pub const ALL: [Lab; 5] = [
        Lab::NoState,
        Lab::NoPkce,
        Lab::SignedCookie,
        Lab::StatelessLogout,
        Lab::MixUp,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Lab::NoState => "no-state",
            Lab::NoPkce => "no-pkce",
            Lab::SignedCookie => "signed-cookie",
            Lab::StatelessLogout => "stateless-logout",
            Lab::MixUp => "mix-up",
        }
    }

    /// The attack, in a few words, for banners and titles.
    pub fn title(self) -> &'static str {
        match self {
            Lab::NoState => "login CSRF: the victim finishes the attacker's login",
            Lab::NoPkce => "code interception: a leaked code redeemed by the attacker",
            Lab::SignedCookie => "a signed (not encrypted) session cookie gives its token away",
            Lab::StatelessLogout => "a copied session cookie after logout",
            Lab::MixUp => "mix-up: one provider's code sent to the other's token endpoint",
        }
    }

    /// The stages it runs on.
    pub fn stages(self) -> &'static [&'static str] {
        match self {
            Lab::NoState => &["basic", "sessions"],
            Lab::NoPkce => &["basic"],
            Lab::SignedCookie => &["sessions"],
            Lab::StatelessLogout => &["sessions", "permissions"],
            Lab::MixUp => &["permissions"],
        }
    }

    /// The defences it starts with switched off. (`stateless-logout` has
    /// none: stage 2 simply has no server-side session, and stage 3 does.)
    pub fn switched_off(self) -> &'static [Defence] {
        match self {
            Lab::NoState => &[Defence::State, Defence::Pkce],
            Lab::NoPkce => &[Defence::Pkce],
            Lab::SignedCookie => &[Defence::EncryptedCookie],
            Lab::StatelessLogout => &[],
            Lab::MixUp => &[Defence::MixUpChecks],
        }
    }

    /// `LAB` for `stage`: unset is no lab; an unknown name, a lab for
    /// another stage, or a lab with real credentials (`offline` false) is
    /// an error that says what would work.
    pub fn from_setting(
        value: Option<&str>,
        stage: &str,
        offline: bool,
    ) -> Result<Option<Lab>, ConfigError> {
        let Some(value) = value.map(str::trim).filter(|v| !v.is_empty()) else {
            return Ok(None);
        };
        let problem = |problem: String| ConfigError {
            variable: "LAB",
            problem,
        };
        let names: Vec<&str> = Lab::ALL.iter().map(|lab| lab.name()).collect();
        let lab = Lab::ALL
            .into_iter()
            .find(|lab| lab.name() == value)
            .ok_or_else(|| {
                problem(format!(
                    "no lab is called {value:?}; the labs are {}",
                    names.join(", ")
                ))
            })?;
        if !lab.stages().contains(&stage) {
            return Err(problem(format!(
                "{} is a lab for {}: run `LAB={} cargo run -p {}`",
                lab.name(),
                lab.stages().join(" and "),
                lab.name(),
                lab.stages()[0]
            )));
        }
        if !offline {
            return Err(problem(format!(
                "a lab switches a defence off, so it runs in offline mode only; unset the \
                 provider credentials (DISCORD_CLIENT_ID, DISCORD_CLIENT_SECRET, \
                 GOOGLE_CLIENT_ID, GOOGLE_CLIENT_SECRET) to run {}",
                lab.name()
            )));
        }
        Ok(Some(lab))
    }
}

/// The lab a stage runs, and which of its defences are on now. Cheap to
/// clone; every clone sees the same switches.
#[derive(Clone, Default)]
pub struct LabSwitches(Option<Arc<Running>>);

struct Running {
    lab: Lab,
    on: [AtomicBool; 4],
    /// What the attack has collected so far (a planted callback, a leaked
    /// code, a copied cookie), by name. Never shown whole.
    kept: Mutex<HashMap<&'static str, String>>,
}

impl LabSwitches {
    /// No lab: every defence on, for good.
    pub fn none() -> LabSwitches {
        LabSwitches(None)
    }

    /// `lab` running, with its defences switched off.
    pub fn running(lab: Lab) -> LabSwitches {
        let on = Defence::ALL.map(|d| AtomicBool::new(!lab.switched_off().contains(&d)));
        LabSwitches(Some(Arc::new(Running {
            lab,
            on,
            kept: Mutex::default(),
        })))
    }

    pub fn lab(&self) -> Option<Lab> {
        self.0.as_ref().map(|running| running.lab)
    }

    /// Whether `defence` holds now. Always, unless a lab switched it off.
    pub fn is_on(&self, defence: Defence) -> bool {
        match &self.0 {
            None => true,
            Some(running) => running.on[defence.index()].load(Ordering::Relaxed),
        }
    }

    /// Switches one of the lab's defences on or off (the buttons on
    /// `/__lab`). Only a defence the running lab is about can be switched;
    /// the answer says whether it was.
    pub fn set(&self, defence: Defence, on: bool) -> bool {
        match &self.0 {
            Some(running) if running.lab.switched_off().contains(&defence) => {
                running.on[defence.index()].store(on, Ordering::Relaxed);
                // What the attack collected belongs to the run before:
                // the next run starts from its first step.
                running.kept().clear();
                true
            }
            _ => false,
        }
    }

    /// Keeps something the attack collected, for its next step.
    pub fn keep(&self, name: &'static str, value: String) {
        if let Some(running) = &self.0 {
            running.kept().insert(name, value);
        }
    }

    /// Something an earlier step of the attack kept.
    pub fn kept(&self, name: &str) -> Option<String> {
        self.0.as_ref()?.kept().get(name).cloned()
    }
}

impl Running {
    fn kept(&self) -> std::sync::MutexGuard<'_, HashMap<&'static str, String>> {
        self.kept
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl fmt::Debug for LabSwitches {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.lab() {
            None => f.write_str("LabSwitches(none)"),
            Some(lab) => {
                let on: Vec<&str> = Defence::ALL
                    .into_iter()
                    .filter(|d| self.is_on(*d))
                    .map(Defence::name)
                    .collect();
                write!(f, "LabSwitches({}, on: {on:?})", lab.name())
            }
        }
    }
}

/// The attack in steps, for the start-up banner (the page says more).
pub fn how_to(lab: Lab) -> &'static [&'static str] {
    match lab {
        Lab::NoState => &[
            "As the attacker, start a login with your own account and stop before the callback.",
            "As the victim, open the attacker's callback link: you are logged in as the attacker.",
            "Switch state on: the same link is refused (400). Switch only PKCE on: the code exchange fails.",
        ],
        Lab::NoPkce => &[
            "A victim logs in; the callback URL, with its code, leaks (a log line, a Referer).",
            "The attacker sends the leaked code to the app's callback from their own browser: they get the victim's tokens.",
            "Switch PKCE on: the provider refuses the code, since the attacker's verifier does not match.",
        ],
        Lab::SignedCookie => &[
            "Log in, then decode your session cookie on the lab page: the access token is in plain sight.",
            "Switch encryption on and log in again: the cookie is sealed, nothing to read.",
        ],
        Lab::StatelessLogout => &[
            "Log in, let the attacker copy your cookie, log out.",
            "The attacker replays the copy: stage 2 still lets it in (200); stage 3 answers 401.",
        ],
        Lab::MixUp => &[
            "Start a Google login whose answer the attacker delivers to /auth/discord.",
            "Without per-provider callbacks and iss, Google's code goes to Discord's token endpoint.",
            "Switch the checks on: refused before any token request.",
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lab_is_for_its_stages_and_offline_only() {
        assert_eq!(Lab::from_setting(None, "basic", true).unwrap(), None);
        assert_eq!(
            Lab::from_setting(Some("no-state"), "basic", true).unwrap(),
            Some(Lab::NoState)
        );
        let unknown = Lab::from_setting(Some("no-csrf"), "basic", true).unwrap_err();
        assert!(unknown.problem.contains("no-state, no-pkce"), "{unknown}");
        let elsewhere = Lab::from_setting(Some("mix-up"), "basic", true).unwrap_err();
        assert!(
            elsewhere
                .problem
                .contains("LAB=mix-up cargo run -p permissions"),
            "{elsewhere}"
        );
        let online = Lab::from_setting(Some("no-pkce"), "basic", false).unwrap_err();
        assert!(online.problem.contains("offline mode only"), "{online}");
    }

    #[test]
    fn only_the_running_labs_defences_can_be_switched() {
        let none = LabSwitches::none();
        assert!(!none.set(Defence::State, false));
        assert!(none.is_on(Defence::State));

        let lab = LabSwitches::running(Lab::NoPkce);
        assert!(!lab.is_on(Defence::Pkce));
        assert!(lab.is_on(Defence::State));
        assert!(!lab.set(Defence::State, false), "not this lab's defence");
        assert!(lab.is_on(Defence::State));
        assert!(lab.set(Defence::Pkce, true));
        assert!(lab.clone().is_on(Defence::Pkce), "clones share switches");
    }
}
