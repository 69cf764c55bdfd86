//! Two processes of the stage, one database, one SESSION_SECRET: what a
//! deployment behind a load balancer looks like. Log in on A, use the
//! cookie on B, log out on B, and the cookie is dead on A.

mod support;

use common::testing::{free_port, wait_until_listening};
use mock_discord::{submit_consent, Decision, MockDiscord, MockHandle};
use reqwest::header::{COOKIE, LOCATION, SET_COOKIE};
use std::process::{Child, Command, Stdio};
use support::*;

/// A stage process, killed when dropped.
struct Instance {
    child: Child,
    base: String,
}

impl Drop for Instance {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn instance(mock: &MockHandle, database_url: &str) -> Instance {
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    mock.register_redirect_uri(&format!("{base}/auth"));
    let client = mock.client();
    let child = Command::new(env!("CARGO_BIN_EXE_permissions"))
        .env("PORT", port.to_string())
        .env("HOST", "127.0.0.1")
        .env("DATABASE_URL", database_url)
        .env("DISCORD_BASE_URL", mock.base_url())
        .env("DISCORD_CLIENT_ID", &client.client_id)
        .env("DISCORD_CLIENT_SECRET", &client.client_secret)
        .env(
            "SESSION_SECRET",
            "the-same-secret-on-every-instance-0123456789",
        )
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    wait_until_listening(port).await;
    Instance { child, base }
}

fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

fn first_cookie(response: &reqwest::Response) -> String {
    let set = response.headers()[SET_COOKIE].to_str().unwrap();
    set.split(';').next().unwrap().to_string()
}

/// A login on `at`, as a browser does it: returns the session cookie.
async fn log_in(at: &Instance, user: &str) -> String {
    let http = http();
    let login = http.get(format!("{}/login", at.base)).send().await.unwrap();
    let transaction = first_cookie(&login);
    let authorize = login.headers()[LOCATION].to_str().unwrap().to_string();
    let callback = submit_consent(&authorize, user, Decision::Authorize)
        .await
        .unwrap();
    let auth = http
        .get(&callback)
        .header(COOKIE, transaction)
        .send()
        .await
        .unwrap();
    assert_eq!(auth.status(), 303);
    first_cookie(&auth)
}

async fn status(at: &Instance, method: &str, path: &str, cookie: &str) -> u16 {
    let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
    http()
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

    let cookie = log_in(&a, &GRACE).await;
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
