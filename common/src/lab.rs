//! Attack labs: `LAB=<name> cargo run -p <stage>` switches a defence off,
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
//!
//! This is the machinery: the labs' names, which stage runs each, and the
//! switches. What a lab teaches (its attack, the defences it switches off,
//! its steps) is a [`Lesson`] that the stage running it declares, in its
//! own `lab.rs`.

use crate::config::ConfigError;
use parking_lot::{Mutex, MutexGuard};
use std::collections::HashMap;
use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

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
    /// The issuer checks: the callback's `iss` against the issuer the
    /// login went to (RFC 9207), and where there are several providers,
    /// the callback's path against it too.
    Issuer,
}

impl Defence {
    pub const ALL: [Defence; 4] = [
        Defence::State,
        Defence::Pkce,
        Defence::EncryptedCookie,
        Defence::Issuer,
    ];

    /// The name used in URLs and forms.
    pub fn name(self) -> &'static str {
        match self {
            Defence::State => "state",
            Defence::Pkce => "pkce",
            Defence::EncryptedCookie => "encrypted-cookie",
            Defence::Issuer => "mix-up-checks",
        }
    }

    pub fn from_name(name: &str) -> Option<Defence> {
        Defence::ALL.into_iter().find(|d| d.name() == name)
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// What a lab teaches, declared by the stage that runs it: the attack in a
/// few words (banners and titles), the defences it starts with switched
/// off, and the attack in steps (the start-up banner; the page says more).
#[derive(Debug, PartialEq, Eq)]
pub struct Lesson {
    pub lab: Lab,
    pub title: &'static str,
    pub switched_off: &'static [Defence],
    pub steps: &'static [&'static str],
}

impl Lesson {
    /// The lesson of `lab` among a stage's `lessons`, if the stage runs it.
    pub fn of(lessons: &'static [Lesson], lab: Lab) -> Option<&'static Lesson> {
        lessons.iter().find(|lesson| lesson.lab == lab)
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

    /// `LAB` for a stage that teaches `lessons`: unset is no lab; an
    /// unknown name, a lab for another stage, or a lab with real
    /// credentials (`offline` false) is an error that says what would work.
    pub fn from_setting(
        value: Option<&str>,
        lessons: &'static [Lesson],
        offline: bool,
    ) -> Result<Option<&'static Lesson>, ConfigError> {
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
        let Some(lesson) = Lesson::of(lessons, lab) else {
            return Err(problem(format!(
                "{} is a lab for {}: run `LAB={} cargo run -p {}`",
                lab.name(),
                lab.stages().join(" and "),
                lab.name(),
                lab.stages()[0]
            )));
        };
        if !offline {
            return Err(problem(format!(
                "a lab switches a defence off, so it runs in offline mode only; unset the \
                 provider credentials (DISCORD_CLIENT_ID, DISCORD_CLIENT_SECRET, \
                 GOOGLE_CLIENT_ID, GOOGLE_CLIENT_SECRET) to run {}",
                lab.name()
            )));
        }
        Ok(Some(lesson))
    }
}

/// The lab a stage runs, and which of its defences are on now. Cheap to
/// clone; every clone sees the same switches.
#[derive(Clone, Default)]
pub struct LabSwitches(Option<Arc<Running>>);

struct Running {
    lesson: &'static Lesson,
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

    /// The lab of `lesson` running, with its defences switched off.
    pub fn running(lesson: &'static Lesson) -> LabSwitches {
        let on = Defence::ALL.map(|d| AtomicBool::new(!lesson.switched_off.contains(&d)));
        LabSwitches(Some(Arc::new(Running {
            lesson,
            on,
            kept: Mutex::default(),
        })))
    }

    pub fn lab(&self) -> Option<Lab> {
        self.lesson().map(|lesson| lesson.lab)
    }

    /// What the running lab teaches.
    pub fn lesson(&self) -> Option<&'static Lesson> {
        self.0.as_ref().map(|running| running.lesson)
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
            Some(running) if running.lesson.switched_off.contains(&defence) => {
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
    fn kept(&self) -> MutexGuard<'_, HashMap<&'static str, String>> {
        self.kept.lock()
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

#[cfg(test)]
mod tests {
    use super::*;

    const NO_STATE: Lesson = Lesson {
        lab: Lab::NoState,
        title: "t",
        switched_off: &[Defence::State, Defence::Pkce],
        steps: &[],
    };
    const NO_PKCE: Lesson = Lesson {
        lab: Lab::NoPkce,
        title: "t",
        switched_off: &[Defence::Pkce],
        steps: &[],
    };
    /// A stage that teaches these two, as stage 1 does.
    const BASIC: &[Lesson] = &[NO_STATE, NO_PKCE];

    #[test]
    fn a_lab_is_for_its_stages_and_offline_only() {
        assert_eq!(Lab::from_setting(None, BASIC, true).unwrap(), None);
        assert_eq!(
            Lab::from_setting(Some("no-state"), BASIC, true).unwrap(),
            Some(&NO_STATE)
        );
        let unknown = Lab::from_setting(Some("no-csrf"), BASIC, true).unwrap_err();
        assert!(unknown.problem.contains("no-state, no-pkce"), "{unknown}");
        let elsewhere = Lab::from_setting(Some("mix-up"), BASIC, true).unwrap_err();
        assert!(
            elsewhere
                .problem
                .contains("LAB=mix-up cargo run -p permissions"),
            "{elsewhere}"
        );
        let online = Lab::from_setting(Some("no-pkce"), BASIC, false).unwrap_err();
        assert!(online.problem.contains("offline mode only"), "{online}");
    }

    #[test]
    fn only_the_running_labs_defences_can_be_switched() {
        let none = LabSwitches::none();
        assert!(!none.set(Defence::State, false));
        assert!(none.is_on(Defence::State));

        let lab = LabSwitches::running(&NO_PKCE);
        assert!(!lab.is_on(Defence::Pkce));
        assert!(lab.is_on(Defence::State));
        assert!(!lab.set(Defence::State, false), "not this lab's defence");
        assert!(lab.is_on(Defence::State));
        assert!(lab.set(Defence::Pkce, true));
        assert!(lab.clone().is_on(Defence::Pkce), "clones share switches");
    }
}
