//! A provider on 127.0.0.1 whose token endpoint and `/users/@me` answer
//! whatever the current property-test case scripted.

use crate::Provider;
use http::{Response, StatusCode};
use parking_lot::Mutex;
use secrecy::SecretString;
use std::net::SocketAddr;
use std::sync::Arc;
use warp::Filter;

/// One scripted answer: status, content type, body.
#[derive(Clone, Debug)]
pub struct Scripted {
    pub status: u16,
    pub content_type: String,
    pub body: String,
}

impl Scripted {
    pub fn json(body: impl Into<String>) -> Scripted {
        Scripted {
            status: 200,
            content_type: "application/json".into(),
            body: body.into(),
        }
    }
}

/// A provider on 127.0.0.1 whose token endpoint and `/users/@me` answer
/// what the current case scripted; revocation always succeeds.
#[derive(Clone)]
pub struct ScriptedProvider {
    pub addr: SocketAddr,
    token: Arc<Mutex<Scripted>>,
    profile: Arc<Mutex<Scripted>>,
}

impl ScriptedProvider {
    /// Starts it on a free port, in the current runtime.
    pub async fn start() -> ScriptedProvider {
        let token = Arc::new(Mutex::new(Scripted::json(valid_tokens())));
        let profile = Arc::new(Mutex::new(Scripted::json(valid_profile())));
        let answer = |script: Arc<Mutex<Scripted>>| {
            move || {
                let scripted = script.lock().clone();
                let mut response = Response::new(scripted.body.into());
                *response.status_mut() =
                    StatusCode::from_u16(scripted.status).unwrap_or(StatusCode::OK);
                if let Ok(value) = http::HeaderValue::from_str(&scripted.content_type) {
                    response
                        .headers_mut()
                        .insert(http::header::CONTENT_TYPE, value);
                }
                response
            }
        };
        let token_route = warp::post()
            .and(warp::path!("api" / "oauth2" / "token"))
            .map(answer(token.clone()));
        let revoke_route = warp::post()
            .and(warp::path!("api" / "oauth2" / "token" / "revoke"))
            .map(|| warp::reply::json(&serde_json::json!({})).into_response());
        let profile_route = warp::get()
            .and(warp::path!("api" / "v10" / "users" / "@me"))
            .map(answer(profile.clone()));
        use warp::Reply;
        let routes = token_route
            .or(revoke_route)
            .unify()
            .or(profile_route)
            .unify();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a free port");
        let addr = listener.local_addr().expect("its address");
        tokio::spawn(warp::serve(routes).incoming(listener).run());
        ScriptedProvider {
            addr,
            token,
            profile,
        }
    }

    /// The provider, for `App::new`.
    pub fn provider(&self) -> Provider {
        let base = url::Url::parse(&format!("http://{}", self.addr)).expect("a URL");
        Provider::discord(
            &base,
            "client-id".into(),
            SecretString::from("client-secret"),
        )
    }

    pub fn answer_token(&self, scripted: Scripted) {
        *self.token.lock() = scripted;
    }

    pub fn answer_profile(&self, scripted: Scripted) {
        *self.profile.lock() = scripted;
    }
}

pub fn valid_tokens() -> String {
    r#"{"access_token":"a","token_type":"Bearer","expires_in":604800,"refresh_token":"r","scope":"identify"}"#.into()
}

pub fn valid_profile() -> String {
    r#"{"id":"80351110224678912","username":"nelly","global_name":"Nelly"}"#.into()
}
