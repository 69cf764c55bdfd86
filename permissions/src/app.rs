//! What this stage's handlers share: stage 1's [`App`], the database, the
//! key that seals tokens at rest, and the session timeouts.
//!
//! A `PermissionsApp` *is* stage 1's `App` with more beside it: it derefs
//! to it, so a handler writes `app.keys` or `app.now()` as stage 1 does,
//! and passes `&app` wherever stage 1 or 2 takes an `&App`.

use crate::db::Db;
use crate::google::Google;
use crate::lookup::Lookups;
use crate::providers::LoginProvider;
use crate::settings::Settings;
use crate::store::Timeouts;
use crate::token_seal::TokenSeal;
use common::{App, Problem};
use std::sync::Arc;

#[derive(Debug)]
pub struct PermissionsApp {
    /// Stage 1's state, which this stage extends.
    pub app: App,
    pub db: Db,
    /// Session lookups, coalesced into as few queries as the load allows.
    pub lookups: Lookups,
    pub seal: TokenSeal,
    pub timeouts: Timeouts,
    /// Offline (the embedded mock): its users arrive with permissions.
    pub offline: bool,
    /// Google, when configured (offline: the mock's Google personality).
    pub google: Option<Google>,
}

impl PermissionsApp {
    pub fn new(
        app: App,
        db: Db,
        settings: &Settings,
        offline: bool,
        google: Option<Google>,
    ) -> Arc<PermissionsApp> {
        // Google's login reports its decisions where the stage's do.
        let google = google.map(|mut google| {
            google.report = app.report.clone();
            google
        });
        Arc::new(PermissionsApp {
            seal: TokenSeal::new(&app.keys),
            app,
            lookups: Lookups::new(db.clone()),
            db,
            timeouts: Timeouts {
                idle: settings.session_idle,
                lifetime: settings.session_lifetime,
            },
            offline,
            google,
        })
    }

    /// The provider of this name, if the stage has it.
    pub fn provider(&self, name: &str) -> Option<LoginProvider<'_>> {
        self.providers().into_iter().find(|p| p.name() == name)
    }

    /// The provider a path names (`/login/{provider}`, `/auth/{provider}`),
    /// or 404.
    pub fn provider_named(&self, name: &str) -> Result<LoginProvider<'_>, Problem> {
        self.provider(name).ok_or_else(|| {
            Problem::new(
                http::StatusCode::NOT_FOUND,
                format!(
                    "No provider named {:?} here. /login lists the ones there are.",
                    common::shown::clip(name)
                ),
            )
        })
    }

    /// Every provider the stage logs in with, Discord first.
    pub fn providers(&self) -> Vec<LoginProvider<'_>> {
        let mut providers = vec![LoginProvider::Discord(&self.app)];
        if let Some(google) = &self.google {
            providers.push(LoginProvider::Google(google));
        }
        providers
    }
}

impl std::ops::Deref for PermissionsApp {
    type Target = App;

    fn deref(&self) -> &App {
        &self.app
    }
}
