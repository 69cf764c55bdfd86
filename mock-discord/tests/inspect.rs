//! The mock's own routes (journal, faults, clock, reset), its answers to
//! bad input, and a transcript of one whole flow.

mod support;

use mock_discord::{Endpoint, Exchange, Fault, FaultRule};
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::time::Duration;
use support::*;

/// The journal as a learner would read it.
fn transcript(exchanges: &[Exchange]) -> String {
    let mut out = String::new();
    for e in exchanges {
        out += &format!("{}. {} {} -> {}\n", e.seq, e.method, e.path, e.status);
        for (name, value) in &e.params {
            out += &format!("     {name} = {value}\n");
        }
        if let Some(auth) = &e.authorization {
            out += &format!("     Authorization: {auth}\n");
        }
        if let Some(location) = &e.location {
            out += &format!("     Location: {location}\n");
        }
    }
    out
}

#[tokio::test]
async fn transcript_of_one_whole_flow() {
    let mock = mock().await;
    let tokens = login(&mock, &NELLY, "identify").await;
    let access = tokens["access_token"].as_str().unwrap();
    get_with_token(&mock, "/api/v10/users/@me", access).await;
    let refresh = tokens["refresh_token"].as_str().unwrap();
    let (_, refreshed) = token_request(
        &mock,
        &[("grant_type", "refresh_token"), ("refresh_token", refresh)],
    )
    .await;
    post_form(
        &mock,
        "/api/oauth2/token/revoke",
        &[
            ("client_id", "mock-client-id"),
            ("client_secret", "mock-client-secret"),
            ("token", refreshed["access_token"].as_str().unwrap()),
        ],
    )
    .await;
    let text = transcript(&mock.requests());

    // No secret appears whole: not the client secret, the tokens or the verifier.
    for secret in ["mock-client-secret", access, refresh, VERIFIER] {
        assert!(!text.contains(secret), "{secret} leaked into the journal");
    }
    let port = mock.addr().port().to_string();
    insta::with_settings!({filters => vec![(port.as_str(), "[port]")]}, {
        insta::assert_snapshot!("whole_flow_transcript", text);
    });
}

#[tokio::test]
async fn requests_json_and_reset() {
    let mock = mock().await;
    login(&mock, &NELLY, "identify").await;
    let list = get_json(&mock, "/__mock/requests").await;
    assert_eq!(list.as_array().unwrap().len(), 3, "{list}");
    assert_eq!(list[2]["path"], "/api/oauth2/token");

    assert_eq!(reset_over_http(&mock).await, StatusCode::OK);
    assert!(mock.requests().is_empty());
}

/// A reset forgets what was issued, not how far the clock was moved: a
/// stage beside the mock shares that clock, and a rewind would leave its
/// sessions stamped in the future.
#[tokio::test]
async fn a_reset_never_turns_the_clock_back() {
    let mock = mock().await;
    mock.advance_clock(std::time::Duration::from_secs(3600));
    let before = mock.clock().now_secs();
    assert_eq!(reset_over_http(&mock).await, StatusCode::OK);
    assert_eq!(mock.clock().offset().as_secs(), 3600);
    assert!(mock.clock().now_secs() >= before);
}

#[tokio::test]
async fn the_clock_route_moves_time() {
    let mock = mock().await;
    let tokens = login(&mock, &NELLY, "identify").await;
    let response = http()
        .post(format!("{}/__mock/clock", mock.base_url()))
        .json(&json!({"seconds": 700000}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.json::<Value>().await.unwrap(),
        json!({"offset_seconds": 700000})
    );
    let me = get_with_token(
        &mock,
        "/api/v10/users/@me",
        tokens["access_token"].as_str().unwrap(),
    )
    .await;
    assert_eq!(me.status(), StatusCode::UNAUTHORIZED);
    let bad = http()
        .post(format!("{}/__mock/clock", mock.base_url()))
        .header("content-type", "application/json")
        .body("{")
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    assert_eq!(bad.json::<Value>().await.unwrap()["code"], 50109);
}

async fn token_after_fault(
    mock: &mock_discord::MockHandle,
    fault: Fault,
) -> Result<reqwest::Response, reqwest::Error> {
    mock.inject_fault(FaultRule {
        endpoint: Endpoint::Token,
        times: 1,
        fault,
    });
    http()
        .post(format!("{}/api/oauth2/token", mock.base_url()))
        .form(&[("grant_type", "refresh_token")])
        .send()
        .await
}

#[tokio::test]
async fn faults_fire_for_the_next_requests_only() {
    let mock = mock().await;
    let response = token_after_fault(
        &mock,
        Fault::Status {
            status: 503,
            body: "{\"message\":\"down\"}".into(),
            content_type: None,
        },
    )
    .await
    .unwrap();
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(response.text().await.unwrap(), "{\"message\":\"down\"}");

    let response = token_after_fault(&mock, Fault::MalformedJson)
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.json::<Value>().await.is_err());

    let response = token_after_fault(&mock, Fault::WrongContentType)
        .await
        .unwrap();
    assert!(response.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));

    let started = std::time::Instant::now();
    let response = token_after_fault(&mock, Fault::Delay { millis: 300 })
        .await
        .unwrap();
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert_eq!(
        response.status(),
        StatusCode::UNAUTHORIZED,
        "then the real answer"
    );

    let dropped = match token_after_fault(&mock, Fault::DropConnection).await {
        Err(_) => true,
        Ok(response) => response.bytes().await.is_err(),
    };
    assert!(dropped, "the transfer must fail");

    // Each fault fired once: the endpoint is itself again.
    let (status, body) = post_form(
        &mock,
        "/api/oauth2/token",
        &[("grant_type", "refresh_token")],
    )
    .await;
    assert_eq!(
        (status, body),
        (StatusCode::UNAUTHORIZED, json!({"error": "invalid_client"}))
    );
}

#[tokio::test]
async fn faults_can_be_injected_over_http() {
    let mock = mock().await;
    let rule =
        json!({"endpoint": "users_me", "times": 2, "fault": {"kind": "status", "status": 500}});
    let response = http()
        .post(format!("{}/__mock/faults", mock.base_url()))
        .json(&rule)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    for _ in 0..2 {
        assert_eq!(
            get_with_token(&mock, "/api/v10/users/@me", "x")
                .await
                .status(),
            StatusCode::INTERNAL_SERVER_ERROR
        );
    }
    assert_eq!(
        get_with_token(&mock, "/api/v10/users/@me", "x")
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );
    let bad = http()
        .post(format!("{}/__mock/faults", mock.base_url()))
        .json(&json!({"endpoint": "nowhere"}))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn bad_input_gets_a_4xx_in_discords_shape() {
    let mock = mock().await;
    let base = mock.base_url();
    let unknown = http()
        .get(format!("{base}/api/v10/nowhere"))
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        unknown.text().await.unwrap(),
        r#"{"message":"404: Not Found","code":0}"#
    );

    let wrong_method = http()
        .get(format!("{base}/api/oauth2/token"))
        .send()
        .await
        .unwrap();
    assert_eq!(wrong_method.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(wrong_method.headers()["allow"], "POST");
    let wrong_method = http()
        .delete(format!("{base}/api/v10/users/@me"))
        .send()
        .await
        .unwrap();
    assert_eq!(wrong_method.status(), StatusCode::METHOD_NOT_ALLOWED);

    let huge = http()
        .post(format!("{base}/api/oauth2/token"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(vec![b'a'; 100_000])
        .send()
        .await
        .unwrap();
    assert_eq!(huge.status(), StatusCode::PAYLOAD_TOO_LARGE);

    for body in [
        "grant_type=%FF",
        "grant_type=a&grant_type=b",
        "%%%",
        "=&&==",
    ] {
        let response = http()
            .post(format!("{base}/api/oauth2/token"))
            .header("content-type", "application/x-www-form-urlencoded")
            .basic_auth("mock-client-id", Some("mock-client-secret"))
            .body(body)
            .send()
            .await
            .unwrap();
        assert!(
            response.status().is_client_error(),
            "{body}: {}",
            response.status()
        );
    }

    // The mock is still answering after all of that.
    let metadata = http()
        .get(format!("{base}/.well-known/oauth-authorization-server"))
        .send()
        .await
        .unwrap();
    assert_eq!(metadata.status(), StatusCode::OK);
}

/// A web page the user visits can make the browser POST `text/plain` to
/// the mock without a preflight. Such a request must change nothing.
#[tokio::test]
async fn control_routes_refuse_what_another_site_can_send() {
    let mock = mock().await;
    let clock = format!("{}/__mock/clock", mock.base_url());
    let week = r#"{"seconds":604800}"#;
    let plain = http()
        .post(&clock)
        .header("content-type", "text/plain")
        .body(week)
        .send()
        .await
        .unwrap();
    assert_eq!(plain.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    for (header, value) in [
        ("origin", "https://evil.example"),
        ("sec-fetch-site", "cross-site"),
        ("sec-fetch-site", "same-site"),
    ] {
        let foreign = http()
            .post(&clock)
            .header("content-type", "application/json")
            .header(header, value)
            .body(week)
            .send()
            .await
            .unwrap();
        assert_eq!(foreign.status(), StatusCode::FORBIDDEN, "{header}: {value}");
    }
    let reset = http()
        .post(format!("{}/__mock/reset", mock.base_url()))
        .header("sec-fetch-site", "cross-site")
        .header("content-type", "application/json")
        .send()
        .await
        .unwrap();
    assert_eq!(reset.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        mock.clock().offset().as_secs(),
        0,
        "nothing moved the clock"
    );

    let own_page = http()
        .post(&clock)
        .header("content-type", "application/json")
        .header("origin", mock.base_url())
        .header("sec-fetch-site", "same-origin")
        .body(week)
        .send()
        .await
        .unwrap();
    assert_eq!(own_page.status(), StatusCode::OK);
}

/// DNS rebinding: a page at `evil.example:PORT` points its name at
/// 127.0.0.1, and its scripts reach the mock as "same origin". Only `Host`
/// (and `Origin`) still name the attacker: the control routes then read
/// nothing and change nothing.
#[tokio::test]
async fn control_routes_refuse_a_rebound_host() {
    let mock = mock().await;
    login(&mock, &NELLY, "identify").await;
    let port = mock.addr().port();
    let rebound = format!("evil.example:{port}");
    let read = http()
        .get(format!("{}/__mock/requests", mock.base_url()))
        .header("host", &rebound)
        .header("sec-fetch-site", "same-origin")
        .send()
        .await
        .unwrap();
    assert_eq!(read.status(), StatusCode::FORBIDDEN);
    assert!(read
        .text()
        .await
        .unwrap()
        .contains("127.0.0.1 or localhost"));
    let url = format!("{}/__mock/reset", mock.base_url());
    let reset = |host: String, origin: String| {
        let url = url.clone();
        async move {
            http()
                .post(url)
                .header("host", host)
                .header("origin", origin)
                .header("sec-fetch-site", "same-origin")
                .header("content-type", "application/json")
                .body("{}")
                .send()
                .await
                .unwrap()
                .status()
        }
    };
    let evil_origin = format!("http://{rebound}");
    assert_eq!(
        reset(rebound.clone(), evil_origin.clone()).await,
        StatusCode::FORBIDDEN
    );
    // The right Host, but the page's origin is the attacker's.
    let ours = format!("127.0.0.1:{port}");
    assert_eq!(
        reset(ours.clone(), evil_origin).await,
        StatusCode::FORBIDDEN
    );
    assert_eq!(mock.requests().len(), 3, "nothing was reset");
    // The inspector's own page, at either loopback name.
    let at_localhost = format!("localhost:{port}");
    assert_eq!(
        reset(at_localhost.clone(), format!("http://{at_localhost}")).await,
        StatusCode::OK
    );
}

/// The edge faults a client must survive: a 429 with Retry-After in
/// Discord's shape, a redirect with its Location, and a body trickled a
/// byte at a time (which arrives whole, in many pieces).
#[tokio::test]
async fn faults_can_rate_limit_redirect_and_trickle() {
    let mock = mock().await;
    let rule = |fault| FaultRule {
        endpoint: Endpoint::Metadata,
        times: 1,
        fault,
    };
    let metadata = format!("{}/.well-known/oauth-authorization-server", mock.base_url());
    mock.inject_fault(rule(Fault::TooManyRequests { retry_after: 7 }));
    let limited = http().get(&metadata).send().await.unwrap();
    assert_eq!(limited.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(limited.headers()["retry-after"], "7");
    assert_eq!(limited.json::<Value>().await.unwrap()["retry_after"], 7);

    mock.inject_fault(rule(Fault::Redirect {
        status: 307,
        location: "https://elsewhere.example/".into(),
    }));
    let no_follow = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let redirected = no_follow.get(&metadata).send().await.unwrap();
    assert_eq!(redirected.status(), StatusCode::TEMPORARY_REDIRECT);
    assert_eq!(
        redirected.headers()["location"],
        "https://elsewhere.example/"
    );

    mock.inject_fault(rule(Fault::SlowBody { millis: 20 }));
    let mut trickled = http().get(&metadata).send().await.unwrap();
    let (mut pieces, mut body) = (0, Vec::new());
    while let Some(chunk) = trickled.chunk().await.unwrap() {
        pieces += 1;
        body.extend_from_slice(&chunk);
    }
    assert!(pieces > 1, "{pieces} piece");
    assert_eq!(body, br#"{"message": "slow"}"#);

    for (bad, says) in [
        (Fault::SlowBody { millis: 60_001 }, "millis"),
        (Fault::TooManyRequests { retry_after: 3601 }, "retry_after"),
        (
            Fault::Redirect {
                status: 200,
                location: "/".into(),
            },
            "300 to 399",
        ),
    ] {
        let refused = http()
            .post(format!("{}/__mock/faults", mock.base_url()))
            .json(&rule(bad))
            .send()
            .await
            .unwrap();
        assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
        assert!(refused.text().await.unwrap().contains(says));
    }
}

/// `{"seconds": 18446744073709551}` once overflowed the clock, and every
/// later request panicked in a debug build.
#[tokio::test]
async fn the_clock_refuses_to_move_past_its_bound_and_keeps_serving() {
    let mock = mock().await;
    for seconds in [18_446_744_073_709_551_u64, u64::MAX, 3_153_600_001] {
        let response = http()
            .post(format!("{}/__mock/clock", mock.base_url()))
            .json(&json!({ "seconds": seconds }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{seconds}");
        let body: Value = response.json().await.unwrap();
        assert!(
            body["message"].as_str().unwrap().contains("at most"),
            "{body}"
        );
    }
    let tokens = login(&mock, &NELLY, "identify").await;
    let me = get_with_token(
        &mock,
        "/api/v10/users/@me",
        tokens["access_token"].as_str().unwrap(),
    )
    .await;
    assert_eq!(me.status(), StatusCode::OK);
}

#[tokio::test]
async fn fault_rules_out_of_bounds_are_refused_with_the_reason() {
    let mock = mock().await;
    let response = http()
        .post(format!("{}/__mock/faults", mock.base_url()))
        .json(&json!({"endpoint": "token", "fault": {"kind": "delay", "millis": 86_400_000}}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["code"], 50035);
    assert!(
        body["message"].as_str().unwrap().contains("millis"),
        "{body}"
    );
    let pending = get_json(&mock, "/__mock/faults").await;
    assert_eq!(pending, json!([]));
}
