//! The REST API: /users/@me, /oauth2/@me, /users/@me/guilds, rate limits.

mod support;

use mock_discord::MockDiscord;
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::time::Duration;
use support::*;

const UNAUTHORIZED: &str = r#"{"message":"401: Unauthorized","code":0}"#;

async fn body(response: reqwest::Response) -> Value {
    response.json().await.unwrap()
}

/// `GET path` with the access token of a token response.
async fn get_json(mock: &mock_discord::MockHandle, path: &str, tokens: &Value) -> Value {
    body(get_with_token(mock, path, tokens["access_token"].as_str().unwrap()).await).await
}

#[tokio::test]
async fn users_me_has_discords_fields_and_email_only_with_its_scope() {
    let mock = mock().await;
    let tokens = login(&mock, &NELLY, "identify").await;
    let me = get_json(&mock, "/api/v10/users/@me", &tokens).await;
    insta::assert_json_snapshot!("users_me_identify", me);
    assert!(me.get("email").is_none() && me.get("verified").is_none());
    assert!(me["id"].is_string(), "snowflakes are strings");

    let tokens = login(&mock, &ADA, "identify email").await;
    let me = get_json(&mock, "/api/v10/users/@me", &tokens).await;
    assert_eq!(me["email"], "ada@example.com");
    assert_eq!(me["verified"], true);
    assert_eq!(me["id"], ADA.as_str());
}

#[tokio::test]
async fn missing_unknown_expired_and_revoked_tokens_get_401() {
    let mock = mock().await;
    let url = format!("{}/api/v10/users/@me", mock.base_url());
    let missing = http().get(&url).send().await.unwrap();
    assert_eq!(missing.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(missing.text().await.unwrap(), UNAUTHORIZED);
    let basic = http()
        .get(&url)
        .basic_auth("a", Some("b"))
        .send()
        .await
        .unwrap();
    assert_eq!(basic.status(), StatusCode::UNAUTHORIZED);
    let unknown = get_with_token(&mock, "/api/v10/users/@me", "nope").await;
    assert_eq!(unknown.text().await.unwrap(), UNAUTHORIZED);

    let tokens = login(&mock, &NELLY, "identify").await;
    let access = tokens["access_token"].as_str().unwrap();
    // A refresh token is not an access token.
    let refresh = tokens["refresh_token"].as_str().unwrap();
    assert_eq!(
        get_with_token(&mock, "/api/v10/users/@me", refresh)
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );
    mock.advance_clock(Duration::from_secs(604_799));
    assert_eq!(
        get_with_token(&mock, "/api/v10/users/@me", access)
            .await
            .status(),
        StatusCode::OK
    );
    mock.advance_clock(Duration::from_secs(2));
    let expired = get_with_token(&mock, "/api/v10/users/@me", access).await;
    assert_eq!(expired.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(expired.text().await.unwrap(), UNAUTHORIZED);
}

#[tokio::test]
async fn oauth2_me_describes_the_authorization() {
    let mock = mock().await;
    let tokens = login(&mock, &NELLY, "identify guilds").await;
    let access = tokens["access_token"].as_str().unwrap();
    let info = body(get_with_token(&mock, "/api/v10/oauth2/@me", access).await).await;
    assert_eq!(info["scopes"], json!(["identify", "guilds"]));
    assert_eq!(info["user"]["id"], NELLY.as_str());
    assert_eq!(info["application"]["id"], "mock-client-id");
    let expires = info["expires"].as_str().unwrap();
    assert!(
        expires.ends_with("+00:00") && expires.contains('T'),
        "{expires}"
    );
    insta::assert_json_snapshot!("oauth2_me", info, {".expires" => "[expires]"});
}

#[tokio::test]
async fn guilds_need_the_guilds_scope() {
    let mock = mock().await;
    let without = login(&mock, &ADA, "identify").await;
    let response = get_with_token(
        &mock,
        "/api/v10/users/@me/guilds",
        without["access_token"].as_str().unwrap(),
    )
    .await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let with = login(&mock, &ADA, "identify guilds").await;
    let guilds = get_json(&mock, "/api/v10/users/@me/guilds", &with).await;
    assert_eq!(guilds.as_array().unwrap().len(), 2);
    assert!(guilds[0]["permissions"].is_string());
    insta::assert_json_snapshot!("guilds", guilds);
}

#[tokio::test]
async fn every_api_answer_has_rate_limit_headers_and_the_limit_gives_429() {
    let mock = MockDiscord::builder()
        .rate_limit(2, Duration::from_secs(10))
        .spawn()
        .await
        .unwrap();
    let tokens = login(&mock, &NELLY, "identify").await;
    let access = tokens["access_token"].as_str().unwrap();
    let first = get_with_token(&mock, "/api/v10/users/@me", access).await;
    for header in [
        "x-ratelimit-limit",
        "x-ratelimit-remaining",
        "x-ratelimit-reset",
        "x-ratelimit-reset-after",
        "x-ratelimit-bucket",
    ] {
        assert!(first.headers().contains_key(header), "{header}");
    }
    assert_eq!(first.headers()["x-ratelimit-limit"], "2");
    assert_eq!(first.headers()["x-ratelimit-remaining"], "1");
    let unauthorized = get_with_token(&mock, "/api/v10/users/@me", "nope").await;
    assert!(
        unauthorized.headers().contains_key("x-ratelimit-bucket"),
        "errors carry them too"
    );
    assert_eq!(
        get_with_token(&mock, "/api/v10/users/@me", access)
            .await
            .status(),
        StatusCode::OK
    );
    let limited = get_with_token(&mock, "/api/v10/users/@me", access).await;
    assert_eq!(limited.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(
        limited.headers()["retry-after"]
            .to_str()
            .unwrap()
            .parse::<u64>()
            .unwrap()
            >= 1
    );
    assert_eq!(limited.headers()["x-ratelimit-remaining"], "0");
    let limited = body(limited).await;
    assert_eq!(limited["message"], "You are being rate limited.");
    assert_eq!(limited["global"], false);
    assert!(limited["retry_after"].as_f64().unwrap() > 0.0);
    // The window passes on the mock's clock.
    mock.advance_clock(Duration::from_secs(10));
    assert_eq!(
        get_with_token(&mock, "/api/v10/users/@me", access)
            .await
            .status(),
        StatusCode::OK
    );
}

/// The client id is public. A stranger who posts it without the secret
/// must not use up the real client's budget.
#[tokio::test]
async fn a_stranger_cannot_spend_a_clients_rate_limit() {
    let mock = MockDiscord::builder()
        .rate_limit(2, Duration::from_secs(10))
        .spawn()
        .await
        .unwrap();
    for _ in 0..5 {
        let (status, _) = post_form(
            &mock,
            "/api/oauth2/token",
            &[
                ("client_id", "mock-client-id"),
                ("client_secret", "a-guess"),
                ("grant_type", "client_credentials"),
            ],
        )
        .await;
        assert_ne!(status, StatusCode::OK);
    }
    // The real client still has both of its requests.
    let (status, body) = token_request(
        &mock,
        &[("grant_type", "refresh_token"), ("refresh_token", "x")],
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["error"], "invalid_grant");
}

#[tokio::test]
async fn the_unversioned_api_paths_answer_too() {
    let mock = mock().await;
    let tokens = login(&mock, &NELLY, "identify").await;
    let access = tokens["access_token"].as_str().unwrap();
    assert_eq!(
        get_with_token(&mock, "/api/users/@me", access)
            .await
            .status(),
        StatusCode::OK
    );
    assert_eq!(
        get_with_token(&mock, "/api/v10/users/%40me", access)
            .await
            .status(),
        StatusCode::OK
    );
}

/// A user keeps at most `grants_per_user` live grants per client (100
/// unless configured): a login past it revokes the oldest, whose token then
/// gets 401. A load test that logs one user in many times raises it.
#[tokio::test]
async fn a_users_oldest_grant_goes_past_grants_per_user() {
    let config = mock_discord::MockConfig {
        grants_per_user: Some(2),
        ..Default::default()
    };
    let mock = MockDiscord::builder().config(config).spawn().await.unwrap();
    let oldest = login(&mock, &NELLY, "identify").await;
    let kept = login(&mock, &NELLY, "identify").await;
    let path = "/api/v10/users/@me";
    let token = |tokens: &Value| tokens["access_token"].as_str().unwrap().to_string();
    assert_eq!(
        get_with_token(&mock, path, &token(&oldest)).await.status(),
        200
    );
    let newest = login(&mock, &NELLY, "identify").await;
    assert_eq!(
        get_with_token(&mock, path, &token(&oldest)).await.status(),
        401
    );
    for tokens in [&kept, &newest] {
        assert_eq!(
            get_with_token(&mock, path, &token(tokens)).await.status(),
            200
        );
    }
}
