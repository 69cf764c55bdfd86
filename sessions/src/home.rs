//! `GET /`: whether you are logged in, and as whom.

use crate::profile::current_user_name;
use crate::Sessions;
use askama::Template;
use std::sync::Arc;
use warp::reply::Response;
use warp::Reply;

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage<'a> {
    provider: &'a str,
    /// Escaped by askama: a display name is user input, chosen on Discord.
    user_name: Option<String>,
}

pub fn page(stage: Arc<Sessions>, cookies: Option<String>) -> Response {
    let page = HomePage {
        provider: stage.app.provider.display_name,
        user_name: current_user_name(&stage, cookies.as_deref()),
    };
    match page.render() {
        Ok(html) => common::respond::no_store(warp::reply::html(html).into_response()),
        Err(_) => common::Problem::new(
            http::StatusCode::INTERNAL_SERVER_ERROR,
            "page rendering failed",
        )
        .into_response(),
    }
}
