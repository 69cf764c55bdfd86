//! Stage 3's attack labs: `stateless-logout` (the attack that works in
//! stage 2 fails here) and `mix-up`, with its checks off and on.

mod support;

use common::lab::{Lab, LabSwitches, Lesson};
use common::testing::labs::{outcome, play, switch};
use permissions::app::PermissionsApp;
use std::sync::Arc;
use support::*;

async fn lab_state(lab: Lab) -> (mock_discord::MockHandle, Arc<PermissionsApp>) {
    let mock = mock().await;
    let (_, db) = database(Backend::Sqlite).await;
    let mut app = common::App::for_mock(&mock, REDIRECT);
    app.lab =
        LabSwitches::running(Lesson::of(permissions::lab::LESSONS, lab).expect("a lab of stage 3"));
    let state = google_state_of(app, &mock, db).await;
    (mock, state)
}

#[tokio::test]
async fn stateless_logout_a_copied_cookie_dies_with_logout_in_stage_3() {
    let (_mock, state) = lab_state(Lab::StatelessLogout).await;
    let mut browser = logged_in_browser(stage(&state), &ADA).await;
    assert_eq!(browser.get("/privileged").await.status(), 200);
    play(&mut browser, "copy-cookie").await;
    let logout = browser.request("POST", "/logout", SAME_ORIGIN).await;
    assert_eq!(logout.status(), 303);
    let replayed = outcome(&play(&mut browser, "replay-cookie").await);
    assert!(replayed.contains("The attack failed: 401"), "{replayed}");
}

#[tokio::test]
async fn mix_up_off_googles_code_reaches_discords_token_endpoint_and_on_nothing_does() {
    let (mock, state) = lab_state(Lab::MixUp).await;
    let mut lab = browser(stage(&state));
    let worked = outcome(&play(&mut lab, "mixed-up-login").await);
    assert!(worked.contains("The attack worked"), "{worked}");
    let google_code = mock
        .requests_to("/google/o/oauth2/v2/auth")
        .iter()
        .find_map(|e| e.location.clone())
        .expect("Google answered with a code");
    let sent = mock.requests_to("/api/oauth2/token");
    assert_eq!(sent.len(), 1, "one token request, at Discord's endpoint");
    let code = sent[0].param("code").unwrap();
    assert!(
        google_code.contains(&format!("code={code}")),
        "Discord got Google's code: {code} in {google_code}"
    );

    switch(&mut lab, "mix-up-checks", true).await;
    let stopped = outcome(&play(&mut lab, "mixed-up-login").await);
    assert!(
        stopped.contains("refused before any token request"),
        "{stopped}"
    );
    assert_eq!(
        mock.requests_to("/api/oauth2/token").len(),
        1,
        "no second token request"
    );
}

/// A lab switches one defence off, never the login: in every lab of this
/// stage a person logs in and the session works.
#[tokio::test]
async fn every_lab_logs_in_and_its_session_works() {
    for lesson in permissions::lab::LESSONS {
        let (_mock, state) = lab_state(lesson.lab).await;
        let name = lesson.lab.name();
        let mut browser = logged_in_browser(stage(&state), &ADA).await;
        let me = browser.get("/users/me").await;
        assert_eq!(me.status(), 200, "{name}: {:?}", me.body());
        let identity = &body_json(&me)["identities"][0];
        assert_eq!(identity["subject"], *ADA, "{name}: {identity}");
        assert_eq!(browser.get("/privileged").await.status(), 200, "{name}");
    }
}

/// Which stage runs which lab is said in two places: common's table (for
/// the error that names the `cargo run -p …` to use) and each stage's
/// lessons. They agree.
#[test]
fn each_stage_teaches_exactly_the_labs_common_sends_to_it() {
    let stages = [
        ("basic", basic::lab::LESSONS),
        ("sessions", sessions::lab::LESSONS),
        ("permissions", permissions::lab::LESSONS),
    ];
    for (stage, lessons) in stages {
        let taught: Vec<Lab> = lessons.iter().map(|lesson| lesson.lab).collect();
        let routed: Vec<Lab> = Lab::ALL
            .into_iter()
            .filter(|lab| lab.stages().contains(&stage))
            .collect();
        assert_eq!(taught, routed, "{stage}");
    }
}
