//! The mock's Google, used by a client nobody here wrote: `openid-client`,
//! OpenID Certified (interop/rp.mjs). It is given the issuer and nothing
//! else: discovery, then code + PKCE + nonce, the ID token verified with
//! its signature, userinfo, a refresh, a revocation. Each spoiled ID token
//! the mock can serve is refused by it.

mod support;

use common::testing::outside::NodeScript;
use mock_discord::IdTokenSpoil::*;
use mock_discord::{submit_consent, Consent, MockDiscord, MockHandle};
use serde_json::Value;

const REDIRECT: &str = "http://127.0.0.1:5000/auth/google";
const ADA: &str = "110248495921238986420";

/// The mock, and openid-client set up for its Google client.
async fn mock_and_client() -> (MockHandle, NodeScript) {
    let mock = MockDiscord::builder().seed(5).spawn().await.unwrap();
    let google = mock.google_client().unwrap();
    let issuer = mock.google_issuer();
    let client = NodeScript::dialogue(
        "rp.mjs",
        &[&issuer, &google.client_id, &google.client_secret, REDIRECT],
    );
    (mock, client)
}

/// One login: the client's authorization URL, the mock's account chooser
/// as Ada, and the callback handed back to the client. Then its first
/// answer.
async fn log_in(client: &mut NodeScript) -> Value {
    let asked = client.next_line().await;
    let authorize = asked["authorize"]
        .as_str()
        .unwrap_or_else(|| panic!("{asked}"));
    let callback = submit_consent(authorize, ADA, Consent::Authorize)
        .await
        .unwrap();
    client.answer(&callback);
    client.next_line().await
}

#[tokio::test]
async fn openid_client_logs_in_refreshes_and_revokes_at_the_mocks_google() {
    let (mock, mut client) = mock_and_client().await;
    let claims = log_in(&mut client).await;
    let claims = &claims["claims"];
    assert_eq!(claims["sub"], ADA, "{claims}");
    assert_eq!(claims["iss"], mock.google_issuer());
    assert_eq!(claims["email"], "ada@example.com");

    let userinfo = client.next_line().await;
    assert_eq!(userinfo["userinfo"]["sub"], ADA, "{userinfo}");
    assert_eq!(userinfo["userinfo"]["name"], "Ada Lovelace");

    let refreshed = client.next_line().await;
    let refreshed = &refreshed["refreshed"];
    assert_eq!(refreshed["new_access_token"], true, "{refreshed}");
    assert_eq!(refreshed["refresh_token_rotated"], false, "Google keeps it");
    assert_eq!(refreshed["sub"], ADA);

    assert_eq!(client.next_line().await["revoked"], true);
    assert_eq!(
        client.next_line().await["refresh_after_revocation"],
        "invalid_grant"
    );

    // What the mock saw: PKCE with S256, the verifier at the token
    // endpoint, and offline access asked for as Google wants it.
    let authorization = mock
        .requests_to("/google/o/oauth2/v2/auth")
        .into_iter()
        .find(|e| e.param("response_type").is_some())
        .unwrap();
    assert_eq!(authorization.param("code_challenge_method"), Some("S256"));
    assert_eq!(authorization.param("access_type"), Some("offline"));
    let exchanges = mock.requests_to("/google/token");
    assert!(exchanges.iter().any(|e| e.param("code_verifier").is_some()));
    // Its client authentication: the secret in the body.
    assert!(exchanges.iter().all(|e| e.param("client_secret").is_some()));
}

#[tokio::test]
async fn openid_client_refuses_every_spoiled_id_token() {
    let (mock, mut client) = mock_and_client().await;
    // Each refused for its own reason, in the library's words.
    for (how, why) in [
        (BadSignature, "signature verification failed"),
        (OtherAudience, "\"aud\""),
        (OtherIssuer, "\"iss\""),
        (Expired, "\"exp\""),
        (WrongNonce, "\"nonce\""),
        (NoNonce, "\"nonce\""),
    ] {
        mock.inject_fault(mock_discord::FaultRule {
            endpoint: mock_discord::Endpoint::GoogleToken,
            times: 1,
            fault: mock_discord::Fault::SpoilIdToken { how },
        });
        let answer = log_in(&mut client).await;
        assert!(answer.get("refused").is_some(), "{how:?}: {answer}");
        let cause = answer["cause"].as_str().unwrap_or_default();
        assert!(cause.contains(why), "{how:?}: {answer}");
    }
    // And the same client, unspoiled, logs in: the refusals were the
    // spoiling's.
    let answer = log_in(&mut client).await;
    assert_eq!(answer["claims"]["sub"], ADA, "{answer}");
}
