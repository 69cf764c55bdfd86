//! Stage 1's attack labs (see `common::lab`): each switches one defence of
//! this stage off, and plays the attacker at `/__lab`.
//!
//! * `LAB=no-state`: login CSRF. The attacker logs in with their own
//!   account, stops before the callback, and makes your browser finish it.
//!   It needs PKCE off too: PKCE also binds the code to the browser that
//!   started the login (RFC 9700 §2.1). Three runs: both off (you end up
//!   with the attacker's tokens), state on (400), only PKCE on (the code
//!   exchange fails).
//! * `LAB=no-pkce`: code interception (RFC 9700 §4.5). A victim's code
//!   leaks; the attacker sends it to our callback from their own browser,
//!   with their own state, and gets the victim's tokens. With PKCE, the
//!   provider refuses: the attacker's verifier is not the victim's.

use crate::callback;
use crate::login::begin;
use crate::transaction::{InFlight, Transaction};
use common::lab::{Defence, Lab, Lesson};
use common::lab_page::{no_such_step, LabScript, LabStep, Outcome};
use common::shown::clip_to;
use common::{App, Problem};

/// Login CSRF: the victim's browser finishes the attacker's login.
pub const NO_STATE: Lesson = Lesson {
    lab: Lab::NoState,
    title: "login CSRF: the victim finishes the attacker's login",
    switched_off: &[Defence::State, Defence::Pkce],
    steps: &[
        "As the attacker, start a login with your own account and stop before the callback.",
        "As the victim, open the attacker's callback link: you are logged in as the attacker.",
        "Switch state on: the same link is refused (400). Switch only PKCE on: the code exchange fails.",
    ],
};

/// Code interception: a leaked code redeemed by the attacker.
pub const NO_PKCE: Lesson = Lesson {
    lab: Lab::NoPkce,
    title: "code interception: a leaked code redeemed by the attacker",
    switched_off: &[Defence::Pkce],
    steps: &[
        "A victim logs in; the callback URL, with its code, leaks (a log line, a Referer).",
        "The attacker sends the leaked code to the app's callback from their own browser: they get the victim's tokens.",
        "Switch PKCE on: the provider refuses the code, since the attacker's verifier does not match.",
    ],
};

/// The labs this stage runs.
pub const LESSONS: &[Lesson] = &[NO_STATE, NO_PKCE];

/// The attacker's own account on the mock.
pub const ATTACKER: &str = "nelly";
/// The victim the `no-pkce` lab plays.
pub const VICTIM: &str = "ada.lovelace";

const PLANTED: &str = "planted";
const LEAKED_CODE: &str = "leaked-code";

/// Where the provider sent a browser back to: our callback, with a code.
pub struct Callback(url::Url);

impl Callback {
    /// Its path and query: a link to our own site.
    pub fn link(&self) -> String {
        format!("{}?{}", self.0.path(), self.0.query().unwrap_or_default())
    }

    pub fn code(&self) -> Option<String> {
        self.0
            .query_pairs()
            .find(|(name, _)| name == "code")
            .map(|(_, value)| value.into_owned())
    }

    /// As a lab's page shows it: the code cut to four characters.
    pub fn shown(&self) -> String {
        let query: Vec<String> = self
            .0
            .query_pairs()
            .map(|(name, value)| match name.as_ref() {
                "code" => format!("code={}", clip_to(&value, 4)),
                _ => format!("{name}={value}"),
            })
            .collect();
        format!("{}?{}", self.0.path(), query.join("&"))
    }
}

/// A login in another browser, through the mock's consent page as
/// `username`, up to the callback it sends the browser to (not followed).
/// Returns that callback and the login's transaction.
pub async fn log_in_elsewhere(
    app: &App,
    username: &str,
) -> Result<(Callback, Transaction), Problem> {
    let (authorize_url, transaction) = begin(app);
    let callback = common::offline::consent_as(authorize_url.as_str(), username)
        .await
        .map_err(Problem::bad_request)?;
    let callback = url::Url::parse(&callback)
        .map_err(|_| Problem::bad_request("the provider sent the browser nowhere"))?;
    Ok((Callback(callback), transaction))
}

/// `no-state`, step 1: the attacker's login, stopped before the callback.
pub async fn attacker_starts_a_login(app: &App) -> Result<Outcome, Problem> {
    let (callback, _attackers_own_cookie) = log_in_elsewhere(app, ATTACKER).await?;
    app.lab.keep(PLANTED, callback.link());
    Ok(Outcome::prepared(
        "The attacker holds a callback for their own account",
        vec![
            format!(
                "{} (the code cut here; the link below carries it whole).",
                callback.shown()
            ),
            "The attacker never follows it. Your browser will.".into(),
        ],
    ))
}

/// `no-state`: where the attacker's link sends your browser.
pub fn planted_link(app: &App, name: &str) -> Option<String> {
    (name == PLANTED).then(|| app.lab.kept(PLANTED)).flatten()
}

/// `no-state`'s steps; `you_see` says what the victim's browser shows at
/// the end in this stage.
pub fn no_state_steps(app: &App, you_see: &str) -> Vec<LabStep> {
    let link = app.lab.kept(PLANTED);
    let open = LabStep::say(
        "You (the victim)",
        if link.is_some() {
            "Open the link the attacker sent you (in a chat, an e-mail, a hidden image)."
        } else {
            "Open the link the attacker sends you (it appears after step 1)."
        },
    );
    vec![
        LabStep::say(
            "Attacker",
            format!("Logs in with their own account ({ATTACKER}) in their own browser, and stops when the provider sends the browser back with a code."),
        )
        .with_button("attacker-login", "Play the attacker: log in as nelly, stop before the callback"),
        match link {
            Some(_) => open.with_link("planted-link", "/__lab/link/planted", "Open the attacker's link"),
            None => open,
        },
        LabStep::say("You (the victim)", you_see.to_string()),
        LabStep::say(
            "Then",
            "Switch state on and replay steps 1 and 2: refused (400). Switch state off and PKCE on: refused at the code exchange, since the provider expects the verifier of the browser that started the login.",
        ),
    ]
}

/// `no-pkce`, step 1: a victim's login whose callback leaks.
async fn victim_logs_in(app: &App) -> Result<Outcome, Problem> {
    let (callback, _) = log_in_elsewhere(app, VICTIM).await?;
    let code = callback
        .code()
        .ok_or_else(|| Problem::bad_request("the provider sent no code"))?;
    app.lab.keep(LEAKED_CODE, code);
    Ok(Outcome::prepared(
        "Ada's callback leaked",
        vec![
            format!("A proxy's access log: GET {}", callback.shown()),
            "Her browser never arrives: the attacker is faster.".into(),
        ],
    ))
}

/// `no-pkce`, step 2: the attacker sends the leaked code to our callback,
/// from their own browser, with the state of a login they started there.
async fn attacker_redeems_the_code(app: &App) -> Result<Outcome, Problem> {
    let Some(code) = app.lab.kept(LEAKED_CODE) else {
        return Err(Problem::bad_request(
            "No code has leaked yet: play step 1 first.",
        ));
    };
    let (_, attackers_login) = begin(app);
    let state = attackers_login.state.clone();
    let mut attackers_browser = InFlight::default();
    attackers_browser.start(attackers_login);
    let query = serde_urlencoded::to_string([("code", code.as_str()), ("state", state.as_str())])
        .unwrap_or_default();
    match callback::complete(app, &query, &mut attackers_browser).await {
        Ok(tokens) => {
            let whose = whose_token(app, &tokens.access_token).await;
            Ok(Outcome::worked(
                "The attack worked: the attacker holds the victim's tokens",
                vec![
                    format!("access_token {} (cut here)", clip_to(&tokens.access_token, 4)),
                    format!("The provider says the token is {whose}'s."),
                ],
            ))
        }
        Err(problem) => Ok(Outcome::stopped(
            "The attack failed: the code was refused",
            vec![
                format!("{}: {}", problem.status.as_u16(), problem.detail),
                "The provider checked the attacker's verifier against the challenge of Ada's login: not equal.".into(),
            ],
        )),
    }
}

/// Whose account an access token opens, by the provider's own answer.
pub async fn whose_token(app: &App, access_token: &str) -> String {
    match app.provider.profile(&app.upstream, access_token).await {
        Ok(profile) => profile.username().unwrap_or("(unknown)").to_string(),
        Err(_) => "(unknown)".into(),
    }
}

/// Stage 1's labs on `/__lab`.
#[derive(Clone)]
pub struct BasicLabs(pub App);

impl LabScript for BasicLabs {
    fn stage(&self) -> &'static str {
        "basic"
    }

    fn steps(&self, lab: Lab) -> Vec<LabStep> {
        let app = &self.0;
        match lab {
            Lab::NoState => no_state_steps(
                app,
                "Your browser shows the token JSON: the attacker's tokens (nelly's). Whatever the app does next with them, it does on the attacker's account.",
            ),
            Lab::NoPkce => vec![
                LabStep::say("Ada (the victim)", "Logs in. On its way back, her callback URL, with its code, leaks: a proxy's log, a Referer header, browser history.")
                    .with_button("victim-login", "Play Ada's login, and the leak"),
                LabStep::say("Attacker", "Starts a login in their own browser (so the state matches their cookie), then sends the leaked code to /auth with that state.")
                    .with_button("attacker-redeems", "Play the attacker: redeem the leaked code"),
                LabStep::say("Then", "Switch PKCE on and play both steps again: the provider refuses the code."),
            ],
            _ => Vec::new(),
        }
    }

    async fn play(
        &self,
        lab: Lab,
        step: String,
        _cookies: Option<String>,
    ) -> Result<Outcome, Problem> {
        let app = &self.0;
        match (lab, step.as_str()) {
            (Lab::NoState, "attacker-login") => attacker_starts_a_login(app).await,
            (Lab::NoPkce, "victim-login") => victim_logs_in(app).await,
            (Lab::NoPkce, "attacker-redeems") => attacker_redeems_the_code(app).await,
            _ => Err(no_such_step(&step)),
        }
    }

    fn link(&self, _lab: Lab, name: &str) -> Option<String> {
        planted_link(&self.0, name)
    }
}
