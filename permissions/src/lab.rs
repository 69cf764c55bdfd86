//! Stage 3's attack labs (see `common::lab`):
//!
//! * `LAB=stateless-logout`: stage 2's lab, where it fails. The cookie
//!   holds only a session id; logout deletes the row, and the copy is a
//!   401.
//! * `LAB=mix-up` (RFC 9700 §4.4): a login started with Google whose answer
//!   is delivered to Discord's callback path. With the per-provider path
//!   check and `iss` switched off, the stage sends Google's code to
//!   Discord's token endpoint; had that "Discord" been an attacker's
//!   server, it would now hold a code for the victim's Google account. With
//!   them on, the callback is refused before any token request.

use crate::app::PermissionsApp;
use crate::guard;
use basic::transaction::InFlight;
use common::lab::{Defence, Lab, Lesson};
use common::lab_page::{no_such_step, LabScript, LabStep, Outcome};
use common::Problem;
use sessions::lab::{copied_cookies, copy_cookies, replay_outcome, stateless_logout_steps};
use std::sync::Arc;

/// Mix-up: a callback delivered to the other provider's path.
pub const MIX_UP: Lesson = Lesson {
    lab: Lab::MixUp,
    title: "mix-up: one provider's code sent to the other's token endpoint",
    switched_off: &[Defence::Issuer],
    steps: &[
        "Start a Google login whose answer the attacker delivers to /auth/discord.",
        "Without per-provider callbacks and iss, Google's code goes to Discord's token endpoint.",
        "Switch the checks on: refused before any token request.",
    ],
};

/// The labs this stage runs: stage 2's stateless logout (which fails
/// here), and the mix-up.
pub const LESSONS: &[Lesson] = &[sessions::lab::STATELESS_LOGOUT, MIX_UP];

/// The victim's Google account on the mock.
const VICTIM_GOOGLE: &str = "ada@example.com";

/// A Google login, in a browser the lab plays, whose answer the attacker
/// delivers to `/auth/discord`.
async fn mixed_up_login(app: &Arc<PermissionsApp>) -> Result<Outcome, Problem> {
    let google = app
        .provider("google")
        .ok_or_else(|| Problem::bad_request("This stage runs without Google."))?;
    let (authorize_url, transaction) = google.begin(app.now());
    let mut browser = InFlight::default();
    browser.start(transaction);
    let set_cookie = browser.to_cookie(&app.keys, app.cookies);
    let cookie = set_cookie
        .to_str()
        .ok()
        .and_then(|c| c.split(';').next())
        .unwrap_or_default()
        .to_string();
    let callback = common::offline::consent_as(authorize_url.as_str(), VICTIM_GOOGLE)
        .await
        .map_err(Problem::bad_request)?;
    let query = url::Url::parse(&callback)
        .ok()
        .and_then(|url| url.query().map(str::to_string))
        .unwrap_or_default();
    let delivered = crate::callback::auth(app.clone(), "discord".into(), query, Some(cookie)).await;
    Ok(match delivered {
        Err(problem) if problem.detail.contains("before any token request") => Outcome::stopped(
            "The attack failed: refused before any token request",
            vec![
                format!("{}: {}", problem.status.as_u16(), problem.detail),
                "The login was started with Google; its answer came to Discord's path. Google's code never left the stage.".into(),
            ],
        ),
        Err(problem) => Outcome::worked(
            "The attack worked: Google's code went to Discord's token endpoint",
            vec![
                format!("POST {} with Google's code and our Discord credentials.", app.provider.token_url),
                format!("Discord answered: {}", problem.detail),
                "Here Discord is honest and refuses it. Had this token endpoint been an attacker's, it would now hold a code for Ada's Google account.".into(),
            ],
        ),
        Ok(_) => Outcome::worked(
            "The attack worked: a login from the wrong provider's code",
            Vec::new(),
        ),
    })
}

/// Stage 3's labs on `/__lab`.
#[derive(Clone)]
pub struct PermissionsLabs(pub Arc<PermissionsApp>);

impl LabScript for PermissionsLabs {
    fn stage(&self) -> &'static str {
        "permissions"
    }

    fn steps(&self, lab: Lab) -> Vec<LabStep> {
        match lab {
            Lab::StatelessLogout => stateless_logout_steps(
                &self.0.lab,
                "Stage 2 answered 200 here. Stage 3 answers 401: logout deleted the session's row.",
            ),
            Lab::MixUp => vec![
                LabStep::say(
                    "Ada (the victim)",
                    "Starts a login with Google. The attacker (a network position, or a malicious provider Ada also uses) delivers Google's answer to /auth/discord instead of /auth/google.",
                )
                .with_button("mixed-up-login", "Play the mixed-up login"),
                LabStep::say(
                    "Watch",
                    "On the mock's inspector: with the checks off, a POST /api/oauth2/token carries Google's code. Switch the checks on and play again: no token request at all.",
                ),
            ],
            _ => Vec::new(),
        }
    }

    async fn play(
        &self,
        lab: Lab,
        step: String,
        cookies: Option<String>,
    ) -> Result<Outcome, Problem> {
        let app = &self.0;
        match (lab, step.as_str()) {
            (Lab::StatelessLogout, "copy-cookie") => copy_cookies(&app.lab, cookies),
            (Lab::StatelessLogout, "replay-cookie") => {
                let copy = copied_cookies(&app.lab)?;
                let replayed = guard::check(app, Some(&copy), Some("privileged"))
                    .await
                    .map(|_| ());
                Ok(replay_outcome(replayed))
            }
            (Lab::MixUp, "mixed-up-login") => mixed_up_login(app).await,
            _ => Err(no_such_step(&step)),
        }
    }

    fn link(&self, _lab: Lab, _name: &str) -> Option<String> {
        None
    }
}
