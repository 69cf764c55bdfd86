//! Stage 2's attack labs (see `common::lab`):
//!
//! * `LAB=no-state`: stage 1's login CSRF, where it hurts more: your
//!   browser ends up *logged in* as the attacker.
//! * `LAB=signed-cookie`: the session cookie only signed, as in the FastAPI
//!   tutorial this project grew from. The page decodes your cookie, as
//!   anyone holding a copy could, and finds the access token. Encrypted,
//!   there is nothing to read.
//! * `LAB=stateless-logout`: a copy of the cookie, taken before logout,
//!   still works after it: the cookie *is* the session, and the server
//!   keeps nothing it could forget. Stage 3 runs the same lab and answers
//!   401 (its sessions live in the database).

use crate::app::SessionApp;
use crate::guard::open_session;
use crate::session::{Session, SESSION_COOKIE};
use crate::signed_cookie::read_signed_value;
use basic::cookies;
use basic::lab::{attacker_starts_a_login, no_state_steps, planted_link};
use common::lab::{Defence, Lab, LabSwitches, Lesson};
use common::lab_page::{no_such_step, LabScript, LabStep, Outcome};
use common::shown::clip_to;
use common::Problem;
use std::sync::Arc;

/// A session cookie that is only signed: anyone holding it reads it.
pub const SIGNED_COOKIE: Lesson = Lesson {
    lab: Lab::SignedCookie,
    title: "a signed (not encrypted) session cookie gives its token away",
    switched_off: &[Defence::EncryptedCookie],
    steps: &[
        "Log in, then decode your session cookie on the lab page: the access token is in plain sight.",
        "Switch encryption on and log in again: the cookie is sealed, nothing to read.",
    ],
};

/// A copied cookie that outlives logout here, and does not in stage 3. No
/// defence is switched off: this stage simply has no server-side session.
pub const STATELESS_LOGOUT: Lesson = Lesson {
    lab: Lab::StatelessLogout,
    title: "a copied session cookie after logout",
    switched_off: &[],
    steps: &[
        "Log in, let the attacker copy your cookie, log out.",
        "The attacker replays the copy: stage 2 still lets it in (200); stage 3 answers 401.",
    ],
};

/// The labs this stage runs: stage 1's login CSRF, and its own two.
pub const LESSONS: &[Lesson] = &[basic::lab::NO_STATE, SIGNED_COOKIE, STATELESS_LOGOUT];

const COPIED_COOKIES: &str = "copied-cookies";

/// `stateless-logout`'s steps, the same in stages 2 and 3.
pub fn stateless_logout_steps(switches: &LabSwitches, stage_answer: &str) -> Vec<LabStep> {
    let copied = switches.kept(COPIED_COOKIES).is_some();
    vec![
        LabStep::say("You", "Log in.").with_link("login", "/login", "Log in"),
        LabStep::say(
            "Attacker",
            "Copies your session cookie: from a shared computer, a browser extension, a log.",
        )
        .with_button("copy-cookie", "Play the attacker: copy my cookie"),
        LabStep::say(
            "You",
            if copied {
                "Log out, on the home page. You are safe now, aren't you?"
            } else {
                "Log out, on the home page (after step 2)."
            },
        )
        .with_link("home", "/", "Go to the home page"),
        LabStep::say(
            "Attacker",
            format!("Sends the copied cookie to /privileged. {stage_answer}"),
        )
        .with_button("replay-cookie", "Play the attacker: replay the copy"),
    ]
}

/// `stateless-logout`, step 2: the attacker keeps this browser's cookies.
pub fn copy_cookies(switches: &LabSwitches, cookies: Option<String>) -> Result<Outcome, Problem> {
    let cookies =
        cookies.ok_or_else(|| Problem::bad_request("No cookie to copy: log in first."))?;
    switches.keep(COPIED_COOKIES, cookies);
    Ok(Outcome::prepared(
        "The attacker has a copy of your cookies",
        vec!["Now log out on the home page, then play step 4.".into()],
    ))
}

/// `stateless-logout`, step 4's input: the copy.
pub fn copied_cookies(switches: &LabSwitches) -> Result<String, Problem> {
    switches
        .kept(COPIED_COOKIES)
        .ok_or_else(|| Problem::bad_request("The attacker has no copy yet: play step 2 first."))
}

/// What a replayed copy got: 200 from the guard, or its refusal.
pub fn replay_outcome(result: Result<(), Problem>) -> Outcome {
    match result {
        Ok(()) => Outcome::worked(
            "The attack worked: 200, the copy is still logged in",
            vec![
                "Logout revoked the token at Discord and deleted the cookie in your browser, but the copy is a whole session by itself: the server keeps nothing it could forget.".into(),
                "It works until it expires (half a week unused, a week after the login, whichever comes first), or until SESSION_SECRET changes for everyone.".into(),
            ],
        ),
        Err(problem) => Outcome::stopped(
            format!("The attack failed: {}", problem.status.as_u16()),
            vec![
                problem.detail,
                "The session lived on the server, and logout deleted it: every copy of the cookie died with it.".into(),
            ],
        ),
    }
}

/// `signed-cookie`: decodes the session cookie the way anyone holding it
/// could, with no key.
fn decode_session_cookie(app: &SessionApp, cookies: Option<&str>) -> Result<Outcome, Problem> {
    let policy = app.app.cookies;
    let Some(cookie) = cookies::find(cookies, SESSION_COOKIE.under(policy))? else {
        return Err(Problem::bad_request("No session cookie: log in first."));
    };
    let value = cookie.value();
    let shown = format!(
        "{} ({} characters)",
        clip_to(value, 24),
        value.chars().count()
    );
    let read =
        read_signed_value(value).and_then(|json| serde_json::from_str::<Session>(&json).ok());
    Ok(match read {
        Some(session) => Outcome::worked(
            "Anyone holding your cookie reads your access token",
            vec![
                format!("The cookie: {shown}"),
                "Skip the signature (44 characters), base64-decode the rest:".into(),
                format!(
                    "access_token {} (cut here; the cookie holds it whole), refresh_token {}, user {}",
                    clip_to(&session.access_token, 4),
                    if session.refresh_token.is_some() { "present" } else { "absent" },
                    session.user_name
                ),
                "The signature stops changes, not reading.".into(),
            ],
        ),
        None => Outcome::stopped(
            "Nothing to read: the cookie is encrypted",
            vec![
                format!("The cookie: {shown}"),
                "AES-256-GCM with a key only the server has: ciphertext, and a tag that detects any change.".into(),
            ],
        ),
    })
}

/// Stage 2's labs on `/__lab`.
#[derive(Clone)]
pub struct SessionLabs(pub Arc<SessionApp>);

impl LabScript for SessionLabs {
    fn stage(&self) -> &'static str {
        "sessions"
    }

    fn steps(&self, lab: Lab) -> Vec<LabStep> {
        let app = &self.0.app;
        match lab {
            Lab::NoState => no_state_steps(
                app,
                "You land on /users/me, logged in as nelly: the attacker's account. What you do next (save a card, upload a file) lands in the attacker's account.",
            ),
            Lab::SignedCookie => vec![
                LabStep::say("You", "Log in.").with_link("login", "/login", "Log in"),
                LabStep::say("Attacker", "Holds a copy of your cookie (a log, a shared computer), and decodes it.")
                    .with_button("decode-cookie", "Decode my session cookie"),
                LabStep::say("Then", "Switch encryption on, log in again, and decode again."),
            ],
            Lab::StatelessLogout => stateless_logout_steps(
                &app.lab,
                "Stage 2 answers 200. Run the same lab on stage 3 (LAB=stateless-logout cargo run -p permissions): 401.",
            ),
            _ => Vec::new(),
        }
    }

    async fn play(
        &self,
        lab: Lab,
        step: String,
        cookies: Option<String>,
    ) -> Result<Outcome, Problem> {
        let stage = &self.0;
        match (lab, step.as_str()) {
            (Lab::NoState, "attacker-login") => attacker_starts_a_login(&stage.app).await,
            (Lab::SignedCookie, "decode-cookie") => {
                decode_session_cookie(stage, cookies.as_deref())
            }
            (Lab::StatelessLogout, "copy-cookie") => copy_cookies(&stage.app.lab, cookies),
            (Lab::StatelessLogout, "replay-cookie") => {
                let copy = copied_cookies(&stage.app.lab)?;
                let replayed = open_session(stage, Some(&copy)).await.map(|_| ());
                Ok(replay_outcome(replayed))
            }
            _ => Err(no_such_step(&step)),
        }
    }

    fn link(&self, _lab: Lab, name: &str) -> Option<String> {
        planted_link(&self.0.app, name)
    }
}
