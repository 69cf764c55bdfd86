//! The Google personality, driven by a real OpenID Connect client (the
//! `openidconnect` crate) from the discovery document alone: if that client
//! accepts the mock's ID tokens, the mock speaks OpenID Connect.

mod support;

use mock_discord::{submit_consent, Consent, MockDiscord, MockHandle};
use openidconnect::core::{CoreAuthenticationFlow, CoreClient, CoreProviderMetadata};
use openidconnect::{
    AuthorizationCode, ClientId, ClientSecret, CsrfToken, IssuerUrl, Nonce, OAuth2TokenResponse,
    PkceCodeChallenge, RedirectUrl, RefreshToken, Scope, TokenResponse,
};
use reqwest::StatusCode;
use serde_json::Value;
use support::{http, param, post_form};

const REDIRECT: &str = "http://127.0.0.1:5000/auth/google";
const ADA: &str = "110248495921238986420";

async fn mock() -> MockHandle {
    MockDiscord::builder().seed(5).spawn().await.unwrap()
}

#[tokio::test]
async fn a_standard_openid_connect_client_logs_in_refreshes_and_revokes() {
    let mock = mock().await;
    let http_client = http();
    let metadata = CoreProviderMetadata::discover_async(
        IssuerUrl::new(mock.google_issuer()).unwrap(),
        &http_client,
    )
    .await
    .expect("discovery");
    let google = mock.google_client().unwrap();
    let client = CoreClient::from_provider_metadata(
        metadata,
        ClientId::new(google.client_id.clone()),
        Some(ClientSecret::new(google.client_secret.clone())),
    )
    .set_redirect_uri(RedirectUrl::new(REDIRECT.into()).unwrap());

    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let (url, state, nonce) = client
        .authorize_url(
            CoreAuthenticationFlow::AuthorizationCode,
            CsrfToken::new_random,
            Nonce::new_random,
        )
        .add_scope(Scope::new("email".into()))
        .add_scope(Scope::new("profile".into()))
        .add_extra_param("access_type", "offline")
        .set_pkce_challenge(challenge)
        .url();
    let callback = submit_consent(url.as_str(), ADA, Consent::Authorize)
        .await
        .unwrap();
    assert_eq!(
        param(&callback, "state").as_deref(),
        Some(state.secret().as_str())
    );
    assert_eq!(param(&callback, "iss"), Some(mock.google_issuer()));
    let code = param(&callback, "code").unwrap();

    let tokens = client
        .exchange_code(AuthorizationCode::new(code.clone()))
        .unwrap()
        .set_pkce_verifier(verifier)
        .request_async(&http_client)
        .await
        .expect("the code exchange");
    let id_token = tokens.id_token().expect("an ID token");
    let claims = id_token
        .claims(&client.id_token_verifier(), &nonce)
        .expect("a valid ID token: signature, iss, aud, exp and nonce");
    assert_eq!(claims.subject().as_str(), ADA);
    assert_eq!(claims.email().unwrap().as_str(), "ada@example.com");
    assert_eq!(claims.email_verified(), Some(true));
    // Another nonce: refused.
    assert!(id_token
        .claims(&client.id_token_verifier(), &Nonce::new("other".into()))
        .is_err());

    let userinfo: Value = http()
        .get(format!("{}/google/v1/userinfo", mock.base_url()))
        .bearer_auth(tokens.access_token().secret())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(userinfo["sub"], ADA);
    assert_eq!(userinfo["name"], "Ada Lovelace");

    // Google does not rotate refresh tokens: no refresh_token comes back.
    let refresh = tokens.refresh_token().unwrap().clone();
    let refreshed = client
        .exchange_refresh_token(&refresh)
        .unwrap()
        .request_async(&http_client)
        .await
        .expect("a refresh");
    assert!(refreshed.refresh_token().is_none());
    assert_ne!(
        refreshed.access_token().secret(),
        tokens.access_token().secret()
    );
    let again = client
        .exchange_refresh_token(&RefreshToken::new(refresh.secret().clone()))
        .unwrap()
        .request_async(&http_client)
        .await;
    assert!(again.is_ok(), "the same refresh token works again");

    // Revocation ends the grant: its tokens stop working.
    let revoked = http()
        .post(format!("{}/google/revoke", mock.base_url()))
        .form(&[("token", refresh.secret().as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(revoked.status(), StatusCode::OK);
    let after = http()
        .get(format!("{}/google/v1/userinfo", mock.base_url()))
        .bearer_auth(refreshed.access_token().secret())
        .send()
        .await
        .unwrap();
    assert_eq!(after.status(), StatusCode::UNAUTHORIZED);
    let unknown = http()
        .post(format!("{}/google/revoke", mock.base_url()))
        .form(&[("token", refresh.secret().as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        unknown.json::<Value>().await.unwrap()["error"],
        "invalid_token"
    );

    // The code works once, in Google's error shape.
    let (status, replay) = post_form(
        &mock,
        "/google/token",
        &[
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
            ("redirect_uri", REDIRECT),
            ("client_id", google.client_id.as_str()),
            ("client_secret", google.client_secret.as_str()),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        replay,
        serde_json::json!({"error": "invalid_grant", "error_description": "Bad Request"})
    );

    // The journal shows Google's exchanges beside Discord's.
    assert!(mock.requests_to("/google/token").len() >= 3);
}

/// Google's discovery document, as a client reads it.
async fn discovery(mock: &MockHandle) -> Value {
    let url = format!(
        "{}/google/.well-known/openid-configuration",
        mock.base_url()
    );
    http().get(url).send().await.unwrap().json().await.unwrap()
}

fn authorize_url(mock: &MockHandle, extra: &[(&str, &str)]) -> String {
    let google = mock.google_client().unwrap();
    let mut params = vec![
        ("response_type", "code"),
        ("client_id", google.client_id.as_str()),
        ("scope", "openid email"),
        ("state", "s"),
        ("nonce", "n"),
        ("redirect_uri", REDIRECT),
    ];
    for (name, value) in extra {
        params.retain(|(n, _)| n != name);
        if !value.is_empty() {
            params.push((name, value));
        }
    }
    let mut url =
        reqwest::Url::parse(&format!("{}/google/o/oauth2/v2/auth", mock.base_url())).unwrap();
    url.query_pairs_mut().extend_pairs(params);
    url.to_string()
}

#[tokio::test]
async fn google_is_strict_in_its_own_way() {
    let mock = mock().await;
    let get = |url: String| async move { http().get(url).send().await.unwrap() };
    // No redirect_uri (Google has no default) and a wrong one: a page.
    for extra in [
        [("redirect_uri", "")],
        [("redirect_uri", "http://127.0.0.1:5000/auth/google/")],
    ] {
        let response = get(authorize_url(&mock, &extra)).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
        assert!(response
            .text()
            .await
            .unwrap()
            .contains("redirect_uri_mismatch"));
    }
    // Discord's client is not Google's.
    let response = get(authorize_url(&mock, &[("client_id", "mock-client-id")])).await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    // No openid: an error back to the client, with state and iss.
    let response = get(authorize_url(&mock, &[("scope", "email")])).await;
    assert_eq!(response.status(), StatusCode::FOUND);
    let location = response.headers()["location"].to_str().unwrap().to_string();
    assert_eq!(param(&location, "error").as_deref(), Some("invalid_scope"));
    assert_eq!(param(&location, "state").as_deref(), Some("s"));
    assert_eq!(param(&location, "iss"), Some(mock.google_issuer()));

    // A Discord code presented at Google's token endpoint: invalid_grant.
    let discord_code = mock.issue_code_directly(
        "http://127.0.0.1:5000/auth",
        &mock_discord::config::default_user_id("nelly"),
        &["identify"],
        None,
    );
    let google = mock.google_client().unwrap();
    let (status, _) = post_form(
        &mock,
        "/google/token",
        &[
            ("grant_type", "authorization_code"),
            ("code", discord_code.as_str()),
            ("redirect_uri", REDIRECT),
            ("client_id", google.client_id.as_str()),
            ("client_secret", google.client_secret.as_str()),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    // A wrong secret: 401 invalid_client.
    let (status, refused) = post_form(
        &mock,
        "/google/token",
        &[
            ("grant_type", "authorization_code"),
            ("code", "x"),
            ("client_id", google.client_id.as_str()),
            ("client_secret", "wrong"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(refused["error"], "invalid_client");

    // Discovery and the JWKS, as a client reads them.
    let discovery = discovery(&mock).await;
    assert_eq!(discovery["issuer"], mock.google_issuer());
    let jwks: Value = http()
        .get(discovery["jwks_uri"].as_str().unwrap())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(jwks["keys"][0]["alg"], "RS256");
}

#[tokio::test]
async fn the_account_chooser_lists_the_accounts_and_its_form_works_once() {
    let mock = mock().await;
    let page = http().get(authorize_url(&mock, &[])).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    assert_eq!(page.headers()["x-frame-options"], "DENY");
    let html = page.text().await.unwrap();
    for name in [
        "Ada Lovelace",
        "Alan Turing",
        "Charles Babbage",
        "(not verified)",
    ] {
        assert!(html.contains(name), "{name} missing from the chooser");
    }
    let cancelled = submit_consent(&authorize_url(&mock, &[]), ADA, Consent::Cancel)
        .await
        .unwrap();
    assert_eq!(param(&cancelled, "error").as_deref(), Some("access_denied"));
}

#[tokio::test]
async fn faults_can_target_googles_endpoints() {
    let mock = mock().await;
    mock.inject_fault(mock_discord::FaultRule::status_once(
        mock_discord::Endpoint::GoogleToken,
        503,
    ));
    let url = format!("{}/google/token", mock.base_url());
    let first = http().post(&url).form(&[("a", "b")]).send().await.unwrap();
    assert_eq!(first.status(), StatusCode::SERVICE_UNAVAILABLE);
    let second = http().post(&url).form(&[("a", "b")]).send().await.unwrap();
    assert_eq!(
        second.status(),
        StatusCode::UNAUTHORIZED,
        "the fault fired once"
    );
    let rule: mock_discord::FaultRule =
        serde_json::from_str(r#"{"endpoint":"google_userinfo","fault":{"kind":"malformed_json"}}"#)
            .unwrap();
    assert_eq!(rule.endpoint, mock_discord::Endpoint::GoogleUserinfo);
}

/// Each spoiling a fault can ask for is one a standard client refuses:
/// the mock can play a provider gone wrong, one way at a time.
#[tokio::test]
async fn every_spoiled_id_token_is_refused_by_a_standard_client() {
    use mock_discord::IdTokenSpoil::*;
    let mock = mock().await;
    let http_client = http();
    let metadata = CoreProviderMetadata::discover_async(
        IssuerUrl::new(mock.google_issuer()).unwrap(),
        &http_client,
    )
    .await
    .unwrap();
    let google = mock.google_client().unwrap();
    let client = CoreClient::from_provider_metadata(
        metadata,
        ClientId::new(google.client_id.clone()),
        Some(ClientSecret::new(google.client_secret.clone())),
    )
    .set_redirect_uri(RedirectUrl::new(REDIRECT.into()).unwrap());
    for spoil in [
        None,
        Some(BadSignature),
        Some(OtherAudience),
        Some(OtherIssuer),
        Some(Expired),
        Some(WrongNonce),
        Some(NoNonce),
    ] {
        if let Some(how) = spoil {
            mock.inject_fault(mock_discord::FaultRule {
                endpoint: mock_discord::Endpoint::GoogleToken,
                times: 1,
                fault: mock_discord::Fault::SpoilIdToken { how },
            });
        }
        let (url, _, nonce) = client
            .authorize_url(
                CoreAuthenticationFlow::AuthorizationCode,
                CsrfToken::new_random,
                Nonce::new_random,
            )
            .url();
        let callback = submit_consent(url.as_str(), ADA, Consent::Authorize)
            .await
            .unwrap();
        let tokens = client
            .exchange_code(AuthorizationCode::new(param(&callback, "code").unwrap()))
            .unwrap()
            .request_async(&http_client)
            .await
            .expect("the exchange itself succeeds");
        let verdict = tokens
            .id_token()
            .unwrap()
            .claims(&client.id_token_verifier(), &nonce)
            .map(|_| ());
        assert_eq!(verdict.is_ok(), spoil.is_none(), "{spoil:?}: {verdict:?}");
    }
}

/// Google's discovery advertises PKCE `plain` beside S256, and Google
/// takes it (RFC 8414 §2: metadata and behaviour agree); a challenge
/// without a method is `plain` (RFC 7636 §4.3). The verifier must then
/// equal the challenge.
#[tokio::test]
async fn google_takes_the_plain_pkce_method_it_advertises() {
    let mock = mock().await;
    let discovery = discovery(&mock).await;
    let methods = &discovery["code_challenge_methods_supported"];
    assert!(
        methods.as_array().unwrap().contains(&"plain".into()),
        "{methods}"
    );

    let google = mock.google_client().unwrap();
    let verifier = "a-plain-verifier-that-is-43-characters-long";
    let redeem = |code: String, verifier: &'static str| {
        let (id, secret) = (google.client_id.clone(), google.client_secret.clone());
        let mock = &mock;
        async move {
            post_form(
                mock,
                "/google/token",
                &[
                    ("grant_type", "authorization_code"),
                    ("code", &code),
                    ("redirect_uri", REDIRECT),
                    ("client_id", &id),
                    ("client_secret", &secret),
                    ("code_verifier", verifier),
                ],
            )
            .await
        }
    };
    for method in [Some("plain"), None] {
        let mut extra = vec![("code_challenge", verifier)];
        extra.extend(method.map(|m| ("code_challenge_method", m)));
        let callback = submit_consent(&authorize_url(&mock, &extra), ADA, Consent::Authorize)
            .await
            .unwrap();
        let code = param(&callback, "code").unwrap_or_else(|| panic!("{method:?}: {callback}"));
        let (status, tokens) = redeem(code, verifier).await;
        assert_eq!(status, StatusCode::OK, "{method:?}: {tokens}");
    }
    // Another verifier than the plain challenge: refused.
    let extra = [
        ("code_challenge", verifier),
        ("code_challenge_method", "plain"),
    ];
    let callback = submit_consent(&authorize_url(&mock, &extra), ADA, Consent::Authorize)
        .await
        .unwrap();
    let (status, refused) = redeem(
        param(&callback, "code").unwrap(),
        "another-verifier-of-the-right-length-43-chars",
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(refused["error"], "invalid_grant");
}

/// A login at Google with these extra parameters, its code redeemed: the
/// token response.
async fn google_login(mock: &MockHandle, extra: &[(&str, &str)]) -> Value {
    let callback = submit_consent(&authorize_url(mock, extra), ADA, Consent::Authorize)
        .await
        .unwrap();
    let code = param(&callback, "code").unwrap_or_else(|| panic!("{extra:?}: {callback}"));
    let google = mock.google_client().unwrap();
    let (status, tokens) = post_form(
        mock,
        "/google/token",
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", REDIRECT),
            ("client_id", &google.client_id),
            ("client_secret", &google.client_secret),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{extra:?}: {tokens}");
    tokens
}

/// Google gives a refresh token only with `access_type=offline`, and only
/// at a user's first consent to the client, unless `prompt=consent` asks
/// again; once the user's refresh tokens are revoked, the next offline
/// login is a first consent again.
#[tokio::test]
async fn google_gives_a_refresh_token_only_for_offline_access_at_first_consent() {
    let mock = mock().await;
    let has_refresh = |tokens: &Value| tokens.get("refresh_token").is_some();
    let offline = [("access_type", "offline")];
    let again = [("access_type", "offline"), ("prompt", "consent")];

    assert!(
        !has_refresh(&google_login(&mock, &[]).await),
        "online access"
    );
    assert!(!has_refresh(
        &google_login(&mock, &[("access_type", "online")]).await
    ));
    let first = google_login(&mock, &offline).await;
    assert!(
        has_refresh(&first),
        "the first consent to offline access: {first}"
    );
    assert!(
        !has_refresh(&google_login(&mock, &offline).await),
        "a second login"
    );
    let asked_again = google_login(&mock, &again).await;
    assert!(has_refresh(&asked_again), "prompt=consent: {asked_again}");

    for tokens in [&first, &asked_again] {
        let (status, _) = post_form(
            &mock,
            "/google/revoke",
            &[("token", tokens["refresh_token"].as_str().unwrap())],
        )
        .await;
        assert_eq!(status, StatusCode::OK);
    }
    assert!(
        has_refresh(&google_login(&mock, &offline).await),
        "after revocation"
    );

    let refused = submit_consent(
        &authorize_url(&mock, &[("access_type", "sometimes")]),
        ADA,
        Consent::Authorize,
    )
    .await
    .unwrap();
    assert_eq!(param(&refused, "error").as_deref(), Some("invalid_request"));
}
