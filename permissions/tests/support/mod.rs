//! Helpers shared by the permissions tests: a fresh database of either
//! kind per test, the stage against a mock, and the default users.
#![allow(dead_code)]

use bytes::Bytes;
use common::testing::{Browser, StageRoutes};
use common::App;
use mock_discord::config::default_user_id;
use mock_discord::{MockDiscord, MockHandle};
use permissions::app::PermissionsApp;
use permissions::db::Db;
use permissions::settings::Settings;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, LazyLock};

pub const REDIRECT: &str = "http://127.0.0.1:5000/auth/discord";
/// Where stage 3's logins start: one path per provider.
pub const LOGIN_DISCORD: &str = "/login/discord";
pub const LOGIN_GOOGLE: &str = "/login/google";
pub static NELLY: LazyLock<String> = LazyLock::new(|| default_user_id("nelly"));
pub static ADA: LazyLock<String> = LazyLock::new(|| default_user_id("ada.lovelace"));
pub static GRACE: LazyLock<String> = LazyLock::new(|| default_user_id("grace_h"));
/// Ada's Google account at the mock: her e-mail is her Discord account's.
pub const GOOGLE_ADA: &str = "110248495921238986420";

/// Where the PostgreSQL tests find their server: `./test.sh` starts a
/// private one and sets this.
pub const POSTGRES_VARIABLE: &str = "PERMISSIONS_TEST_POSTGRES";

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Each test its own database: `(url, db)`.
pub async fn database(backend: Backend) -> (String, Db) {
    let url = empty_database(backend).await;
    let db = Db::connect(&url).await.expect("the database opens");
    (url, db)
}

/// A new database with no schema yet: its URL.
pub async fn empty_database(backend: Backend) -> String {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let name = format!("permissions_test_{}_{n}", std::process::id());
    let url = match backend {
        Backend::Sqlite => {
            let path = std::env::temp_dir().join(format!("{name}.db"));
            let _ = std::fs::remove_file(&path);
            format!("sqlite://{}", path.display())
        }
        Backend::Postgres => {
            let server = std::env::var(POSTGRES_VARIABLE).unwrap_or_else(|_| {
                panic!(
                    "the PostgreSQL tests need a server: run ./test.sh, which starts one, \
                     or set {POSTGRES_VARIABLE}=postgres://user@127.0.0.1:PORT/postgres"
                )
            });
            sqlx::any::install_default_drivers();
            let admin = sqlx::AnyPool::connect(&server)
                .await
                .expect("the test server");
            // The name is ours (a process id and a counter): no input in it.
            sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
                .execute(&admin)
                .await
                .expect("a test database");
            admin.close().await;
            let base = server
                .rsplit_once('/')
                .map(|(base, _)| base)
                .unwrap_or(&server);
            format!("{base}/{name}")
        }
    };
    url
}

pub async fn mock() -> MockHandle {
    MockDiscord::builder().seed(11).spawn().await.unwrap()
}

/// The stage's state against `mock` (sharing its clock) on `db`, offline:
/// Ada and Grace start with permissions.
pub fn state(mock: &MockHandle, db: Db) -> Arc<PermissionsApp> {
    state_with(mock, db, &Settings::default())
}

/// [`state`], with other timeouts.
pub fn state_with(mock: &MockHandle, db: Db, settings: &Settings) -> Arc<PermissionsApp> {
    PermissionsApp::new(App::for_mock(mock, REDIRECT), db, settings, true, None)
}

/// [`state`], with Google too (the mock's Google personality, discovered).
pub async fn state_with_google(mock: &MockHandle, db: Db) -> Arc<PermissionsApp> {
    google_state_of(App::for_mock(mock, REDIRECT), mock, db).await
}

/// [`state_with_google`], for an `app` made for `mock` and then changed.
pub async fn google_state_of(app: App, mock: &MockHandle, db: Db) -> Arc<PermissionsApp> {
    let google = google_of(&app, mock).await;
    PermissionsApp::new(app, db, &Settings::default(), true, Some(google))
}

/// The mock's Google personality, discovered as the stage does at start.
pub async fn google_of(app: &App, mock: &MockHandle) -> permissions::google::Google {
    let client = mock.google_client().expect("the mock's Google client");
    permissions::google::Google::discover(
        &mock.google_issuer(),
        client.client_id,
        secrecy::SecretString::from(client.client_secret),
        "http://127.0.0.1:5000/auth/google",
        app.upstream.clone(),
    )
    .await
    .expect("the mock's Google is discovered")
}

/// A browser whose logins start at Discord's `/login/discord`.
pub fn browser<F: StageRoutes>(routes: F) -> Browser<F> {
    Browser::new(routes).logging_in_at(LOGIN_DISCORD)
}

/// A browser whose logins start at Google's `/login/google`.
pub fn google_browser<F: StageRoutes>(routes: F) -> Browser<F> {
    Browser::new(routes).logging_in_at(LOGIN_GOOGLE)
}

/// A browser logged in with Discord as `user`.
pub async fn logged_in_browser<F: StageRoutes>(routes: F, user: &str) -> Browser<F> {
    common::testing::logged_in_browser_at(routes, LOGIN_DISCORD, user).await
}

/// How many refresh-token grants the mock has seen.
pub fn refreshes(mock: &MockHandle) -> usize {
    mock.requests_to("/api/oauth2/token")
        .iter()
        .filter(|e| e.param("grant_type") == Some("refresh_token"))
        .count()
}

/// One text column of every row a query returns.
pub async fn texts(db: &Db, sql: &'static str) -> Vec<String> {
    use sqlx::Row;
    sqlx::query(sql)
        .fetch_all(&db.pool)
        .await
        .unwrap()
        .iter()
        .map(|row| row.get::<String, _>(0))
        .collect()
}

pub fn stage(state: &Arc<PermissionsApp>) -> impl StageRoutes {
    permissions::routes(state.clone())
}

pub fn body_json(response: &http::Response<Bytes>) -> serde_json::Value {
    serde_json::from_slice(response.body()).unwrap_or(serde_json::Value::Null)
}

pub fn detail(response: &http::Response<Bytes>) -> String {
    body_json(response)["detail"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

/// A refusal: `status`, and a `detail` that says `words`.
pub fn assert_refused(response: &http::Response<Bytes>, status: u16, words: &str) {
    assert_eq!(response.status(), status, "{}", detail(response));
    assert!(detail(response).contains(words), "{}", detail(response));
}

pub const SAME_ORIGIN: &[(&str, &str)] = &[("sec-fetch-site", "same-origin")];

/// Runs each named `async fn(Backend)` as two tests, one per database:
/// `sqlite::name` and `postgres::name`.
#[macro_export]
macro_rules! on_both_databases {
    ($($test:ident),* $(,)?) => {
        mod sqlite {
            $(#[tokio::test]
            async fn $test() {
                super::$test($crate::support::Backend::Sqlite).await
            })*
        }
        mod postgres {
            $(#[tokio::test]
            async fn $test() {
                super::$test($crate::support::Backend::Postgres).await
            })*
        }
    };
}

/// Google's side of a stage process: its issuer and the stage's client.
pub struct GoogleClient<'a> {
    pub issuer: &'a str,
    pub client_id: &'a str,
    pub client_secret: &'a str,
}

/// The stage's binary as its own process on `port`, on `database_url`,
/// logging in with `discord` (the mock) and `google`; returned once it
/// listens, killed when dropped. Every process of a test given the same
/// `session_secret` reads the others' cookies.
pub async fn stage_process(
    port: u16,
    database_url: &str,
    discord: &MockHandle,
    google: GoogleClient<'_>,
    session_secret: &str,
) -> common::testing::processes::ChildProcess {
    let client = discord.client();
    let process = common::testing::processes::ChildProcess::spawn(
        std::process::Command::new(env!("CARGO_BIN_EXE_permissions"))
            .env("PORT", port.to_string())
            .env("HOST", "127.0.0.1")
            .env("DATABASE_URL", database_url)
            .env("DISCORD_BASE_URL", discord.base_url())
            .env("DISCORD_CLIENT_ID", &client.client_id)
            .env("DISCORD_CLIENT_SECRET", &client.client_secret)
            .env("GOOGLE_ISSUER", google.issuer)
            .env("GOOGLE_CLIENT_ID", google.client_id)
            .env("GOOGLE_CLIENT_SECRET", google.client_secret)
            .env("SESSION_SECRET", session_secret)
            .env("RUST_LOG", "warn")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null()),
    );
    common::testing::wait_until_listening(port).await;
    process
}
