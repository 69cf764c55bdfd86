//! Stage 2's attack labs, each run with its defence off (the attack works)
//! and on (it fails). `stateless-logout`'s "on" is stage 3: see
//! `permissions/tests/labs.rs`.

mod support;

use common::lab::{Lab, LabSwitches, Lesson};
use common::testing::labs::{follow, outcome, play, switch};
use common::testing::{logged_in_browser, Browser};
use common::App;
use support::*;

fn lab_app(mock: &mock_discord::MockHandle, lab: Lab) -> App {
    let mut app = App::for_mock(mock, REDIRECT);
    app.lab =
        LabSwitches::running(Lesson::of(sessions::lab::LESSONS, lab).expect("a lab of stage 2"));
    app
}

#[tokio::test]
async fn no_state_logs_the_victim_in_as_the_attacker_unless_state_is_checked() {
    for state in [false, true] {
        let mock = mock().await;
        let app = lab_app(&mock, Lab::NoState);
        let mut attacker = Browser::new(sessions::routes(app.clone()));
        switch(&mut attacker, "state", state).await;
        play(&mut attacker, "attacker-login").await;

        let mut victim = Browser::new(sessions::routes(app));
        let landed = follow(&mut victim, "planted").await;
        if state {
            assert_eq!(landed.status(), 400, "state on: refused");
            assert!(victim.get("/users/me").await.status() == 401);
        } else {
            assert_eq!(landed.status(), 303);
            let me = body_json(&victim.get("/users/me").await);
            assert_eq!(me["username"], "nelly", "logged in as the attacker");
        }
    }
}

#[tokio::test]
async fn signed_cookie_gives_the_token_away_and_the_encrypted_one_does_not() {
    let mock = mock().await;
    let app = lab_app(&mock, Lab::SignedCookie);
    let mut browser = logged_in_browser(sessions::routes(app.clone()), &ADA).await;
    let decoded = outcome(&play(&mut browser, "decode-cookie").await);
    assert!(decoded.contains("reads your access token"), "{decoded}");
    // The token really is in the cookie, whole, for anyone to read.
    let value = browser.cookie("session").unwrap().to_string();
    let json = sessions::signed_cookie::read_signed_value(&value).expect("base64 JSON");
    let session: serde_json::Value = serde_json::from_str(&json).unwrap();
    let token = session["a"].as_str().unwrap();
    assert!(!token.is_empty());
    assert!(
        !decoded.contains(token),
        "the page itself cuts the token: {decoded}"
    );

    switch(&mut browser, "encrypted-cookie", true).await;
    let mut browser = logged_in_browser(sessions::routes(app), &ADA).await;
    let sealed = outcome(&play(&mut browser, "decode-cookie").await);
    assert!(sealed.contains("Nothing to read"), "{sealed}");
    let value = browser.cookie("session").unwrap();
    assert!(sessions::signed_cookie::read_signed_value(value)
        .is_none_or(|text| !text.contains("\"a\"")));
}

#[tokio::test]
async fn stateless_logout_a_copied_cookie_still_works_in_stage_2() {
    let mock = mock().await;
    let app = lab_app(&mock, Lab::StatelessLogout);
    let mut browser = logged_in_browser(sessions::routes(app), &ADA).await;
    play(&mut browser, "copy-cookie").await;
    let logout = browser.request("POST", "/logout", &[]).await;
    assert_eq!(logout.status(), 303);
    assert_eq!(
        browser.get("/privileged").await.status(),
        401,
        "logged out here"
    );
    let replayed = outcome(&play(&mut browser, "replay-cookie").await);
    assert!(replayed.contains("The attack worked: 200"), "{replayed}");
}

/// A lab switches one defence off, never the login: in every lab of this
/// stage a person logs in and the session works (the signed-only cookie
/// of `signed-cookie` included).
#[tokio::test]
async fn every_lab_logs_in_and_its_session_works() {
    for lesson in sessions::lab::LESSONS {
        let mock = mock().await;
        let name = lesson.lab.name();
        let mut browser =
            logged_in_browser(sessions::routes(lab_app(&mock, lesson.lab)), &NELLY).await;
        let me = browser.get("/users/me").await;
        assert_eq!(me.status(), 200, "{name}: {:?}", me.body());
        assert_eq!(body_json(&me)["username"], "nelly", "{name}");
        assert_eq!(browser.get("/privileged").await.status(), 200, "{name}");
    }
}
