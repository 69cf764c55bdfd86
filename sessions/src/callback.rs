//! `GET /auth`, stage 2: stage 1's checks and code exchange, then a session
//! instead of a page of tokens.

use crate::session::Session;
use crate::Sessions;
use basic::callback::{complete, CallbackParams};
use common::{Problem, Transaction};
use serde::Deserialize;
use std::sync::Arc;
use warp::reply::Response;
use warp::Reply;

/// The part of Discord's user object the session keeps.
#[derive(Deserialize)]
pub struct UserName {
    pub username: String,
    pub global_name: Option<String>,
}

pub async fn auth(stage: Arc<Sessions>, raw_query: String, cookies: Option<String>) -> Response {
    let app = &stage.app;
    let outcome = async {
        let params = CallbackParams::parse(&raw_query)?;
        let tokens = complete(app, params, cookies.as_deref()).await?;
        // Ask once who logged in, for the home page's "Logged in as …".
        let user: UserName = app
            .upstream
            .get_json(&app.provider.api_url("/users/@me"), &tokens.access_token)
            .await
            .map_err(|e| Problem::upstream(app.provider.display_name, &e))?;
        let name = user.global_name.unwrap_or(user.username);
        Ok::<_, Problem>(Session::new(tokens, name, app.now()))
    }
    .await;

    let mut response = match outcome {
        Ok(session) => {
            // 303: the browser GETs /users/me, and a reload there does not
            // replay this callback.
            let mut response = common::respond::see_other("/users/me");
            response.headers_mut().append(
                http::header::SET_COOKIE,
                session.to_cookie(&app.keys, app.cookies),
            );
            response
        }
        Err(problem) => problem.into_response(),
    };
    response.headers_mut().append(
        http::header::SET_COOKIE,
        Transaction::clear_cookie(app.cookies),
    );
    response
}
