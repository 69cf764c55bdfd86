//! C14: the stages' one HTTP client to the provider checks certificates.
//! A provider whose certificate no trusted authority signed (here
//! self-signed, for localhost) gets no request: the call fails as a 502,
//! after one connection, with no second try (over plain http, or at all).

use common::{Problem, Upstream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use tokio_rustls::rustls;

#[tokio::test]
async fn a_provider_with_an_untrusted_certificate_is_502_and_never_tried_again() {
    let certified = rcgen::generate_simple_self_signed(vec!["localhost".into()]).unwrap();
    let key =
        rustls::pki_types::PrivateKeyDer::try_from(certified.signing_key.serialize_der()).unwrap();
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(vec![certified.cert.der().clone()], key)
    .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let (connections, handshakes) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let (counted, shaken) = (connections.clone(), handshakes.clone());
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            counted.fetch_add(1, Ordering::SeqCst);
            if acceptor.accept(stream).await.is_ok() {
                shaken.fetch_add(1, Ordering::SeqCst);
            }
        }
    });

    let upstream = Upstream::new().unwrap();
    let url = format!("https://localhost:{port}/api/v10/users/@me");
    let error = upstream
        .get_json::<serde_json::Value>(&url, "a-token")
        .await
        .expect_err("an untrusted certificate is refused");
    assert_eq!(Problem::upstream("Discord", &error).status, 502, "{error}");
    assert_eq!(
        connections.load(Ordering::SeqCst),
        1,
        "one try, no fallback"
    );
    assert_eq!(
        handshakes.load(Ordering::SeqCst),
        0,
        "the handshake was refused"
    );
}
