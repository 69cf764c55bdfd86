//! The identity providers this stage logs in with, by the name that
//! appears in its URLs (`/login/{name}`, `/auth/{name}`) and in its
//! database (`identities.provider`, `sessions.provider`).
//!
//! Each provider is one entry of [`LoginProvider`]: how a login starts,
//! how its callback's code becomes tokens and a profile, how its tokens
//! are refreshed and revoked. The routes, the sessions and the users do not
//! know which provider they talk to. The token structures differ (Discord
//! answers "who?" with an API call, Google with a signed ID token), and
//! that difference stays here.

use crate::google::Google;
use crate::identities::LoginProfile;
use basic::callback::Accepted;
use basic::tokens::Tokens;
use basic::transaction::Transaction;
use common::{App, Problem};
use sessions::refresh::Refreshed;
use url::Url;

pub const DISCORD: &str = "discord";
pub const GOOGLE: &str = "google";

/// One provider, borrowed from the stage's state.
#[derive(Clone, Copy)]
pub enum LoginProvider<'a> {
    /// OAuth2, and `/users/@me` for who logged in (stages 1 and 2).
    Discord(&'a App),
    /// OpenID Connect: the ID token says who logged in.
    Google(&'a Google),
}

impl LoginProvider<'_> {
    /// The name in URLs and in the database.
    pub fn name(&self) -> &'static str {
        match self {
            LoginProvider::Discord(_) => DISCORD,
            LoginProvider::Google(_) => GOOGLE,
        }
    }

    /// The name people read.
    pub fn display_name(&self) -> &'static str {
        match self {
            LoginProvider::Discord(app) => app.provider.display_name,
            LoginProvider::Google(_) => "Google",
        }
    }

    /// Who must answer a login started here: the transaction keeps it, and
    /// a callback on this provider's path must belong to it.
    pub fn issuer(&self) -> &str {
        match self {
            LoginProvider::Discord(app) => &app.provider.issuer,
            LoginProvider::Google(google) => &google.issuer,
        }
    }

    /// What step 7 checks a callback against: the provider's name, and
    /// whether it promised `iss` in every answer (Google: as its discovery
    /// says; Discord publishes no such promise).
    pub fn expected(&self) -> basic::callback::Expected<'static> {
        let promises_iss = match self {
            LoginProvider::Discord(_) => false,
            LoginProvider::Google(google) => google.promises_iss,
        };
        basic::callback::Expected {
            provider: self.display_name(),
            promises_iss,
        }
    }

    /// Steps 1 and 2: where to send the browser, and what to remember.
    pub fn begin(&self, now: u64) -> (Url, Transaction) {
        match self {
            LoginProvider::Discord(app) => basic::login::begin(app),
            LoginProvider::Google(google) => google.begin(now),
        }
    }

    /// Steps 8 to 11: the code for tokens, and who logged in.
    pub async fn finish(
        &self,
        accepted: Accepted,
        now: u64,
    ) -> Result<(Tokens, LoginProfile), Problem> {
        match self {
            LoginProvider::Discord(app) => {
                let tokens = basic::callback::exchange(app, accepted).await?;
                let login = discord_profile(app, &tokens.access_token).await?;
                Ok((tokens, login))
            }
            LoginProvider::Google(google) => {
                let (tokens, profile) = google
                    .finish(accepted.transaction, accepted.code, now)
                    .await?;
                let display_name = profile
                    .name
                    .clone()
                    .or_else(|| profile.email.clone())
                    .unwrap_or_else(|| profile.subject.clone());
                let login = LoginProfile {
                    provider: GOOGLE,
                    issuer: google.issuer.clone(),
                    subject: profile.subject.clone(),
                    display_name,
                    profile: serde_json::json!({
                        "sub": profile.subject,
                        "name": profile.name,
                        "email": profile.email,
                        "email_verified": profile.email_verified,
                    }),
                };
                Ok((tokens, login))
            }
        }
    }

    /// A refresh by this provider's rules.
    pub async fn refresh(&self, refresh_token: String, now: u64) -> Refreshed {
        match self {
            LoginProvider::Discord(app) => {
                sessions::refresh::ask_provider(app, refresh_token).await
            }
            LoginProvider::Google(google) => google.refresh(&refresh_token, now).await,
        }
    }

    /// Ends the grant at the provider (RFC 7009).
    pub async fn revoke(&self, tokens: &Tokens) {
        match self {
            LoginProvider::Discord(app) => {
                sessions::logout::revoke(app, &tokens.access_token, tokens.refresh_token.as_deref())
                    .await
            }
            LoginProvider::Google(google) => google.revoke(tokens).await,
        }
    }
}

/// Discord's `/users/@me`, once, for the subject (Discord's user id) and
/// the name.
async fn discord_profile(app: &App, access_token: &str) -> Result<LoginProfile, Problem> {
    let profile = app
        .provider
        .profile(&app.upstream, access_token)
        .await
        .map_err(|e| Problem::upstream(app.provider.display_name, &e))?;
    Ok(LoginProfile {
        provider: DISCORD,
        issuer: app.provider.issuer.clone(),
        subject: profile.id().to_string(),
        display_name: profile.display_name(),
        profile: profile.into_json(),
    })
}
