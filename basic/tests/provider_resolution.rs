//! With real credentials, the endpoints are discord.com's; with none, the
//! embedded mock's. No network: nothing is contacted.

use common::config::Config;
use std::collections::HashMap;

fn config(vars: &[(&str, &str)]) -> Config {
    let vars: HashMap<String, String> = vars
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    Config::from_lookup(|name| vars.get(name).cloned()).unwrap()
}

#[tokio::test]
async fn real_credentials_resolve_to_discord_com() {
    let config = config(&[
        ("DISCORD_CLIENT_ID", "1234567890"),
        ("DISCORD_CLIENT_SECRET", "a-real-secret"),
        ("SESSION_SECRET", "0123456789abcdef0123456789abcdef"),
    ]);
    let (provider, mock) = common::stage::provider_for(&config, "http://127.0.0.1:5000/auth", None)
        .await
        .unwrap();
    assert!(mock.is_none(), "no mock with real credentials");
    // The endpoint paths are Provider::discord's (unit-tested in common);
    // what matters here is that every one of them is on discord.com.
    assert_eq!(provider.issuer, "https://discord.com");
    for endpoint in [
        provider.authorize_url.as_str(),
        provider.token_url.as_str(),
        provider.revoke_url.as_str(),
        provider.api_base.as_str(),
    ] {
        assert!(endpoint.starts_with("https://discord.com/"), "{endpoint}");
    }
    assert_eq!(provider.client_id, "1234567890");
    assert!(!format!("{provider:?}").contains("a-real-secret"));

    let app = common::App::new(
        provider,
        "http://127.0.0.1:5000/auth",
        common::CookieKeys::random().unwrap(),
        common::CookiePolicy { secure: false },
        common::Upstream::new().unwrap(),
    )
    .unwrap();
    let shown = format!("{app:?}");
    assert!(
        !shown.contains("a-real-secret"),
        "the app's Debug output leaks the secret"
    );
    let (url, transaction) = basic::login::begin(&app);
    let shown = format!("{transaction:?}");
    assert!(!shown.contains(&transaction.pkce_verifier) && !shown.contains(&transaction.state));
    assert!(
        url.as_str()
            .starts_with("https://discord.com/oauth2/authorize?"),
        "{url}"
    );
}

#[tokio::test]
async fn no_credentials_start_the_mock_with_our_callback_registered() {
    let config = config(&[]);
    let (provider, mock) = common::stage::provider_for(&config, "http://127.0.0.1:5000/auth", None)
        .await
        .unwrap();
    let mock = mock.expect("offline mode starts the mock");
    assert_eq!(provider.issuer, mock.base_url());
    assert_eq!(provider.client_id, "mock-client-id");
    assert!(mock
        .client()
        .redirect_uris
        .contains(&"http://127.0.0.1:5000/auth".to_string()));
}
