//! The live inspector at `/__mock`: a page with a strict policy, the
//! timeline as JSON and as server-sent events, the PKCE check shown as the
//! token endpoint made it, and a bound on watching pages. (The page drawing
//! a login in a real browser is tested by stage 1's `inspector` test.)

mod support;

use mock_discord::{AppNote, Explanation, Party};
use reqwest::StatusCode;
use serde_json::Value;
use std::time::Duration;
use support::*;

async fn steps(mock: &mock_discord::MockHandle) -> Vec<Value> {
    let steps = get_json(mock, "/__mock/steps").await;
    steps.as_array().unwrap().clone()
}

#[tokio::test]
async fn the_page_loads_only_its_own_script_and_style() {
    let mock = mock().await;
    let page = http()
        .get(format!("{}/__mock", mock.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let csp = page.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    for directive in [
        "default-src 'none'",
        "script-src 'self';",
        "connect-src 'self'",
        "frame-ancestors 'none'",
    ] {
        assert!(csp.contains(directive), "{directive} missing from {csp}");
    }
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    let html = page.text().await.unwrap();
    assert!(html.contains(r#"<script src="/__mock/inspector.js" defer></script>"#));
    assert_eq!(
        html.matches("<script").count(),
        1,
        "one script, no inline one"
    );
    assert!(!html.contains("style="), "no inline style either");

    for (path, media) in [
        ("/__mock/inspector.js", "text/javascript"),
        ("/__mock/inspector.css", "text/css"),
    ] {
        let asset = http()
            .get(format!("{}{path}", mock.base_url()))
            .send()
            .await
            .unwrap();
        assert_eq!(asset.status(), StatusCode::OK, "{path}");
        assert!(asset.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with(media));
    }
}

#[tokio::test]
async fn a_login_is_drawn_between_browser_app_and_provider_with_its_pkce_check() {
    let mock = mock().await;
    login(&mock, &NELLY, "identify").await;
    let steps = steps(&mock).await;
    let arrows: Vec<(String, String, String)> = steps
        .iter()
        .map(|s| {
            (
                s["from"].as_str().unwrap().to_string(),
                s["to"].as_str().unwrap().to_string(),
                s["label"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let arrow = |from: &str, to: &str, label: &str| (from.into(), to.into(), label.into());
    assert_eq!(
        arrows,
        vec![
            arrow("browser", "provider", "GET /oauth2/authorize"),
            arrow("browser", "provider", "POST /oauth2/authorize"),
            arrow("app", "provider", "POST /api/oauth2/token"),
        ]
    );
    assert!(steps.iter().all(|s| s["login"] == 1 && s["ok"] == true));
    let token = &steps[2];
    assert!(token["explanation"]["rfc"]
        .as_str()
        .unwrap()
        .contains("RFC 7636 §4.6"));
    // The check itself: SHA-256 of the verifier, base64url, is the
    // challenge; both shown cut, as a reader of the page may not mint a
    // code with them.
    assert_eq!(token["pkce"]["computed"], "E9Me…");
    assert_eq!(token["pkce"]["challenge"], "E9Me…");
    assert_eq!(&CHALLENGE[..4], "E9Me");
    assert_eq!(token["pkce"]["matches"], true);
    assert_eq!(token["pkce"]["verifier"], "dBjf…");

    let text = serde_json::to_string(&steps).unwrap();
    for secret in ["mock-client-secret", VERIFIER] {
        assert!(!text.contains(secret), "{secret} is on the timeline");
    }

    // A second login is a second diagram.
    login(&mock, &NELLY, "identify").await;
    let steps = self::steps(&mock).await;
    assert_eq!(steps[3]["login"], 2);
}

#[tokio::test]
async fn a_wrong_verifier_is_drawn_refused_with_the_hash_that_did_not_match() {
    let mock = mock().await;
    let code = code_for(&mock, &NELLY, &[]).await;
    let wrong = "x".repeat(43);
    let (status, _) = token_request(
        &mock,
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", REDIRECT),
            ("code_verifier", &wrong),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let steps = steps(&mock).await;
    let token = steps.last().unwrap();
    assert_eq!(token["ok"], false);
    assert_eq!(token["pkce"]["matches"], false);
    assert_eq!(token["pkce"]["challenge"], "E9Me…");
    assert_ne!(token["pkce"]["computed"], "E9Me…");
    assert_eq!(token["pkce"]["verifier"], "xxxx…");
}

#[tokio::test]
async fn an_apps_decisions_join_the_same_timeline() {
    let mock = mock().await;
    mock.notes().note(AppNote {
        from: Party::App,
        to: Party::Browser,
        label: "303 to the provider; transaction sealed".into(),
        ok: true,
        details: vec!["a new random state".into()],
        explanation: Explanation::default(),
        opens_login: true,
    });
    login(&mock, &NELLY, "identify").await;
    let steps = steps(&mock).await;
    assert_eq!(steps[0]["from"], "app");
    assert_eq!(steps[1]["label"], "GET /oauth2/authorize");
    // The app's /login and the authorization request it led to are one
    // login, not two.
    assert!(steps.iter().all(|s| s["login"] == 1), "{steps:?}");
}

/// Reads the event stream until `wanted` appears in it.
async fn read_until(stream: &mut reqwest::Response, seen: &mut String, wanted: &str) {
    tokio::time::timeout(Duration::from_secs(10), async {
        while !seen.contains(wanted) {
            let chunk = stream.chunk().await.unwrap().expect("the stream goes on");
            seen.push_str(&String::from_utf8_lossy(&chunk));
        }
    })
    .await
    .unwrap_or_else(|_| panic!("no {wanted:?} in the stream; it had: {seen}"));
}

#[tokio::test]
async fn the_event_stream_replays_the_timeline_then_follows_it() {
    let mock = mock().await;
    login(&mock, &NELLY, "identify").await;
    let mut stream = http()
        .get(format!("{}/__mock/events", mock.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(stream.status(), StatusCode::OK);
    assert!(stream.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/event-stream"));
    let mut seen = String::new();
    read_until(&mut stream, &mut seen, "POST /api/oauth2/token").await;
    // Each step is an event named `step` whose id is its sequence number.
    assert!(seen.contains("event:step\ndata:{\"seq\":3,"), "{seen}");
    assert!(seen.contains("\nid:3\n"), "{seen}");

    // A request after the page opened arrives by itself.
    get_with_token(&mock, "/api/v10/users/@me", "not-a-token").await;
    read_until(&mut stream, &mut seen, "GET /api/v10/users/@me").await;

    // And a reset tells the page to start empty.
    assert_eq!(reset_over_http(&mock).await, StatusCode::OK);
    read_until(&mut stream, &mut seen, "event:reset").await;
    assert!(steps(&mock).await.is_empty());
}

#[tokio::test]
async fn watching_pages_are_bounded_and_a_closed_one_frees_its_place() {
    let mock = mock().await;
    let url = format!("{}/__mock/events", mock.base_url());
    let mut open = Vec::new();
    for _ in 0..mock_discord::inspector::MAX_WATCHERS {
        let stream = http().get(&url).send().await.unwrap();
        assert_eq!(stream.status(), StatusCode::OK);
        open.push(stream);
    }
    let refused = http().get(&url).send().await.unwrap();
    assert_eq!(refused.status(), StatusCode::SERVICE_UNAVAILABLE);

    // A page that goes away gives its place back (once the server notices
    // the closed connection, at its next write).
    drop(open.pop());
    login(&mock, &NELLY, "identify").await;
    let again = tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            let stream = http().get(&url).send().await.unwrap();
            if stream.status() == StatusCode::OK {
                return stream;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    })
    .await;
    assert!(again.is_ok(), "the place of a closed page never came back");
}
