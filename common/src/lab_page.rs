//! `/__lab`: the running lab's page, the same for every stage. The page
//! walks through the attack step by step; its buttons play the attacker's
//! part (a second browser, the attacker's own account on the mock, a
//! leaked code), and its switches turn the lab's defences on and off, so
//! that one run shows the attack working and the next shows it failing.
//!
//! Each stage says what its steps are and what the buttons do, as a
//! [`LabScript`]; this module draws the page and routes the requests:
//!
//! | route | what |
//! |---|---|
//! | `GET /__lab` | the page |
//! | `POST /__lab/defences` | `defence=<name>&on=true\|false`, then back to the page |
//! | `POST /__lab/attack` | `step=<name>`: play that step, show what happened |
//! | `GET /__lab/link/<name>` | follow a link the attacker made (303) |
//!
//! With no lab running, every route is a 404. The POSTs are control
//! routes, like the mock's `/__mock`: they are taken only from the lab's
//! own page, and every lab route answers only at this machine's own address
//! (both in [`crate::lab_guard`]).

use crate::lab::{Defence, Lab, LabSwitches};
use crate::lab_guard::{local_host_only, own_page_only};
use crate::problem::{Answer, Problem};
use askama::Template;
use http::StatusCode;
use serde::Deserialize;
use std::future::Future;
use std::sync::Arc;
use warp::{Filter, Rejection};

/// One step of the attack, as the page shows it.
pub struct LabStep {
    /// Who acts: "Attacker", "You (the victim)".
    pub who: &'static str,
    pub text: String,
    /// A button that plays this step (`POST /__lab/attack`).
    pub button: Option<Button>,
    /// A link the person follows themselves.
    pub link: Option<Link>,
}

pub struct Button {
    pub name: &'static str,
    pub label: &'static str,
}

pub struct Link {
    pub id: &'static str,
    pub href: String,
    pub label: &'static str,
}

impl LabStep {
    pub fn say(who: &'static str, text: impl Into<String>) -> LabStep {
        LabStep {
            who,
            text: text.into(),
            button: None,
            link: None,
        }
    }

    pub fn with_button(mut self, name: &'static str, label: &'static str) -> LabStep {
        self.button = Some(Button { name, label });
        self
    }

    pub fn with_link(
        mut self,
        id: &'static str,
        href: impl Into<String>,
        label: &'static str,
    ) -> LabStep {
        self.link = Some(Link {
            id,
            href: href.into(),
            label,
        });
        self
    }
}

/// What a played step did.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// `worked` (red), `stopped` (green), or `prepared`: a step on the way,
    /// neither yet.
    pub verdict: &'static str,
    pub headline: String,
    pub lines: Vec<String>,
}

impl Outcome {
    /// The attack worked: the defence was off.
    pub fn worked(headline: impl Into<String>, lines: Vec<String>) -> Outcome {
        Outcome::new("worked", headline, lines)
    }

    /// A defence stopped the attack.
    pub fn stopped(headline: impl Into<String>, lines: Vec<String>) -> Outcome {
        Outcome::new("stopped", headline, lines)
    }

    /// A step that prepares the attack.
    pub fn prepared(headline: impl Into<String>, lines: Vec<String>) -> Outcome {
        Outcome::new("prepared", headline, lines)
    }

    fn new(verdict: &'static str, headline: impl Into<String>, lines: Vec<String>) -> Outcome {
        Outcome {
            verdict,
            headline: headline.into(),
            lines,
        }
    }
}

/// The answer to a step the running lab does not have. (`{:?}` escapes
/// whatever the form sent; the body limit keeps it short.)
pub fn no_such_step(step: &str) -> Problem {
    Problem::bad_request(format!("This lab has no step {step:?}."))
}

/// What a stage brings to its labs' page.
pub trait LabScript: Clone + Send + Sync + 'static {
    /// The stage's name, for the page's title.
    fn stage(&self) -> &'static str;
    /// The lab's steps, as they stand now (a link appears once the
    /// attacker has made it).
    fn steps(&self, lab: Lab) -> Vec<LabStep>;
    /// Plays the step called `step`; `cookies` are the browser's.
    fn play(
        &self,
        lab: Lab,
        step: String,
        cookies: Option<String>,
    ) -> impl Future<Output = Result<Outcome, Problem>> + Send;
    /// Where `/__lab/link/<name>` sends the browser, if the attack has
    /// made that link.
    fn link(&self, lab: Lab, name: &str) -> Option<String>;
}

struct DefenceRow {
    name: &'static str,
    on: bool,
}

#[derive(Template)]
#[template(path = "lab.html")]
struct LabPage<'a> {
    lab: &'a str,
    title: &'a str,
    stage: &'a str,
    intro: Vec<&'static str>,
    outcome: Option<Outcome>,
    defences: Vec<DefenceRow>,
    steps: Vec<LabStep>,
}

fn page<S: LabScript>(switches: &LabSwitches, script: &S, outcome: Option<Outcome>) -> Answer {
    let lab = running(switches)?;
    let lesson = switches.lesson().ok_or_else(no_lab)?;
    let page = LabPage {
        lab: lab.name(),
        title: lesson.title,
        stage: script.stage(),
        intro: lesson.steps.to_vec(),
        outcome,
        defences: lesson
            .switched_off
            .iter()
            .map(|d| DefenceRow {
                name: d.name(),
                on: switches.is_on(*d),
            })
            .collect(),
        steps: script.steps(lab),
    };
    crate::respond::page(&page)
}

fn running(switches: &LabSwitches) -> Result<Lab, Problem> {
    switches.lab().ok_or_else(no_lab)
}

fn no_lab() -> Problem {
    Problem::new(
        StatusCode::NOT_FOUND,
        "No lab is running. Start one with LAB=<name> cargo run -p <stage> (see WORKSHOP.md).",
    )
}

#[derive(Deserialize)]
struct Switch {
    defence: String,
    on: bool,
}

#[derive(Deserialize)]
struct Play {
    step: String,
}

/// The lab page's routes, for a stage whose pages live at `public_origin`.
pub fn routes<S: LabScript>(
    switches: LabSwitches,
    public_origin: Arc<str>,
    script: S,
) -> impl Filter<Extract = (Answer,), Error = Rejection> + Clone {
    let with = move || crate::filters::with((switches.clone(), script.clone()));
    let local = local_host_only(&public_origin);
    let show = warp::path!("__lab")
        .and(warp::get())
        .and(local.clone())
        .and(with())
        .map(|(switches, script): (LabSwitches, S)| page(&switches, &script, None));
    let switch = warp::path!("__lab" / "defences")
        .and(warp::post())
        .and(local.clone())
        .and(own_page_only())
        .and(warp::body::content_length_limit(1024))
        .and(warp::body::form())
        .and(with())
        .map(|form: Switch, (switches, _): (LabSwitches, S)| -> Answer {
            running(&switches)?;
            let switched = Defence::from_name(&form.defence)
                .is_some_and(|defence| switches.set(defence, form.on));
            if !switched {
                return Err(Problem::bad_request(format!(
                    "This lab has no defence called {:?}.",
                    form.defence
                )));
            }
            Ok(crate::respond::see_other("/__lab"))
        });
    let play = warp::path!("__lab" / "attack")
        .and(warp::post())
        .and(local.clone())
        .and(own_page_only())
        .and(warp::body::content_length_limit(1024))
        .and(warp::body::form())
        .and(crate::filters::cookie_header())
        .and(with())
        .then(
            |form: Play, cookies: Option<String>, (switches, script): (LabSwitches, S)| async move {
                let lab = running(&switches)?;
                let outcome = script.play(lab, form.step, cookies).await?;
                page(&switches, &script, Some(outcome))
            },
        );
    let follow = warp::path!("__lab" / "link" / String)
        .and(warp::get())
        .and(local)
        .and(with())
        .map(
            |name: String, (switches, script): (LabSwitches, S)| -> Answer {
                let lab = running(&switches)?;
                let target = script.link(lab, &name).ok_or_else(|| {
                    Problem::new(
                    StatusCode::NOT_FOUND,
                    "The attacker has not made this link yet: play the step before it on /__lab.",
                )
                })?;
                Ok(crate::respond::see_other(&target))
            },
        );
    show.or(switch).unify().or(play).unify().or(follow).unify()
}
