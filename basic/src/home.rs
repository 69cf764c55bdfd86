//! `GET /`: the page with the login link.

use askama::Template;
use common::{Answer, App};

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage<'a> {
    title: &'a str,
    lesson: &'a str,
    provider: &'a str,
}

pub fn page(app: App) -> Answer {
    common::respond::page(&HomePage {
        title: "Stage 1: the authorization code flow",
        lesson: "Log in, and this stage shows you the token JSON the provider sent back: \
                 the access token, its type and lifetime, the refresh token and the granted scope.",
        provider: app.provider.display_name,
    })
}
