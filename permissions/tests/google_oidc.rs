//! Stage 3's OpenID Connect client against the mock's Google personality:
//! discovery, a login, and the ID-token checks, each of which refuses a
//! token spoiled its way with a 400 that says why.

use common::testing::query_param;
use common::Upstream;
use mock_discord::{
    submit_consent, Consent, Endpoint, Fault, FaultRule, IdTokenSpoil, MockDiscord,
};
use permissions::google::{Google, GoogleProfile};
use secrecy::SecretString;

const REDIRECT: &str = "http://127.0.0.1:5000/auth/google";
const ADA: &str = "110248495921238986420";

async fn google(mock: &mock_discord::MockHandle) -> Google {
    let client = mock.google_client().unwrap();
    Google::discover(
        &mock.google_issuer(),
        client.client_id,
        SecretString::from(client.client_secret),
        REDIRECT,
        Upstream::new().unwrap(),
    )
    .await
    .expect("discovery")
}

/// One Google login as Ada, from the authorization request to the checked
/// ID token, at the mock's time.
async fn log_in(
    mock: &mock_discord::MockHandle,
    google: &Google,
) -> Result<(basic::tokens::Tokens, GoogleProfile), common::Problem> {
    let now = mock.clock().now_secs();
    let (url, transaction) = google.begin(now);
    let callback = submit_consent(url.as_str(), ADA, Consent::Authorize)
        .await
        .unwrap();
    let code = query_param(&callback, "code").unwrap();
    google.finish(transaction, code, now).await
}

#[tokio::test]
async fn a_login_yields_the_verified_profile_and_each_spoiled_token_is_refused() {
    let mock = MockDiscord::builder().spawn().await.unwrap();
    let google = google(&mock).await;
    assert_eq!(google.issuer, mock.google_issuer());
    assert!(google.revocation_url.is_some());
    let now = mock.clock().now_secs();

    let (url, transaction) = google.begin(now);
    assert!(url.as_str().contains("nonce="), "{url}");
    assert!(url.as_str().contains("code_challenge="), "{url}");
    let nonce = permissions::carried::Carried::of(&transaction)
        .nonce
        .unwrap();
    assert!(!url.as_str().contains(&transaction.pkce_verifier));
    let callback = submit_consent(url.as_str(), ADA, Consent::Authorize)
        .await
        .unwrap();
    let code = query_param(&callback, "code").unwrap();
    let (tokens, profile) = google
        .finish(transaction, code, now)
        .await
        .expect("a login");
    assert_eq!(profile.subject, ADA);
    assert_eq!(profile.email.as_deref(), Some("ada@example.com"));
    assert_eq!(profile.email_verified, Some(true));
    assert_eq!(profile.name.as_deref(), Some("Ada Lovelace"));
    assert!(tokens.refresh_token.is_some());
    assert!(!nonce.is_empty());

    for (how, words) in [
        (IdTokenSpoil::BadSignature, "signature"),
        (IdTokenSpoil::OtherAudience, "another application"),
        (IdTokenSpoil::OtherIssuer, "another issuer"),
        (IdTokenSpoil::Expired, "expired"),
        (IdTokenSpoil::WrongNonce, "nonce"),
        (IdTokenSpoil::NoNonce, "nonce"),
    ] {
        mock.inject_fault(FaultRule {
            endpoint: Endpoint::GoogleToken,
            times: 1,
            fault: Fault::SpoilIdToken { how },
        });
        let refused = log_in(&mock, &google)
            .await
            .expect_err(&format!("{how:?} must be refused"));
        assert_eq!(refused.status, 400, "{how:?}");
        assert!(
            refused.detail.contains(words),
            "{how:?}: {}",
            refused.detail
        );
        assert!(refused.detail.contains("No session"), "{}", refused.detail);
    }
}

#[tokio::test]
async fn a_refresh_keeps_no_rotation_and_revocation_ends_the_grant() {
    let mock = MockDiscord::builder().spawn().await.unwrap();
    let google = google(&mock).await;
    let now = mock.clock().now_secs();
    let (tokens, _) = log_in(&mock, &google).await.unwrap();
    let refresh = tokens.refresh_token.clone().unwrap();
    let sessions::refresh::Refreshed::Tokens(refreshed) = google.refresh(&refresh, now).await
    else {
        panic!("the refresh succeeds");
    };
    assert_eq!(refreshed.refresh_token, None, "Google does not rotate");
    google.revoke(&tokens).await;
    assert!(matches!(
        google.refresh(&refresh, now).await,
        sessions::refresh::Refreshed::LoginEnded
    ));
    assert_eq!(mock.requests_to("/google/revoke").len(), 1);
}

#[tokio::test]
async fn discovery_of_a_wrong_issuer_is_refused() {
    let mock = MockDiscord::builder().spawn().await.unwrap();
    let client = mock.google_client().unwrap();
    let wrong = Google::discover(
        &format!("{}/elsewhere", mock.base_url()),
        client.client_id,
        SecretString::from(client.client_secret),
        REDIRECT,
        Upstream::new().unwrap(),
    )
    .await;
    assert!(wrong.is_err());
}

/// Google rotates its signing keys. A token that names a key the stage
/// does not know sends it back to the JWKS, so logins go on after a
/// rotation without a restart; at most once a minute, so that tokens with
/// made-up key ids cannot make it fetch on every login.
#[tokio::test]
async fn a_rotated_signing_key_is_fetched_once_a_minute_at_most() {
    let mock = MockDiscord::builder().spawn().await.unwrap();
    let google = google(&mock).await;
    let fetches = || mock.requests_to("/google/oauth2/v3/certs").len();
    assert!(log_in(&mock, &google).await.is_ok());
    assert_eq!(fetches(), 1, "at discovery");

    mock.rotate_signing_key();
    assert_eq!(log_in(&mock, &google).await.unwrap().1.subject, ADA);
    assert_eq!(fetches(), 2, "fetched again for the new kid");
    assert!(log_in(&mock, &google).await.is_ok());
    assert_eq!(fetches(), 2, "and kept");

    // A second rotation within the minute: refused, with no fetch.
    mock.rotate_signing_key();
    let refused = log_in(&mock, &google).await.unwrap_err();
    assert!(refused.detail.contains("signature"), "{}", refused.detail);
    assert_eq!(fetches(), 2);
    mock.advance_clock(std::time::Duration::from_secs(61));
    assert!(log_in(&mock, &google).await.is_ok());
    assert_eq!(fetches(), 3);
}

/// The next userinfo answer is `claims` (200, JSON), as a provider that
/// keeps the profile out of the ID token would answer.
fn userinfo_answers(mock: &mock_discord::MockHandle, claims: serde_json::Value) {
    mock.inject_fault(FaultRule {
        endpoint: Endpoint::GoogleUserinfo,
        times: 1,
        fault: Fault::Status {
            status: 200,
            body: claims.to_string(),
            content_type: None,
        },
    });
}

/// OpenID Connect Core §5.4: name and e-mail come from userinfo, whatever
/// the ID token says; what userinfo leaves out, the ID token fills.
#[tokio::test]
async fn userinfo_claims_are_taken_and_the_id_token_fills_the_rest() {
    let mock = MockDiscord::builder().spawn().await.unwrap();
    let google = google(&mock).await;
    userinfo_answers(
        &mock,
        serde_json::json!({"sub": ADA, "name": "Ada, from userinfo", "email": "ada@userinfo.example"}),
    );
    let (_, profile) = log_in(&mock, &google).await.expect("a login");
    assert_eq!(profile.name.as_deref(), Some("Ada, from userinfo"));
    assert_eq!(profile.email.as_deref(), Some("ada@userinfo.example"));
    assert_eq!(profile.email_verified, Some(true), "from the ID token");
    assert_eq!(mock.requests_to("/google/v1/userinfo").len(), 1);
}

/// §5.3.2: a userinfo answer about another `sub` is someone else's
/// profile: the login is refused, as a bad ID token is.
#[tokio::test]
async fn userinfo_about_another_subject_is_refused() {
    let mock = MockDiscord::builder().spawn().await.unwrap();
    let google = google(&mock).await;
    userinfo_answers(
        &mock,
        serde_json::json!({"sub": "someone-else", "name": "Mallory"}),
    );
    let refused = log_in(&mock, &google).await.expect_err("refused");
    assert_eq!(refused.status, 400);
    assert!(
        refused.detail.contains("another user"),
        "{}",
        refused.detail
    );
}
