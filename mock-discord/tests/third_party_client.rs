//! A client that knows nothing about this mock — the `oauth2` crate —
//! configured from the RFC 8414 metadata document alone, completes the
//! flow with PKCE, calls the API, refreshes and revokes.

mod support;

use mock_discord::{submit_consent, Consent};
use oauth2::basic::BasicClient;
use oauth2::{
    AuthType, AuthUrl, AuthorizationCode, ClientId, ClientSecret, CsrfToken, PkceCodeChallenge,
    RedirectUrl, RevocationUrl, Scope, StandardRevocableToken, TokenResponse, TokenUrl,
};
use reqwest::StatusCode;
use serde_json::Value;
use support::*;

#[tokio::test]
async fn the_oauth2_crate_logs_in_from_the_metadata_alone() {
    let mock = mock().await;
    let http = http();
    let metadata: Value = http
        .get(format!(
            "{}/.well-known/oauth-authorization-server",
            mock.base_url()
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    insta::assert_json_snapshot!("metadata", metadata, {
        ".**" => insta::dynamic_redaction(|value, _| {
            let text = value.as_str().unwrap_or_default().to_string();
            match text.split_once("://127.0.0.1:") {
                Some((_, rest)) => format!("http://[mock]{}", rest.trim_start_matches(char::is_numeric)).into(),
                None => value,
            }
        }),
    });

    // Everything below comes from the document, nothing from this crate.
    let text = |key: &str| metadata[key].as_str().unwrap().to_string();
    let supports =
        |key: &str, value: &str| metadata[key].as_array().unwrap().iter().any(|v| v == value);
    assert!(supports("code_challenge_methods_supported", "S256"));
    assert!(supports("response_types_supported", "code"));
    let auth_type = if supports(
        "token_endpoint_auth_methods_supported",
        "client_secret_basic",
    ) {
        AuthType::BasicAuth
    } else {
        AuthType::RequestBody
    };
    let client = BasicClient::new(ClientId::new("mock-client-id".into()))
        .set_client_secret(ClientSecret::new("mock-client-secret".into()))
        .set_auth_type(auth_type)
        .set_auth_uri(AuthUrl::new(text("authorization_endpoint")).unwrap())
        .set_token_uri(TokenUrl::new(text("token_endpoint")).unwrap())
        .set_revocation_url(RevocationUrl::new(text("revocation_endpoint")).unwrap())
        .set_redirect_uri(RedirectUrl::new(REDIRECT.into()).unwrap());

    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let (authorize_url, csrf) = client
        .authorize_url(CsrfToken::new_random)
        .add_scope(Scope::new("identify".into()))
        .set_pkce_challenge(challenge)
        .url();

    let callback = submit_consent(authorize_url.as_str(), &NELLY, Consent::Authorize)
        .await
        .unwrap();
    assert_eq!(
        param(&callback, "state").as_deref(),
        Some(csrf.secret().as_str())
    );
    // RFC 9207: the iss parameter names the issuer of the metadata.
    assert_eq!(param(&callback, "iss"), Some(text("issuer")));
    let code = param(&callback, "code").unwrap();

    let tokens = client
        .exchange_code(AuthorizationCode::new(code))
        .set_pkce_verifier(verifier)
        .request_async(&http)
        .await
        .expect("the code exchange succeeds");
    assert_eq!(tokens.expires_in().unwrap().as_secs(), 604_800);
    let scopes: Vec<String> = tokens
        .scopes()
        .unwrap()
        .iter()
        .map(|s| s.to_string())
        .collect();
    assert_eq!(scopes, ["identify"]);

    let me = get_with_token(&mock, "/api/v10/users/@me", tokens.access_token().secret()).await;
    assert_eq!(me.status(), StatusCode::OK);

    let refreshed = client
        .exchange_refresh_token(tokens.refresh_token().unwrap())
        .request_async(&http)
        .await
        .expect("refresh succeeds");
    // The oauth2 crate refuses a revocation URL that is not https (RFC 7009
    // §2 requires TLS), and the mock speaks plain http on loopback.
    let revocation = client.revoke_token(StandardRevocableToken::AccessToken(
        refreshed.access_token().clone(),
    ));
    assert!(matches!(
        revocation,
        Err(oauth2::ConfigurationError::InsecureUrl(_))
    ));
    let (status, _) = post_form(
        &mock,
        "/api/oauth2/token/revoke",
        &[
            ("client_id", "mock-client-id"),
            ("client_secret", "mock-client-secret"),
            ("token", refreshed.access_token().secret()),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let me = get_with_token(
        &mock,
        "/api/v10/users/@me",
        refreshed.access_token().secret(),
    )
    .await;
    assert_eq!(me.status(), StatusCode::UNAUTHORIZED);
}
