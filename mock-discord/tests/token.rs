//! The token and revocation endpoints.

mod support;

use mock_discord::MockDiscord;
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::time::Duration;
use support::*;

fn exchange<'a>(code: &'a str, verifier: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("grant_type", "authorization_code"),
        ("code", code),
        ("redirect_uri", REDIRECT),
        ("code_verifier", verifier),
    ]
}

#[tokio::test]
async fn success_has_discords_fields_and_no_store_headers() {
    let mock = mock().await;
    let code = code_for(&mock, &NELLY, &[("scope", "identify email")]).await;
    let response = http()
        .post(format!("{}/api/oauth2/token", mock.base_url()))
        .basic_auth("mock-client-id", Some("mock-client-secret"))
        .form(&exchange(&code, VERIFIER))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["cache-control"], "no-store");
    assert_eq!(response.headers()["pragma"], "no-cache");
    assert!(response.headers().contains_key("x-ratelimit-bucket"));
    let body: Value = response.json().await.unwrap();
    insta::assert_json_snapshot!("token_response", body, {
        ".access_token" => "[access_token]",
        ".refresh_token" => "[refresh_token]",
    });
    assert_eq!(body["access_token"].as_str().unwrap().len(), 30);
    assert_ne!(body["access_token"], body["refresh_token"]);
}

#[tokio::test]
async fn a_json_body_is_unsupported_grant_type() {
    let mock = mock().await;
    let response = http()
        .post(format!("{}/api/oauth2/token", mock.base_url()))
        .json(&json!({"grant_type": "authorization_code", "code": "x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body, json!({"error": "unsupported_grant_type"}));
}

#[tokio::test]
async fn client_authentication_is_checked() {
    let mock = mock().await;
    let url = format!("{}/api/oauth2/token", mock.base_url());
    let form = [("grant_type", "authorization_code"), ("code", "x")];

    let wrong = http()
        .post(&url)
        .basic_auth("mock-client-id", Some("nope"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    assert!(wrong.headers().contains_key("www-authenticate"));
    assert_eq!(
        wrong.json::<Value>().await.unwrap(),
        json!({"error": "invalid_client"})
    );

    let missing = http().post(&url).form(&form).send().await.unwrap();
    assert_eq!(missing.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        missing.json::<Value>().await.unwrap(),
        json!({"error": "invalid_client"})
    );

    let (status, body) = token_request(&mock, &[]).await;
    assert_ne!(
        status,
        StatusCode::UNAUTHORIZED,
        "right secret in the body: {body}"
    );
    let (status, _) = post_form(
        &mock,
        "/api/oauth2/token",
        &[
            ("client_id", "mock-client-id"),
            ("client_secret", "mock-client-secreT"),
            ("grant_type", "refresh_token"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    // Two methods at once is a malformed request (RFC 6749 §2.3).
    let both = http()
        .post(&url)
        .basic_auth("mock-client-id", Some("mock-client-secret"))
        .form(&[
            ("client_secret", "mock-client-secret"),
            ("grant_type", "refresh_token"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(both.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        both.json::<Value>().await.unwrap()["error"],
        "invalid_request"
    );
}

#[tokio::test]
async fn unknown_and_missing_grant_types() {
    let mock = mock().await;
    let (status, body) = token_request(&mock, &[("grant_type", "password")]).await;
    assert_eq!(
        (status, body),
        (
            StatusCode::BAD_REQUEST,
            json!({"error": "unsupported_grant_type"})
        )
    );
    let (status, body) = token_request(&mock, &[]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"], "invalid_request");
}

#[tokio::test]
async fn a_code_works_once_and_its_replay_revokes_the_tokens() {
    let mock = mock().await;
    let code = code_for(&mock, &NELLY, &[]).await;
    let (status, tokens) = token_request(&mock, &exchange(&code, VERIFIER)).await;
    assert_eq!(status, StatusCode::OK);
    let access = tokens["access_token"].as_str().unwrap();
    assert_eq!(
        get_with_token(&mock, "/api/v10/users/@me", access)
            .await
            .status(),
        StatusCode::OK
    );

    let (status, body) = token_request(&mock, &exchange(&code, VERIFIER)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        body,
        json!({"error": "invalid_grant", "error_description": "Invalid \"code\" in request."})
    );
    assert_eq!(
        get_with_token(&mock, "/api/v10/users/@me", access)
            .await
            .status(),
        StatusCode::UNAUTHORIZED,
        "the replay revoked the first exchange's tokens"
    );
}

#[tokio::test]
async fn unknown_and_expired_codes_are_invalid_grant() {
    let mock = mock().await;
    let (status, body) = token_request(&mock, &exchange("not-a-code", VERIFIER)).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_grant"))
    );

    let code = code_for(&mock, &NELLY, &[]).await;
    mock.advance_clock(Duration::from_secs(101));
    let (status, body) = token_request(&mock, &exchange(&code, VERIFIER)).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_grant"))
    );
}

#[tokio::test]
async fn a_code_lives_100_seconds_by_default_and_as_configured() {
    let mock = mock().await;
    let code = code_for(&mock, &NELLY, &[]).await;
    mock.advance_clock(Duration::from_secs(98));
    assert_eq!(
        token_request(&mock, &exchange(&code, VERIFIER)).await.0,
        StatusCode::OK
    );

    let short = MockDiscord::builder()
        .code_lifetime(Duration::from_secs(5))
        .spawn()
        .await
        .unwrap();
    let code = code_for(&short, &NELLY, &[]).await;
    short.advance_clock(Duration::from_secs(6));
    assert_eq!(
        token_request(&short, &exchange(&code, VERIFIER)).await.0,
        StatusCode::BAD_REQUEST
    );
}

#[tokio::test]
async fn redirect_uri_must_equal_the_authorize_one() {
    let mock = MockDiscord::builder()
        .redirect_uri("http://127.0.0.1:5000/other")
        .spawn()
        .await
        .unwrap();
    let code = code_for(&mock, &NELLY, &[]).await;
    let (status, body) = token_request(
        &mock,
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", "http://127.0.0.1:5000/other"),
            ("code_verifier", VERIFIER),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        body,
        json!({"error": "invalid_grant", "error_description": "Invalid \"redirect_uri\" in request."})
    );
    // The failed attempt burned the code.
    assert_eq!(
        token_request(&mock, &exchange(&code, VERIFIER)).await.0,
        StatusCode::BAD_REQUEST
    );
}

/// RFC 6749 §4.1.3: a redirect_uri the authorization request named is
/// REQUIRED in the token request. A client that forgets it must fail here
/// as it would at Discord.
#[tokio::test]
async fn a_redirect_uri_named_at_authorize_is_required_at_the_token_endpoint() {
    let mock = mock().await;
    let without_redirect_uri = |code: String| {
        let mock = &mock;
        async move {
            token_request(
                mock,
                &[
                    ("grant_type", "authorization_code"),
                    ("code", &code),
                    ("code_verifier", VERIFIER),
                ],
            )
            .await
        }
    };
    let code = code_for(&mock, &NELLY, &[]).await;
    let (status, body) = without_redirect_uri(code).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"], "invalid_request", "{body}");
    assert!(body["error_description"]
        .as_str()
        .unwrap()
        .contains("redirect_uri"));
    // Named nowhere (Discord then uses the first registered one): the
    // token request may leave it out too.
    let code = code_for(&mock, &NELLY, &[("redirect_uri", "")]).await;
    let (status, body) = without_redirect_uri(code).await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

#[tokio::test]
async fn pkce_verifier_is_required_exactly_when_a_challenge_was_sent() {
    let mock = mock().await;
    let wrong = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXl";
    for verifier in [wrong, "", "short"] {
        let code = code_for(&mock, &NELLY, &[]).await;
        let (status, body) = token_request(&mock, &exchange(&code, verifier)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{verifier:?}");
        assert_eq!(
            body,
            json!({"error": "invalid_grant", "error_description": "Invalid \"code_verifier\" in request."})
        );
    }
    // No challenge at authorize: a verifier is refused, none is fine.
    let no_pkce = [("code_challenge", ""), ("code_challenge_method", "")];
    let code = code_for(&mock, &NELLY, &no_pkce).await;
    assert_eq!(
        token_request(&mock, &exchange(&code, VERIFIER)).await.0,
        StatusCode::BAD_REQUEST
    );
    let code = code_for(&mock, &NELLY, &no_pkce).await;
    assert_eq!(
        token_request(&mock, &exchange(&code, "")).await.0,
        StatusCode::OK
    );
}

#[tokio::test]
async fn a_code_of_another_client_is_invalid_and_not_burned() {
    let mut config = mock_discord::MockConfig::default();
    config.clients.push(mock_discord::Client {
        client_id: "other-app".into(),
        client_secret: "other-secret".into(),
        name: "Other".into(),
        redirect_uris: vec![REDIRECT.into()],
    });
    let mock = MockDiscord::builder().config(config).spawn().await.unwrap();
    let code = code_for(&mock, &NELLY, &[]).await;
    let mut form = vec![
        ("client_id", "other-app"),
        ("client_secret", "other-secret"),
    ];
    form.extend(exchange(&code, VERIFIER));
    let (status, body) = post_form(&mock, "/api/oauth2/token", &form).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_grant"))
    );
    assert_eq!(
        token_request(&mock, &exchange(&code, VERIFIER)).await.0,
        StatusCode::OK
    );
}

#[tokio::test]
async fn refresh_rotates_and_a_reused_refresh_token_revokes_everything() {
    let mock = mock().await;
    let first = login(&mock, &NELLY, "identify").await;
    let old_refresh = first["refresh_token"].as_str().unwrap();
    let (status, second) = token_request(
        &mock,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", old_refresh),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_ne!(second["refresh_token"], first["refresh_token"]);
    assert_ne!(second["access_token"], first["access_token"]);
    assert_eq!(second["scope"], "identify");
    let new_access = second["access_token"].as_str().unwrap();
    assert_eq!(
        get_with_token(&mock, "/api/v10/users/@me", new_access)
            .await
            .status(),
        StatusCode::OK
    );
    let old_access = first["access_token"].as_str().unwrap();
    assert_eq!(
        get_with_token(&mock, "/api/v10/users/@me", old_access)
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );

    // The old refresh token again: someone kept a copy. All of it ends.
    let (status, body) = token_request(
        &mock,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", old_refresh),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        body,
        json!({"error": "invalid_grant", "error_description": "Invalid \"refresh_token\" in request."})
    );
    assert_eq!(
        get_with_token(&mock, "/api/v10/users/@me", new_access)
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );
    let new_refresh = second["refresh_token"].as_str().unwrap();
    let (status, _) = token_request(
        &mock,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", new_refresh),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn refresh_cannot_widen_the_scope() {
    let mock = mock().await;
    let tokens = login(&mock, &NELLY, "identify").await;
    let refresh = tokens["refresh_token"].as_str().unwrap();
    let (status, body) = token_request(
        &mock,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh),
            ("scope", "identify email"),
        ],
    )
    .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_scope"))
    );
}

#[tokio::test]
async fn revoking_either_token_ends_the_grant() {
    let mock = mock().await;
    for hint in ["access_token", "refresh_token"] {
        let tokens = login(&mock, &NELLY, "identify").await;
        let token = tokens[hint].as_str().unwrap();
        let (status, body) = post_form(
            &mock,
            "/api/oauth2/token/revoke",
            &[
                ("client_id", "mock-client-id"),
                ("client_secret", "mock-client-secret"),
                ("token", token),
                ("token_type_hint", hint),
            ],
        )
        .await;
        assert_eq!((status, body), (StatusCode::OK, json!({})));
        let access = tokens["access_token"].as_str().unwrap();
        assert_eq!(
            get_with_token(&mock, "/api/v10/users/@me", access)
                .await
                .status(),
            StatusCode::UNAUTHORIZED
        );
        let refresh = tokens["refresh_token"].as_str().unwrap();
        let (status, _) = token_request(
            &mock,
            &[("grant_type", "refresh_token"), ("refresh_token", refresh)],
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{hint}");
    }
}

#[tokio::test]
async fn revocation_rules() {
    let mock = mock().await;
    let auth = [
        ("client_id", "mock-client-id"),
        ("client_secret", "mock-client-secret"),
    ];
    let with = |extra: &[(&'static str, &'static str)]| {
        let mut form = auth.to_vec();
        form.extend_from_slice(extra);
        form
    };
    let (status, body) = post_form(
        &mock,
        "/api/oauth2/token/revoke",
        &with(&[("token", "unknown")]),
    )
    .await;
    assert_eq!((status, body), (StatusCode::OK, json!({})));
    let (status, body) = post_form(
        &mock,
        "/api/oauth2/token/revoke",
        &with(&[("token", "unknown"), ("token_type_hint", "id_token")]),
    )
    .await;
    assert_eq!(
        (status, body),
        (
            StatusCode::BAD_REQUEST,
            json!({"error": "unsupported_token_type"})
        )
    );
    let (status, body) = post_form(&mock, "/api/oauth2/token/revoke", &with(&[])).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_request"))
    );
    let (status, body) = post_form(&mock, "/api/oauth2/token/revoke", &[("token", "x")]).await;
    assert_eq!(
        (status, body),
        (StatusCode::UNAUTHORIZED, json!({"error": "invalid_client"}))
    );
}

#[tokio::test]
async fn the_v10_aliases_answer_too() {
    let mock = mock().await;
    let (status, _) = post_form(&mock, "/api/v10/oauth2/token", &[("client_id", "x")]).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = post_form(&mock, "/api/v10/oauth2/token/revoke", &[("client_id", "x")]).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}
