//! Stage 3 against a provider nobody here wrote: `oidc-provider`, OpenID
//! Certified, as its GOOGLE_ISSUER (interop/op.mjs). Both run as their own
//! processes on loopback; a browser over HTTP drives the provider's own
//! login and consent pages. Its client secret holds `+`, `/` and `=`,
//! which HTTP Basic carries form-encoded (RFC 6749 §2.3.1) at the token
//! and the revocation endpoints alike.

mod support;

use common::testing::http_browser::{HttpBrowser, Page};
use common::testing::outside::NodeScript;
use common::testing::processes::ChildProcess;
use common::testing::{free_port, query_param};
use std::time::Duration;
use url::Url;

const CLIENT_SECRET: &str = "a+secret/with=signs";

/// The provider and the stage, each in its own process.
struct Setup {
    provider: NodeScript,
    _discord: mock_discord::MockHandle,
    issuer: String,
    _stage: ChildProcess,
    base: String,
}

async fn setup() -> Setup {
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let redirect = format!("{base}/auth/google");
    let provider_port = free_port().to_string();
    let (provider, issuer) =
        NodeScript::serve("op.mjs", &[&provider_port, &redirect, CLIENT_SECRET]).await;
    // Discord is the mock, in this process: stage 3 logs in with both.
    let discord = mock_discord::MockDiscord::builder().spawn().await.unwrap();
    discord.register_redirect_uri(&format!("{base}/auth/discord"));
    let database = std::env::temp_dir().join(format!("certified_provider_{port}.db"));
    let google = support::GoogleClient {
        issuer: &issuer,
        client_id: "stage-3",
        client_secret: CLIENT_SECRET,
    };
    let stage = support::stage_process(
        port,
        &format!("sqlite://{}", database.display()),
        &discord,
        google,
        "a-session-secret-for-this-test-0123456789abcdef",
    )
    .await;
    Setup {
        provider,
        _discord: discord,
        issuer,
        _stage: stage,
        base,
    }
}

impl Setup {
    /// How many requests reached the provider's token endpoint.
    fn token_requests(&self) -> usize {
        self.provider.count("token_request")
    }

    /// `/login/google`, then the provider's login page (as `login`) and
    /// consent page, up to the redirect back to the stage: its callback
    /// URL, not yet followed.
    async fn sign_in(&self, browser: &mut HttpBrowser, login: &str) -> Url {
        let start = browser.get(&format!("{}/login/google", self.base)).await;
        let to_stage = |url: &Url| url.as_str().starts_with(&self.base);
        let mut page = browser.follow(start, to_stage).await;
        for _ in 0..4 {
            if let Some(callback) = page.location().filter(to_stage) {
                return callback;
            }
            let form = page.form().unwrap_or_else(|| panic!("no form: {page:?}"));
            let answer = if page.has_input("login") {
                browser
                    .submit(&form, &[("login", login), ("password", "any")])
                    .await
            } else {
                browser.submit(&form, &[]).await
            };
            page = browser.follow(answer, to_stage).await;
        }
        panic!("no way back to the stage: {page:?}");
    }

    async fn me(&self, browser: &mut HttpBrowser) -> Page {
        browser.get(&format!("{}/users/me", self.base)).await
    }
}

fn json(page: &Page) -> serde_json::Value {
    serde_json::from_str(&page.body).unwrap_or_else(|_| panic!("not JSON: {page:?}"))
}

/// A login whose name and e-mail come from userinfo (oidc-provider keeps
/// them out of the ID token), a refresh when its 63-second access token
/// is within the stage's 60-second margin, and a logout that the provider
/// sees as a revoked grant.
#[tokio::test]
async fn logs_in_refreshes_and_revokes_at_an_openid_certified_provider() {
    let setup = setup().await;
    let mut browser = HttpBrowser::new();
    let callback = setup.sign_in(&mut browser, "alice").await;
    assert_eq!(
        query_param(callback.as_str(), "iss"),
        Some(setup.issuer.clone()),
    );
    let logged_in = browser.get(callback.as_str()).await;
    assert_eq!(logged_in.status, 303, "{logged_in:?}");
    let me = setup.me(&mut browser).await;
    assert_eq!(me.status, 200, "{me:?}");
    let profile = &json(&me)["identities"][0]["profile"];
    assert_eq!(profile["sub"], "alice", "{profile}");
    assert_eq!(profile["name"], "Alice Liddell", "from userinfo: {profile}");
    assert_eq!(
        profile["email"], "alice@example.org",
        "from userinfo: {profile}"
    );
    assert_eq!(profile["email_verified"], true, "{profile}");
    assert_eq!(setup.token_requests(), 1, "the code's exchange");

    // 63 s tokens, refreshed 60 s before they expire: due in 3 s.
    tokio::time::sleep(Duration::from_millis(3500)).await;
    assert_eq!(setup.me(&mut browser).await.status, 200);
    assert_eq!(setup.token_requests(), 2, "one refresh");
    assert_eq!(setup.me(&mut browser).await.status, 200);
    assert_eq!(setup.token_requests(), 2, "the refreshed token is used");

    assert_eq!(setup.provider.count("grant.revoked"), 0);
    let logout = Url::parse(&format!("{}/logout", setup.base)).unwrap();
    let out = browser.post_form(&logout, &[]).await;
    assert_eq!(out.status, 303, "{out:?}");
    assert_eq!(
        setup.provider.count("grant.revoked"),
        1,
        "the provider's own event: {:?}",
        setup.provider.events()
    );
    assert_eq!(setup.provider.count("revocation.error"), 0);
    assert_eq!(setup.me(&mut browser).await.status, 401);
}

/// `url` with its query parameter `name` set to `value`, or removed.
fn with_param(url: &Url, name: &str, value: Option<&str>) -> Url {
    let mut changed = url.clone();
    let kept: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(k, _)| k != name)
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    changed.query_pairs_mut().clear().extend_pairs(kept);
    if let Some(value) = value {
        changed.query_pairs_mut().append_pair(name, value);
    }
    changed
}

/// The provider promises `iss` in its discovery (RFC 9207): a callback
/// without it, one with another issuer's, one delivered to Discord's path
/// (the mix-up) and a replayed one are refused, before any request to the
/// provider's token endpoint.
#[tokio::test]
async fn the_stage_refuses_what_the_provider_did_not_say() {
    let setup = setup().await;
    let mut browser = HttpBrowser::new();
    type Tamper = fn(&Url) -> Url;
    let tampered: [(&str, Tamper); 3] = [
        ("no iss", |url| with_param(url, "iss", None)),
        ("a wrong iss", |url| {
            with_param(url, "iss", Some("http://127.0.0.1:1"))
        }),
        ("the mix-up", |url| {
            let mut mixed = url.clone();
            mixed.set_path("/auth/discord");
            mixed
        }),
    ];
    for (what, tamper) in tampered {
        let callback = setup.sign_in(&mut browser, "alice").await;
        let refused = browser.get(tamper(&callback).as_str()).await;
        assert_eq!(refused.status, 400, "{what}: {refused:?}");
        assert_eq!(setup.token_requests(), 0, "{what}: a token request");
    }

    let callback = setup.sign_in(&mut browser, "alice").await;
    assert_eq!(browser.get(callback.as_str()).await.status, 303);
    assert_eq!(setup.token_requests(), 1);
    let replayed = browser.get(callback.as_str()).await;
    assert_eq!(replayed.status, 400, "the replay: {replayed:?}");
    assert_eq!(setup.token_requests(), 1, "the replay: a token request");
}
