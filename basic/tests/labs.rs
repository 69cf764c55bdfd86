//! Stage 1's attack labs, each run twice: with its defence off (the attack
//! works) and on (it fails).

use common::lab::{Lab, LabSwitches, Lesson};
use common::testing::labs::{follow, outcome, play, switch};
use common::testing::Browser;
use common::App;
use mock_discord::config::default_user_id;
use mock_discord::{MockDiscord, MockHandle};
use serde_json::Value;

const REDIRECT: &str = "http://127.0.0.1:5000/auth";

async fn lab_app(lab: Lab) -> (MockHandle, App) {
    let mock = MockDiscord::builder().spawn().await.unwrap();
    let mut app = App::for_mock(&mock, REDIRECT);
    app.lab = LabSwitches::running(Lesson::of(basic::lab::LESSONS, lab).expect("a lab of stage 1"));
    (mock, app)
}

/// `no-state`: the attacker's login, finished by the victim's browser, with
/// the state check and PKCE as given. The victim's answer.
async fn login_csrf(state: bool, pkce: bool) -> (MockHandle, App, http::Response<bytes::Bytes>) {
    let (mock, app) = lab_app(Lab::NoState).await;
    let mut attacker = Browser::new(basic::routes(app.clone()));
    switch(&mut attacker, "state", state).await;
    switch(&mut attacker, "pkce", pkce).await;
    let prepared = play(&mut attacker, "attacker-login").await;
    assert!(outcome(&prepared).contains("callback for their own account"));
    // The page shows the code cut; only the link carries it whole.
    let link = attacker.get("/__lab/link/planted").await;
    let code = common::testing::query_param(&common::testing::location(&link), "code").unwrap();
    let page = String::from_utf8_lossy(prepared.body()).into_owned();
    assert!(!page.contains(&code), "the whole code is on the page");
    assert!(page.contains(&format!("code={}…", &code[..4])), "{page}");
    let mut victim = Browser::new(basic::routes(app.clone()));
    let answer = follow(&mut victim, "planted").await;
    (mock, app, answer)
}

#[tokio::test]
async fn no_state_without_either_defence_the_victim_gets_the_attackers_tokens() {
    let (mock, app, answer) = login_csrf(false, false).await;
    assert_eq!(answer.status(), 200, "{:?}", answer.body());
    // The inspector shows the open door.
    assert!(mock
        .steps()
        .iter()
        .any(|s| s.label == "GET /auth: state NOT checked" && !s.ok));
    let tokens: Value = serde_json::from_slice(answer.body()).unwrap();
    let token = tokens["access_token"].as_str().unwrap();
    assert_eq!(basic::lab::whose_token(&app, token).await, "nelly");
}

#[tokio::test]
async fn no_state_with_state_on_the_link_is_refused() {
    let (mock, _app, answer) = login_csrf(true, false).await;
    assert_eq!(answer.status(), 400);
    assert!(mock.requests_to("/api/oauth2/token").is_empty());
}

#[tokio::test]
async fn no_state_with_only_pkce_on_the_code_exchange_fails() {
    let (mock, _app, answer) = login_csrf(false, true).await;
    assert_ne!(answer.status(), 200, "{:?}", answer.body());
    // It got as far as the token endpoint, which refused the code: no
    // verifier came with it, and the attacker's challenge wants one.
    let exchanges = mock.requests_to("/api/oauth2/token");
    assert_eq!(exchanges.len(), 1);
    assert_eq!(exchanges[0].status, 400);
    assert_eq!(exchanges[0].param("code_verifier"), None);
}

#[tokio::test]
async fn no_pkce_off_the_leaked_code_gives_the_attacker_the_victims_tokens_and_on_it_does_not() {
    let (_mock, app) = lab_app(Lab::NoPkce).await;
    let mut lab = Browser::new(basic::routes(app));
    play(&mut lab, "victim-login").await;
    let stolen = play(&mut lab, "attacker-redeems").await;
    let stolen = outcome(&stolen);
    assert!(stolen.contains("The attack worked"), "{stolen}");
    assert!(
        stolen.contains("ada.lovelace&#39;s") || stolen.contains("ada.lovelace's"),
        "{stolen}"
    );

    switch(&mut lab, "pkce", true).await;
    play(&mut lab, "victim-login").await;
    let refused = play(&mut lab, "attacker-redeems").await;
    let refused = outcome(&refused);
    assert!(refused.contains("The attack failed"), "{refused}");
    assert!(
        refused.contains("invalid_grant") || refused.contains("refused"),
        "{refused}"
    );
}

/// What the inspector teaches follows what the stage did: with PKCE on,
/// "a new PKCE verifier" and "code + code_verifier"; with the no-pkce lab
/// switching it off, "no PKCE" and "no verifier". A report inverted would
/// teach the opposite of the code.
#[tokio::test]
async fn the_inspector_says_whether_pkce_was_used_as_it_was() {
    let details = |mock: &MockHandle, label: &str| -> String {
        mock.steps()
            .iter()
            .filter(|step| step.label == label)
            .flat_map(|step| step.request.clone())
            .collect::<Vec<_>>()
            .join("\n")
    };
    for (pkce, sealed_says, sent_says) in [
        (true, "a new PKCE verifier", "code + code_verifier"),
        (false, "no PKCE", "no verifier (PKCE off)"),
    ] {
        let (mock, app) = lab_app(Lab::NoPkce).await;
        let mut browser = Browser::new(basic::routes(app));
        switch(&mut browser, "pkce", pkce).await;
        browser.login(&default_user_id("nelly")).await;
        let sealed = details(&mock, "303 to the provider; transaction sealed");
        assert!(sealed.contains(sealed_says), "PKCE {pkce}: {sealed}");
        let sent = details(&mock, "code and verifier sent");
        assert!(sent.contains(sent_says), "PKCE {pkce}: {sent}");
    }
}

#[tokio::test]
async fn a_running_lab_marks_every_page_and_none_runs_by_default() {
    let (_mock, app) = lab_app(Lab::NoPkce).await;
    let mut browser = Browser::new(basic::routes(app.clone()));
    for path in ["/", "/__lab"] {
        let page = browser.get(path).await;
        let html = String::from_utf8_lossy(page.body());
        assert!(html.contains("LAB no-pkce"), "{path} has no banner");
    }

    let mock = MockDiscord::builder().spawn().await.unwrap();
    let mut plain = Browser::new(basic::routes(App::for_mock(&mock, REDIRECT)));
    let home = plain.get("/").await;
    assert!(!String::from_utf8_lossy(home.body()).contains("LAB"));
    assert_eq!(plain.get("/__lab").await.status(), 404);
    let refused = plain
        .send(
            "POST",
            "/__lab/defences",
            &[("content-type", "application/x-www-form-urlencoded")],
            "defence=state&on=false",
        )
        .await;
    assert_eq!(refused.status(), 404, "no lab, no switch");
}

#[tokio::test]
async fn another_site_cannot_switch_a_defence() {
    let (_mock, app) = lab_app(Lab::NoState).await;
    let mut browser = Browser::new(basic::routes(app.clone()));
    let refused = browser
        .send(
            "POST",
            "/__lab/defences",
            &[
                ("content-type", "application/x-www-form-urlencoded"),
                ("sec-fetch-site", "cross-site"),
            ],
            "defence=state&on=true",
        )
        .await;
    assert_eq!(refused.status(), 403);
    assert!(!app.lab.is_on(common::lab::Defence::State));
}

/// DNS rebinding: a page at `evil.example:5000` whose name now points at
/// 127.0.0.1 is "same origin" with the lab. Its `Host` still names it, and
/// the lab neither shows itself (its links carry whole codes) nor switches.
#[tokio::test]
async fn a_rebound_page_can_neither_read_nor_switch_the_lab() {
    let (_mock, app) = lab_app(Lab::NoState).await;
    let mut browser = Browser::new(basic::routes(app.clone()));
    let rebound = ("host", "evil.example:5000");
    let page = browser.request("GET", "/__lab", &[rebound]).await;
    assert_eq!(page.status(), 403);
    let switched = browser
        .send(
            "POST",
            "/__lab/defences",
            &[
                rebound,
                ("content-type", "application/x-www-form-urlencoded"),
                ("sec-fetch-site", "same-origin"),
                ("origin", "http://evil.example:5000"),
            ],
            "defence=state&on=true",
        )
        .await;
    assert_eq!(switched.status(), 403);
    assert!(
        !app.lab.is_on(common::lab::Defence::State),
        "still as the lab set it"
    );
    let at_home = browser.request("GET", "/__lab", &[]).await;
    assert_eq!(at_home.status(), 200);
}

#[test]
fn a_lab_with_real_credentials_does_not_start() {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_basic"))
        .env_clear()
        .env("LAB", "no-state")
        .env("DISCORD_CLIENT_ID", "123")
        .env("DISCORD_CLIENT_SECRET", "a-real-secret")
        .env("SESSION_SECRET", "x".repeat(48))
        .output()
        .unwrap();
    assert!(!output.status.success());
    let said = String::from_utf8_lossy(&output.stderr);
    assert!(
        said.contains("LAB: a lab switches a defence off, so it runs in offline mode only"),
        "{said}"
    );
}

#[tokio::test]
async fn the_start_up_banner_says_how_to_run_the_attack() {
    use std::process::{Command, Stdio};
    let port = common::testing::free_port();
    let child = Command::new(env!("CARGO_BIN_EXE_basic"))
        .env_clear()
        .env("LAB", "no-pkce")
        .env("PORT", port.to_string())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    common::testing::wait_until_listening(port).await;
    let page = reqwest::get(format!("http://127.0.0.1:{port}/"))
        .await
        .unwrap();
    assert!(page.text().await.unwrap().contains("LAB no-pkce"));
    Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    let banner = String::from_utf8_lossy(&child.wait_with_output().unwrap().stdout).into_owned();
    assert!(
        banner.contains("LAB=no-pkce: code interception"),
        "{banner}"
    );
    assert!(
        banner.contains(&format!("http://127.0.0.1:{port}/__lab")),
        "{banner}"
    );
    assert!(banner.contains("Switched off: pkce."), "{banner}");
}

/// A lab switches one defence off, never the login: in every lab of this
/// stage a person logs in and gets tokens that work.
#[tokio::test]
async fn every_lab_logs_in_and_its_tokens_work() {
    let nelly = mock_discord::config::default_user_id("nelly");
    for lesson in basic::lab::LESSONS {
        let (_mock, app) = lab_app(lesson.lab).await;
        let name = lesson.lab.name();
        let mut browser = Browser::new(basic::routes(app.clone()));
        let tokens = browser.login(&nelly).await;
        assert_eq!(tokens.status(), 200, "{name}: {:?}", tokens.body());
        let tokens: Value = serde_json::from_slice(tokens.body()).expect("the token JSON");
        let access_token = tokens["access_token"].as_str().expect("an access token");
        let whose = basic::lab::whose_token(&app, access_token).await;
        assert_eq!(whose, "nelly", "{name}");
    }
}
