//! Every answer of the mock carries `nosniff`; every page (the consent
//! page, its error pages, the inspector) a CSP that refuses framing,
//! `X-Frame-Options` and `Referrer-Policy`.

mod support;

use common_headers::missing;
use support::*;

mod common_headers {
    /// The same rule as `common::testing::missing_security_headers`, which
    /// the mock cannot depend on (common depends on it).
    pub fn missing(response: &reqwest::Response) -> Vec<&'static str> {
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_string()
        };
        let mut missing = Vec::new();
        if header("x-content-type-options") != "nosniff" {
            missing.push("nosniff");
        }
        if header("content-type").starts_with("text/html") {
            if !header("content-security-policy").contains("frame-ancestors 'none'") {
                missing.push("CSP frame-ancestors");
            }
            if header("x-frame-options") != "DENY" {
                missing.push("X-Frame-Options");
            }
            if header("referrer-policy") != "no-referrer" {
                missing.push("Referrer-Policy");
            }
        }
        missing
    }
}

#[tokio::test]
async fn every_answer_carries_the_security_headers() {
    let mock = mock().await;
    let base = mock.base_url();
    let client = http();
    let urls = [
        authorize_url(&mock, &[]),
        authorize_url(&mock, &[("client_id", "unknown")]),
        format!("{base}/__mock"),
        format!("{base}/__mock/requests"),
        format!("{base}/api/v10/users/@me"),
        format!("{base}/.well-known/oauth-authorization-server"),
        format!("{base}/nope"),
    ];
    for url in urls {
        let response = client.get(&url).send().await.unwrap();
        let missing = missing(&response);
        assert!(missing.is_empty(), "{url} lacks {missing:?}");
    }
    let token = client
        .post(format!("{base}/api/oauth2/token"))
        .form(&[("grant_type", "authorization_code")])
        .send()
        .await
        .unwrap();
    assert!(
        missing(&token).is_empty(),
        "the token endpoint lacks {:?}",
        missing(&token)
    );
}
