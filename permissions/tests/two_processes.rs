//! Two processes of the stage, one database, one SESSION_SECRET: what a
//! deployment behind a load balancer looks like. Log in on A, use the
//! cookie on B, log out on B, and the cookie is dead on A.

mod support;

use common::testing::free_port;
use common::testing::processes::{log_in_over_http, ChildProcess};
use mock_discord::{MockDiscord, MockHandle};
use reqwest::header::COOKIE;
use support::*;

/// A stage process, killed when dropped, and where it listens.
struct Instance {
    _process: ChildProcess,
    base: String,
}

async fn instance(mock: &MockHandle, database_url: &str) -> Instance {
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    mock.register_redirect_uri(&format!("{base}/auth/discord"));
    mock.register_google_redirect_uri(&format!("{base}/auth/google"));
    let google = mock.google_client().unwrap();
    let process = stage_process(
        port,
        database_url,
        mock,
        GoogleClient {
            issuer: &mock.google_issuer(),
            client_id: &google.client_id,
            client_secret: &google.client_secret,
        },
        "the-same-secret-on-every-instance-0123456789",
    )
    .await;
    Instance {
        _process: process,
        base,
    }
}

async fn status(at: &Instance, method: &str, path: &str, cookie: &str) -> u16 {
    let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .request(method, format!("{}{path}", at.base))
        .header(COOKIE, cookie)
        .header("sec-fetch-site", "same-origin")
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

async fn a_logout_on_one_instance_ends_the_session_on_the_other(backend: Backend) {
    let mock = MockDiscord::builder().spawn().await.unwrap();
    let (url, _) = database(backend).await;
    let a = instance(&mock, &url).await;
    let b = instance(&mock, &url).await;

    let cookie = log_in_over_http(&a.base, &GRACE).await;
    assert!(cookie.starts_with("session="), "{cookie}");
    assert_eq!(status(&a, "GET", "/users/me", &cookie).await, 200);
    assert_eq!(
        status(&b, "GET", "/users/me", &cookie).await,
        200,
        "B knows A's session"
    );
    assert_eq!(status(&b, "POST", "/logout", &cookie).await, 303);
    assert_eq!(
        status(&a, "GET", "/users/me", &cookie).await,
        401,
        "and A knows it ended"
    );
    assert_eq!(status(&b, "GET", "/users/me", &cookie).await, 401);
}

on_both_databases!(a_logout_on_one_instance_ends_the_session_on_the_other);
