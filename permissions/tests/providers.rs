//! Two providers: Discord (OAuth2) and Google (OpenID Connect), each with
//! its own login and callback path. The mix-up matrix, the ID-token matrix
//! through the stage, the e-mail collision, and both providers' refresh and
//! revocation. On SQLite and PostgreSQL.

mod support;

use common::testing::{location, path_and_query, query_param};
use mock_discord::{submit_consent, Consent, Endpoint, Fault, FaultRule, IdTokenSpoil};
use std::time::Duration;
use support::*;

fn token_requests(mock: &mock_discord::MockHandle) -> usize {
    mock.requests_to("/api/oauth2/token").len() + mock.requests_to("/google/token").len()
}

async fn the_login_page_lists_the_providers_and_unknown_ones_are_404(backend: Backend) {
    let mock = mock().await;
    let (_, db) = database(backend).await;
    let state = state_with_google(&mock, db).await;
    let mut browser = support::browser(stage(&state));
    let page = browser.get("/login").await;
    assert_eq!(page.status(), 200);
    let html = String::from_utf8_lossy(page.body()).to_string();
    for button in ["href=\"/login/discord\"", "href=\"/login/google\""] {
        assert!(html.contains(button), "{button} missing:\n{html}");
    }
    for path in ["/login/nope", "/auth/nope?code=x&state=y"] {
        let response = browser.get(path).await;
        assert_eq!(response.status(), 404, "{path}");
        assert!(detail(&response).contains("No provider named"));
    }
    let google = browser.get(LOGIN_GOOGLE).await;
    assert_eq!(google.status(), 303);
    let url = location(&google);
    assert!(
        url.starts_with(&format!("{}/o/oauth2/v2/auth", mock.google_issuer())),
        "{url}"
    );
    for part in ["nonce=", "code_challenge=", "scope=openid+email+profile"] {
        assert!(url.contains(part), "{part} missing from {url}");
    }
}

async fn a_google_login_makes_its_own_user_even_with_the_same_email(backend: Backend) {
    let mock = mock().await;
    let (_, db) = database(backend).await;
    let state = state_with_google(&mock, db).await;
    let discord_ada = logged_in_browser(stage(&state), &ADA).await;
    let mut google_ada = support::google_browser(stage(&state));
    let login = google_ada.login(GOOGLE_ADA).await;
    assert_eq!(login.status(), 303, "{}", detail(&login));
    assert_eq!(location(&login), "/users/me");

    let mut discord_ada = discord_ada;
    let from_discord = body_json(&discord_ada.get("/users/me").await);
    let from_google = body_json(&google_ada.get("/users/me").await);
    // The same address at two providers: two users, never merged.
    assert_ne!(from_discord["id"], from_google["id"]);
    assert_eq!(from_google["identities"][0]["provider"], "google");
    assert_eq!(from_google["identities"][0]["subject"], GOOGLE_ADA);
    assert_eq!(
        from_google["identities"][0]["profile"]["email"],
        "ada@example.com"
    );
    assert_eq!(
        from_google["permissions"],
        serde_json::json!([]),
        "Google's Ada is a new user"
    );
    assert_eq!(from_discord["identities"][0]["provider"], "discord");
    assert_eq!(
        texts(&state.db, "SELECT provider FROM sessions ORDER BY provider").await,
        ["discord", "google"]
    );
}

/// RFC 9700 §4.4: an answer on another provider's path, or naming another
/// issuer, is refused before any token request.
async fn the_mix_up_matrix(backend: Backend) {
    let mock = mock().await;
    let (_, db) = database(backend).await;
    let state = state_with_google(&mock, db).await;

    // 1. A Discord login whose answer (a Discord code) lands on Google's path.
    let mut browser = support::browser(stage(&state));
    let callback = browser
        .login_until_callback(&NELLY, Consent::Authorize)
        .await;
    let moved = callback.replacen("/auth/discord", "/auth/google", 1);
    let refused = browser.get(&moved).await;
    assert_refused(&refused, 400, "not started with Google");

    // 2. A Google login answered with Discord's issuer.
    let mut browser = support::google_browser(stage(&state));
    let callback = browser
        .login_until_callback(GOOGLE_ADA, Consent::Authorize)
        .await;
    let google_iss = format!("iss={}", urlencode(&mock.google_issuer()));
    assert!(callback.contains(&google_iss), "{callback}");
    let wrong_iss = callback.replacen(
        &google_iss,
        &format!("iss={}", urlencode(mock.base_url())),
        1,
    );
    let refused = browser.get(&wrong_iss).await;
    assert_refused(&refused, 400, "another issuer");

    // 3. A Google login whose answer lands on Discord's path.
    let mut browser = support::google_browser(stage(&state));
    let callback = browser
        .login_until_callback(GOOGLE_ADA, Consent::Authorize)
        .await;
    let moved = callback.replacen("/auth/google", "/auth/discord", 1);
    let refused = browser.get(&moved).await;
    assert_refused(&refused, 400, "not started with Discord");

    // The providers' journals: not one token request.
    assert_eq!(token_requests(&mock), 0, "no code was sent anywhere");
    assert!(texts(&state.db, "SELECT id_hash FROM sessions")
        .await
        .is_empty());
}

/// RFC 9207 §2.4: a provider whose discovery promises `iss` in every
/// answer (`authorization_response_iss_parameter_supported`, as an OpenID
/// Provider such as oidc-provider says) gets an answer without `iss`
/// refused, before any token request. One that promises nothing (Google's
/// published discovery today, and Discord) may leave it out.
async fn an_iss_promised_by_discovery_is_required(backend: Backend) {
    let mock = mock().await;
    for promised in [false, true] {
        let (_, db) = database(backend).await;
        let app = common::App::for_mock(&mock, REDIRECT);
        let mut google = google_of(&app, &mock).await;
        assert!(
            !google.promises_iss,
            "the mock's Google says what Google says"
        );
        google.promises_iss = promised;
        let settings = permissions::settings::Settings::default();
        let state = permissions::app::PermissionsApp::new(app, db, &settings, true, Some(google));
        let mut browser = support::google_browser(stage(&state));
        let callback = browser
            .login_until_callback(GOOGLE_ADA, Consent::Authorize)
            .await;
        let google_iss = format!("&iss={}", urlencode(&mock.google_issuer()));
        assert!(callback.contains(&google_iss), "{callback}");
        let without_iss = callback.replacen(&google_iss, "", 1);
        let tokens_before = token_requests(&mock);
        let answer = browser.get(&without_iss).await;
        if promised {
            assert_refused(&answer, 400, "has no iss");
            assert_eq!(
                token_requests(&mock),
                tokens_before,
                "refused before any token request"
            );
        } else {
            assert_eq!(answer.status(), 303, "{}", detail(&answer));
        }
    }
}

fn urlencode(value: &str) -> String {
    url::form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

/// Each check of the ID token, through the stage: 400, saying which, and
/// no session.
async fn the_id_token_matrix(backend: Backend) {
    let mock = mock().await;
    let (_, db) = database(backend).await;
    let state = state_with_google(&mock, db).await;
    for (how, words) in [
        (IdTokenSpoil::BadSignature, "signature"),
        (IdTokenSpoil::OtherAudience, "another application"),
        (IdTokenSpoil::Expired, "expired"),
        (IdTokenSpoil::WrongNonce, "nonce"),
        (IdTokenSpoil::NoNonce, "nonce"),
    ] {
        mock.inject_fault(FaultRule {
            endpoint: Endpoint::GoogleToken,
            times: 1,
            fault: Fault::SpoilIdToken { how },
        });
        let mut browser = support::google_browser(stage(&state));
        let response = browser.login(GOOGLE_ADA).await;
        assert_eq!(response.status(), 400, "{how:?}: {}", detail(&response));
        assert!(
            detail(&response).contains(words),
            "{how:?}: {}",
            detail(&response)
        );
        assert!(browser.cookie("session").is_none(), "{how:?}: no session");
    }
    assert!(texts(&state.db, "SELECT id_hash FROM sessions")
        .await
        .is_empty());
    assert!(texts(&state.db, "SELECT subject FROM identities")
        .await
        .is_empty());
}

/// Google gives a refresh token only at a user's first consent to offline
/// access (the stage asks for it): a second login of the same account gets
/// none. That session lives its access token's hour, no less (no refresh
/// is tried at the margin) and no more, and then says why it ended.
async fn a_google_login_without_a_refresh_token_ends_with_its_access_token(backend: Backend) {
    let mock = mock().await;
    let (_, db) = database(backend).await;
    let state = state_with_google(&mock, db).await;
    let mut first = support::google_browser(stage(&state));
    assert_eq!(first.login(GOOGLE_ADA).await.status(), 303);
    let mut second = support::google_browser(stage(&state));
    assert_eq!(second.login(GOOGLE_ADA).await.status(), 303);
    let asked = mock.requests_to("/google/o/oauth2/v2/auth");
    let authorizations = asked.iter().filter(|e| e.param("response_type").is_some());
    assert_eq!(authorizations.clone().count(), 2);
    for asked in authorizations {
        assert_eq!(asked.param("access_type"), Some("offline"));
    }
    let google_refreshes = || {
        mock.requests_to("/google/token")
            .iter()
            .filter(|e| e.param("grant_type") == Some("refresh_token"))
            .count()
    };

    // Used every 20 minutes (the idle timeout is 30), up to 30 s before
    // the access token's hour is out: inside the refresh margin.
    for minutes in [20, 20, 19] {
        mock.advance_clock(Duration::from_secs(minutes * 60));
        assert_eq!(first.get("/users/me").await.status(), 200);
        assert_eq!(second.get("/users/me").await.status(), 200);
    }
    mock.advance_clock(Duration::from_secs(30));
    assert_eq!(first.get("/users/me").await.status(), 200);
    assert_eq!(second.get("/users/me").await.status(), 200);
    assert_eq!(google_refreshes(), 1, "the first login's, and only that");

    mock.advance_clock(Duration::from_secs(40));
    let ended = second.get("/users/me").await;
    assert_refused(&ended, 401, "Google gave this login no refresh token");
    let cleared = ended.headers()[http::header::SET_COOKIE].to_str().unwrap();
    assert!(cleared.contains("Max-Age=0"), "{cleared}");
    assert_eq!(first.get("/users/me").await.status(), 200);
    assert_eq!(google_refreshes(), 1);
}

/// Refresh and logout go to the provider that issued the tokens.
async fn each_provider_refreshes_and_revokes_its_own_tokens(backend: Backend) {
    let mock = mock().await;
    let (_, db) = database(backend).await;
    let state = state_with_google(&mock, db).await;
    let mut discord = logged_in_browser(stage(&state), &GRACE).await;
    let mut google = support::google_browser(stage(&state));
    assert_eq!(google.login(GOOGLE_ADA).await.status(), 303);

    // Google's access token lives an hour: used every 20 minutes (the idle
    // timeout is 30), the session reaches its expiry, and the request
    // refreshes it at Google, which answers without a new refresh token.
    for _ in 0..3 {
        mock.advance_clock(Duration::from_secs(20 * 60));
        assert_eq!(google.get("/users/me").await.status(), 200);
        assert_eq!(discord.get("/users/me").await.status(), 200);
    }
    let google_refreshes = mock
        .requests_to("/google/token")
        .iter()
        .filter(|e| e.param("grant_type") == Some("refresh_token"))
        .count();
    assert_eq!(google_refreshes, 1);
    for _ in 0..3 {
        mock.advance_clock(Duration::from_secs(20 * 60));
        assert_eq!(
            google.get("/users/me").await.status(),
            200,
            "the kept refresh token works again"
        );
        assert_eq!(discord.get("/users/me").await.status(), 200);
    }
    let google_refreshes = mock
        .requests_to("/google/token")
        .iter()
        .filter(|e| e.param("grant_type") == Some("refresh_token"))
        .count();
    assert_eq!(google_refreshes, 2);
    // Discord's week-long token was never due.
    assert_eq!(
        mock.requests_to("/api/oauth2/token").len(),
        1,
        "Discord's code exchange only"
    );

    for browser in [&mut discord, &mut google] {
        let out = browser.request("POST", "/logout", &[]).await;
        assert_eq!(out.status(), 303);
    }
    assert_eq!(
        mock.requests_to("/api/oauth2/token/revoke").len(),
        1,
        "Discord's"
    );
    assert_eq!(mock.requests_to("/google/revoke").len(), 1, "Google's");
    assert!(mock.requests_to("/google/revoke")[0].status == 200);
}

/// The account chooser is Google's own page; a cancelled Google login is
/// a 403 on Google's callback, with no token request.
async fn a_cancelled_google_login_is_403(backend: Backend) {
    let mock = mock().await;
    let (_, db) = database(backend).await;
    let state = state_with_google(&mock, db).await;
    let mut browser = support::google_browser(stage(&state));
    let login = browser.get(LOGIN_GOOGLE).await;
    let callback = submit_consent(&location(&login), GOOGLE_ADA, Consent::Cancel)
        .await
        .unwrap();
    assert_eq!(
        query_param(&callback, "error").as_deref(),
        Some("access_denied")
    );
    let response = browser.get(&path_and_query(&callback)).await;
    assert_refused(&response, 403, "Google");
    assert_eq!(token_requests(&mock), 0);
}

/// Alan's Google account, not yet anyone's.
const GOOGLE_ALAN: &str = "117390284017345821903";

/// `POST /link/google` from a logged-in browser, then Google's chooser as
/// `sub`: the callback's answer.
async fn link_google<F: common::testing::StageRoutes>(
    browser: &mut common::testing::Browser<F>,
    sub: &str,
) -> http::Response<bytes::Bytes> {
    let start = browser.request("POST", "/link/google", &[]).await;
    assert_eq!(start.status(), 303, "{}", detail(&start));
    let callback = submit_consent(&location(&start), sub, Consent::Authorize)
        .await
        .unwrap();
    browser.get(&path_and_query(&callback)).await
}

async fn linking_adds_an_identity_and_never_moves_one(backend: Backend) {
    let mock = mock().await;
    let (_, db) = database(backend).await;
    let state = state_with_google(&mock, db).await;
    let mut nelly = logged_in_browser(stage(&state), &NELLY).await;
    let nelly_id = body_json(&nelly.get("/users/me").await)["id"].clone();
    let home = String::from_utf8_lossy(nelly.get("/").await.body()).to_string();
    assert!(home.contains("id=\"link-google\""), "{home}");

    // Nelly links Alan's Google account: one user, two identities.
    let linked = link_google(&mut nelly, GOOGLE_ALAN).await;
    assert_eq!(linked.status(), 303, "{}", detail(&linked));
    assert_eq!(location(&linked), "/");
    let me = body_json(&nelly.get("/users/me").await);
    let providers: Vec<&str> = me["identities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["provider"].as_str().unwrap())
        .collect();
    assert_eq!(providers.len(), 2, "{me}");
    assert!(providers.contains(&"google") && providers.contains(&"discord"));
    // The link's own tokens are revoked at once: it needed the login only.
    assert_eq!(mock.requests_to("/google/revoke").len(), 1);

    // Logging in with Google now is logging in as Nelly.
    let mut google = support::google_browser(stage(&state));
    assert_eq!(google.login(GOOGLE_ALAN).await.status(), 303);
    assert_eq!(body_json(&google.get("/users/me").await)["id"], nelly_id);

    // Google's Ada has a user of her own; Nelly cannot take that identity.
    let mut ada = support::google_browser(stage(&state));
    assert_eq!(ada.login(GOOGLE_ADA).await.status(), 303);
    let ada_id = body_json(&ada.get("/users/me").await)["id"].clone();
    let mut grace = logged_in_browser(stage(&state), &GRACE).await;
    let refused = link_google(&mut grace, GOOGLE_ADA).await;
    assert_refused(&refused, 409, "already linked to another user");
    assert_eq!(
        body_json(&ada.get("/users/me").await)["id"],
        ada_id,
        "not moved"
    );
    let grace_me = body_json(&grace.get("/users/me").await);
    assert_eq!(grace_me["identities"].as_array().unwrap().len(), 1);

    // Another site cannot start a link.
    let foreign = nelly
        .request("POST", "/link/google", &[("sec-fetch-site", "cross-site")])
        .await;
    assert_eq!(foreign.status(), 403);
    // Nobody logged in: 401.
    let mut anonymous = support::browser(stage(&state));
    assert_eq!(
        anonymous
            .request("POST", "/link/google", &[])
            .await
            .status(),
        401
    );
}

/// Google's subject is Google's to choose; one with `/`, `?`, `#`, `%`
/// and a non-ASCII letter must still be unlinkable from the home page.
const ODD_SUB: &str = "odd/sub?x#y%z-é";

async fn unlinking_keeps_the_last_identity(backend: Backend) {
    let mut config = mock_discord::MockConfig::default();
    config.google_users.push(mock_discord::config::GoogleUser {
        sub: ODD_SUB.into(),
        name: "Odd".into(),
        email: "odd@example.com".into(),
        email_verified: true,
        picture: None,
    });
    let mock = mock_discord::MockDiscord::builder()
        .seed(11)
        .config(config)
        .spawn()
        .await
        .unwrap();
    let (_, db) = database(backend).await;
    let state = state_with_google(&mock, db).await;
    // Grace has logged in: her identity exists, and is not Nelly's to take.
    let mut grace = logged_in_browser(stage(&state), &GRACE).await;
    let mut nelly = logged_in_browser(stage(&state), &NELLY).await;
    assert_eq!(link_google(&mut nelly, ODD_SUB).await.status(), 303);

    let someone_elses = nelly
        .request(
            "POST",
            &format!("/identities/discord/{}/unlink", &*GRACE),
            &[],
        )
        .await;
    assert_eq!(someone_elses.status(), 404);
    let graces = body_json(&grace.get("/users/me").await);
    assert_eq!(
        graces["identities"].as_array().unwrap().len(),
        1,
        "{graces}"
    );

    // The home page's own form, as a browser would post it.
    let home = String::from_utf8_lossy(nelly.get("/").await.body()).to_string();
    let action = home
        .split("action=\"")
        .map(|rest| rest.split('"').next().unwrap_or_default())
        .find(|action| action.starts_with("/identities/google/"))
        .expect("an unlink form for the Google identity")
        .replace("&#x2f;", "/")
        .replace("&#37;", "%");
    assert!(!action.contains(['?', '#']), "{action}");
    let unlinked = nelly.request("POST", &action, &[]).await;
    assert_eq!(unlinked.status(), 303, "{action}: {}", detail(&unlinked));
    let last = nelly
        .request(
            "POST",
            &format!("/identities/discord/{}/unlink", &*NELLY),
            &[],
        )
        .await;
    assert_eq!(last.status(), 409);
    assert!(detail(&last).contains("only identity"), "{}", detail(&last));
    let me = body_json(&nelly.get("/users/me").await);
    assert_eq!(me["identities"].as_array().unwrap().len(), 1);
    assert_eq!(me["identities"][0]["provider"], "discord");

    // The Google account, unlinked, is a stranger again: a new user.
    let mut google = support::google_browser(stage(&state));
    assert_eq!(google.login(ODD_SUB).await.status(), 303);
    assert_ne!(body_json(&google.get("/users/me").await)["id"], me["id"]);
}

/// A session held for a moment (a copied cookie, a laptop left open)
/// cannot link its holder's account: linking needs a login of the last
/// ten minutes.
async fn linking_needs_a_recent_login(backend: Backend) {
    let mock = mock().await;
    let (_, db) = database(backend).await;
    let state = state_with_google(&mock, db).await;
    let mut nelly = logged_in_browser(stage(&state), &NELLY).await;
    mock.advance_clock(Duration::from_secs(11 * 60));
    let refused = nelly.request("POST", "/link/google", &[]).await;
    assert_eq!(refused.status(), 403);
    assert!(
        detail(&refused).contains("recent login"),
        "{}",
        detail(&refused)
    );
    nelly.login(&NELLY).await;
    assert_eq!(link_google(&mut nelly, GOOGLE_ALAN).await.status(), 303);
}

/// Unlinking a compromised identity ends the sessions it opened (revoked
/// at its provider), and only those.
async fn unlinking_ends_the_sessions_the_identity_opened(backend: Backend) {
    let mock = mock().await;
    let (_, db) = database(backend).await;
    let state = state_with_google(&mock, db).await;
    let mut nelly = logged_in_browser(stage(&state), &NELLY).await;
    assert_eq!(link_google(&mut nelly, GOOGLE_ALAN).await.status(), 303);
    let mut by_google = support::google_browser(stage(&state));
    assert_eq!(by_google.login(GOOGLE_ALAN).await.status(), 303);
    assert_eq!(by_google.get("/users/me").await.status(), 200);
    let revoked_before = mock.requests_to("/google/revoke").len();

    let unlinked = nelly
        .request(
            "POST",
            &format!("/identities/google/{GOOGLE_ALAN}/unlink"),
            &[],
        )
        .await;
    assert_eq!(unlinked.status(), 303, "{}", detail(&unlinked));
    assert_eq!(by_google.get("/users/me").await.status(), 401);
    assert_eq!(
        nelly.get("/users/me").await.status(),
        200,
        "Discord's session stays"
    );
    assert_eq!(mock.requests_to("/google/revoke").len(), revoked_before + 1);
}

on_both_databases!(
    linking_needs_a_recent_login,
    unlinking_ends_the_sessions_the_identity_opened,
    linking_adds_an_identity_and_never_moves_one,
    unlinking_keeps_the_last_identity,
    the_login_page_lists_the_providers_and_unknown_ones_are_404,
    a_google_login_makes_its_own_user_even_with_the_same_email,
    the_mix_up_matrix,
    the_id_token_matrix,
    each_provider_refreshes_and_revokes_its_own_tokens,
    a_google_login_without_a_refresh_token_ends_with_its_access_token,
    a_cancelled_google_login_is_403,
    an_iss_promised_by_discovery_is_required,
);
