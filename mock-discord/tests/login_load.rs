//! `login-load` drives any server of the contract as a browser would: here
//! a client written the way a FastAPI app answers (302s, not 303s), whose
//! transaction cookie is scoped to its callback's path. Every login must
//! complete, and the cookie must come back where, and only where, its
//! path says.

use mock_discord::MockDiscord;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use warp::http::{header, Response, StatusCode};
use warp::Filter;

/// A client app: `/login` 302 to the mock with a cookie for `/auth` only;
/// `/auth` wants that cookie and a code, then 302 to `/` with a session.
/// Counts the requests that carried a cookie they should not have.
async fn fastapi_like_client(mock_base: String) -> (SocketAddr, Arc<AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let misplaced = Arc::new(AtomicUsize::new(0));
    let seen = misplaced.clone();
    let login = warp::path!("login")
        .and(warp::header::optional::<String>("cookie"))
        .map(move |cookie: Option<String>| {
            if cookie.is_some() {
                seen.fetch_add(1, Ordering::Relaxed);
            }
            Response::builder()
                .status(StatusCode::FOUND)
                .header(
                    header::LOCATION,
                    format!(
                        "{mock_base}/oauth2/authorize?response_type=code&client_id=mock-client-id\
                         &scope=identify&state=s&redirect_uri=http%3A%2F%2F{address}%2Fauth"
                    ),
                )
                .header(header::SET_COOKIE, "tx=s; Path=/auth; HttpOnly")
                .body(String::new())
                .unwrap()
        });
    let auth = warp::path!("auth")
        .and(warp::query::<std::collections::HashMap<String, String>>())
        .and(warp::header::optional::<String>("cookie"))
        .map(
            |query: std::collections::HashMap<String, String>, cookie: Option<String>| {
                let ok = query.contains_key("code") && cookie.as_deref() == Some("tx=s");
                let mut answer = Response::builder().header(header::LOCATION, "/");
                answer = match ok {
                    true => answer
                        .status(StatusCode::FOUND)
                        .header(header::SET_COOKIE, "session=1; Path=/"),
                    false => answer.status(StatusCode::BAD_REQUEST),
                };
                answer.body(String::new()).unwrap()
            },
        );
    tokio::spawn(warp::serve(login.or(auth)).incoming(listener).run());
    (address, misplaced)
}

#[tokio::test]
async fn it_follows_302s_and_keeps_cookies_by_path() {
    let mock = MockDiscord::builder()
        .auto_approve("nelly")
        .spawn()
        .await
        .unwrap();
    let (client, misplaced) = fastapi_like_client(mock.base_url().to_string()).await;
    mock.register_redirect_uri(&format!("http://{client}/auth"));
    // Waited for off the runtime: the client app runs on it.
    let load = tokio::task::spawn_blocking(move || {
        std::process::Command::new(env!("CARGO_BIN_EXE_login-load"))
            .arg(format!("http://{client}"))
            .args(["--logins", "20", "--concurrency", "2"])
            .output()
    })
    .await
    .unwrap()
    .unwrap();
    let printed = String::from_utf8_lossy(&load.stdout);
    assert!(load.status.success(), "{printed}");
    assert!(printed.contains(": 20 in "), "{printed}");
    assert!(printed.contains("failures: none"), "{printed}");
    assert_eq!(
        misplaced.load(Ordering::Relaxed),
        0,
        "a cookie sent outside its path"
    );
}
