//! The authorization endpoint and the consent page.

mod support;

use mock_discord::{submit_consent, Consent, MockConfig, MockDiscord};
use reqwest::StatusCode;
use support::*;

async fn get(url: &str) -> reqwest::Response {
    http().get(url).send().await.unwrap()
}

#[tokio::test]
async fn unknown_client_gets_a_page_and_no_redirect() {
    let mock = mock().await;
    let response = get(&authorize_url(&mock, &[("client_id", "nobody")])).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(response.headers().get("location").is_none());
    assert!(response
        .text()
        .await
        .unwrap()
        .contains("Invalid OAuth2 client_id"));
}

#[tokio::test]
async fn redirect_uri_must_match_exactly() {
    let mock = mock().await;
    for bad in [
        "http://127.0.0.1:5000/auth/../evil",
        "http://127.0.0.1:5000/authx",
        "http://127.0.0.1:5000/AUTH",
        "http://127.0.0.1:5000/auth?x=1",
        "http://127.0.0.1:5000/",
        "https://127.0.0.1:5000/auth",
    ] {
        let response = get(&authorize_url(&mock, &[("redirect_uri", bad)])).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{bad}");
        assert!(response.headers().get("location").is_none(), "{bad}");
        let body = response.text().await.unwrap();
        assert!(body.contains("Invalid OAuth2 redirect_uri"), "{bad}");
    }
}

#[tokio::test]
async fn omitted_redirect_uri_means_the_first_registered_one() {
    let mock = MockDiscord::builder()
        .auto_approve("nelly")
        .spawn()
        .await
        .unwrap();
    let response = get(&authorize_url(&mock, &[("redirect_uri", "")])).await;
    assert_eq!(response.status(), StatusCode::FOUND);
    let location = response.headers()["location"].to_str().unwrap();
    assert!(
        location.starts_with("http://127.0.0.1:5000/auth?code="),
        "{location}"
    );
}

/// Errors after the redirect URI is known go back to it, with state and iss.
#[tokio::test]
async fn request_errors_are_redirected_with_state_and_iss() {
    let mock = mock().await;
    let cases: &[(&[(&str, &str)], &str)] = &[
        (&[("response_type", "token")], "unsupported_response_type"),
        (&[("response_type", "")], "invalid_request"),
        (&[("scope", "")], "invalid_scope"),
        (&[("scope", "identify nonsense")], "invalid_scope"),
        (&[("scope", "email")], "invalid_scope"),
        (&[("code_challenge_method", "plain")], "invalid_request"),
        (&[("code_challenge_method", "")], "invalid_request"),
        (&[("code_challenge", "")], "invalid_request"),
        (&[("code_challenge", "too-short")], "invalid_request"),
        (&[("prompt", "login")], "invalid_request"),
    ];
    for (extra, error) in cases {
        let response = get(&authorize_url(&mock, extra)).await;
        assert_eq!(response.status(), StatusCode::FOUND, "{extra:?}");
        let location = response.headers()["location"].to_str().unwrap().to_string();
        assert!(location.starts_with(REDIRECT), "{location}");
        assert_eq!(
            param(&location, "error").as_deref(),
            Some(*error),
            "{extra:?}"
        );
        assert!(param(&location, "error_description").is_some());
        assert_eq!(param(&location, "state").as_deref(), Some("xyz"));
        assert_eq!(param(&location, "iss").as_deref(), Some(mock.base_url()));
        assert_eq!(param(&location, "code"), None);
    }
}

#[tokio::test]
async fn duplicated_or_non_utf8_parameters_are_refused() {
    let mock = mock().await;
    let twice = format!("{}&state=again", authorize_url(&mock, &[]));
    let response = get(&twice).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(response.text().await.unwrap().contains("Duplicate"));
    let bad = format!("{}&nonce=%FF", authorize_url(&mock, &[]));
    let response = get(&bad).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(response.text().await.unwrap().contains("UTF-8"));
}

/// `?a0&a1&…&a8999` once ran a quadratic duplicate check under the mock's
/// lock. Now the count is capped before any work.
#[tokio::test]
async fn a_query_with_thousands_of_parameters_is_refused() {
    let mock = mock().await;
    let names: Vec<String> = (0..9000).map(|i| format!("a{i}")).collect();
    let long = format!("{}&{}", authorize_url(&mock, &[]), names.join("&"));
    let response = get(&long).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(response
        .text()
        .await
        .unwrap()
        .contains("At most 64 parameters"));
}

/// Distinct short scopes by the ten thousand (15,000 fit in the 64 KB a
/// URL may have) once ran a quadratic duplicate check: CPU for each, on
/// the runtime an offline stage shares. Now the parameter is capped before
/// it is split, at Discord's and at Google's authorize endpoints alike.
#[tokio::test]
async fn fifteen_thousand_scopes_are_refused_as_too_many() {
    let mock = mock().await;
    let alphabet: Vec<char> = ('a'..='z').chain('0'..='9').collect();
    let distinct: Vec<String> = (0..15_000)
        .map(|n| {
            let at = |k: usize| alphabet[(n / 36usize.pow(k as u32)) % 36];
            [at(2), at(1), at(0)].iter().collect()
        })
        .collect();
    let scope = format!("identify openid {}", distinct.join(" "));
    let discord = authorize_url(&mock, &[("scope", &scope)]);
    let google = authorize_url(
        &mock,
        &[
            ("scope", &scope),
            (
                "client_id",
                "mock-google-client-id.apps.googleusercontent.com",
            ),
            ("redirect_uri", "http://127.0.0.1:5000/auth/google"),
        ],
    )
    .replace("/oauth2/authorize", "/google/o/oauth2/v2/auth");
    for url in [discord, google] {
        let response = get(&url).await;
        assert_eq!(response.status(), StatusCode::FOUND);
        let location = response.headers()["location"].to_str().unwrap().to_string();
        assert_eq!(param(&location, "error").as_deref(), Some("invalid_scope"));
        let description = param(&location, "error_description").unwrap_or_default();
        assert!(description.starts_with("Too many scopes"), "{description}");
    }
}

/// A consent page holds its request, state included, until answered: a
/// state or nonce over 1 KB is refused, so that 60 KB ones, repeated,
/// cannot fill the memory an offline stage shares with the mock.
#[tokio::test]
async fn an_oversized_state_or_nonce_is_refused() {
    let mock = mock().await;
    let at_most = "s".repeat(1024);
    let page = get(&authorize_url(&mock, &[("state", &at_most)])).await;
    assert_eq!(page.status(), StatusCode::OK, "the consent page");
    for name in ["state", "nonce"] {
        let over = "s".repeat(1025);
        let refused = get(&authorize_url(&mock, &[(name, &over)])).await;
        assert_eq!(refused.status(), StatusCode::BAD_REQUEST, "{name}");
        let text = refused.text().await.unwrap();
        assert!(text.contains("longer than 1024 bytes"), "{name}");
    }
}

#[tokio::test]
async fn consent_page_is_escaped_unframeable_and_self_contained() {
    let mut config = MockConfig::default();
    config.clients[0].name = "<script>alert(1)</script>".into();
    let mock = MockDiscord::builder()
        .seed(1)
        .config(config)
        .spawn()
        .await
        .unwrap();
    let response = get(&authorize_url(&mock, &[("scope", "identify email guilds")])).await;
    assert_eq!(response.status(), StatusCode::OK);
    let headers = response.headers().clone();
    assert_eq!(headers["x-frame-options"], "DENY");
    let csp = headers["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert!(csp.contains("default-src 'none'"), "{csp}");
    let cookie = headers["set-cookie"].to_str().unwrap();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    let page = response.text().await.unwrap();
    assert!(
        !page.contains("<script>"),
        "the client name must be escaped"
    );
    assert!(page.contains("&#60;script&#62;alert(1)&#60;/script&#62;"));
    assert!(
        !page.contains("src=\"http"),
        "nothing loads from another origin"
    );
    assert!(!page.contains("href=\"http"));
    insta::with_settings!({filters => vec![(r#"name="csrf_token" value="[^"]+""#, r#"name="csrf_token" value="[csrf]""#)]}, {
        insta::assert_snapshot!("consent_page", page);
    });
}

#[tokio::test]
async fn authorize_sends_code_state_and_iss() {
    let mock = mock().await;
    let location = submit_consent(&authorize_url(&mock, &[]), &NELLY, Consent::Authorize)
        .await
        .unwrap();
    let params = query_of(&location);
    let names: Vec<&str> = params.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["code", "state", "iss"]);
    assert_eq!(param(&location, "state").as_deref(), Some("xyz"));
    assert_eq!(param(&location, "iss").as_deref(), Some(mock.base_url()));
    assert!(
        param(&location, "code").unwrap().len() >= 22,
        "at least 128 bits"
    );
}

#[tokio::test]
async fn cancel_sends_access_denied() {
    let mock = mock().await;
    let location = submit_consent(&authorize_url(&mock, &[]), &NELLY, Consent::Cancel)
        .await
        .unwrap();
    let expected = format!(
        "{REDIRECT}?error=access_denied&error_description=The+resource+owner+or+authorization+server+denied+the+request&state=xyz&iss={}",
        urlencode(mock.base_url())
    );
    assert_eq!(location, expected);
}

fn urlencode(value: &str) -> String {
    reqwest::Url::parse_with_params("http://x/", [("v", value)])
        .unwrap()
        .query()
        .unwrap()
        .trim_start_matches("v=")
        .to_string()
}

/// The consent form works once, for the browser it was shown to.
#[tokio::test]
async fn consent_form_needs_its_browser_and_works_once() {
    let mock = mock().await;
    let (cookie, csrf) = open_consent(&authorize_url(&mock, &[]), None).await;

    // Another browser (no cookie) cannot use this form: CSRF.
    let stranger = decide(&mock, None, &csrf, &NELLY, "authorize").await;
    assert_eq!(stranger.status(), StatusCode::BAD_REQUEST);
    assert!(stranger.headers().get("location").is_none());

    // The failed attempt burned the token: the form is single use.
    let owner = decide(&mock, Some(&cookie), &csrf, &NELLY, "authorize").await;
    assert_eq!(owner.status(), StatusCode::BAD_REQUEST);

    // A fresh page works for its own browser, once.
    let (cookie, csrf) = open_consent(&authorize_url(&mock, &[]), Some(&cookie)).await;
    let first = decide(&mock, Some(&cookie), &csrf, &NELLY, "authorize").await;
    assert_eq!(first.status(), StatusCode::FOUND);
    let again = decide(&mock, Some(&cookie), &csrf, &NELLY, "authorize").await;
    assert_eq!(again.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn unknown_user_or_decision_is_refused() {
    let mock = mock().await;
    for (user, decision) in [("42", "authorize"), (&NELLY, "maybe")] {
        let (cookie, csrf) = open_consent(&authorize_url(&mock, &[]), None).await;
        let response = decide(&mock, Some(&cookie), &csrf, user, decision).await;
        assert_eq!(
            response.status(),
            StatusCode::BAD_REQUEST,
            "{user} {decision}"
        );
    }
}

#[tokio::test]
async fn prompt_none_skips_the_page_only_after_a_yes() {
    let mock = mock().await;
    let url = authorize_url(&mock, &[("prompt", "none")]);
    // First visit: nothing remembered, so the page is shown.
    let (cookie, csrf) = open_consent(&url, None).await;
    let yes = decide(&mock, Some(&cookie), &csrf, &ADA, "authorize").await;
    assert_eq!(yes.status(), StatusCode::FOUND);
    // Same browser, same scopes: straight back with a code.
    let again = http()
        .get(&url)
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::FOUND);
    assert!(param(again.headers()["location"].to_str().unwrap(), "code").is_some());
    // More scopes than approved: the page again.
    let wider = authorize_url(&mock, &[("prompt", "none"), ("scope", "identify email")]);
    let wider = http()
        .get(&wider)
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(wider.status(), StatusCode::OK);
    // prompt=consent always asks.
    let consent = authorize_url(&mock, &[("prompt", "consent")]);
    let consent = http()
        .get(&consent)
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(consent.status(), StatusCode::OK);
}

#[tokio::test]
async fn auto_approve_redirects_at_once_as_the_named_user() {
    let mock = MockDiscord::builder()
        .auto_approve("ada.lovelace")
        .spawn()
        .await
        .unwrap();
    let response = get(&authorize_url(&mock, &[])).await;
    assert_eq!(response.status(), StatusCode::FOUND);
    let code = param(response.headers()["location"].to_str().unwrap(), "code").unwrap();
    let (status, tokens) = token_request(
        &mock,
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", REDIRECT),
            ("code_verifier", VERIFIER),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let me = get_with_token(
        &mock,
        "/api/v10/users/@me",
        tokens["access_token"].as_str().unwrap(),
    )
    .await;
    let me: serde_json::Value = me.json().await.unwrap();
    assert_eq!(me["id"], ADA.as_str());

    let unknown = MockDiscord::builder().auto_approve("nobody").spawn().await;
    assert!(unknown.is_err());
}

#[tokio::test]
async fn discords_alias_paths_serve_the_same_page() {
    let mock = mock().await;
    for path in ["/api/oauth2/authorize", "/api/v10/oauth2/authorize"] {
        let url = authorize_url(&mock, &[]).replace("/oauth2/authorize", path);
        assert_eq!(get(&url).await.status(), StatusCode::OK, "{path}");
    }
}
