//! Google: OpenID Connect on top of the authorization code flow.
//!
//! OAuth2 answers "may this app act for the user?"; it does not say who
//! the user is. Discord's answer to that is an API call (`/users/@me`).
//! OpenID Connect standardises it: the token response also carries an **ID
//! token**, a JWT the provider signed, whose claims say who logged in. It
//! proves something only once checked (OpenID Connect Core §3.1.3.7):
//!
//! 1. the **signature**, against the keys the issuer publishes (its JWKS,
//!    fetched again when a token names a new key: [`crate::google_keys`]):
//!    anyone can write JSON, only the issuer can sign it;
//! 2. **`iss`**: it comes from the issuer we sent the user to;
//! 3. **`aud`**: it was made for *this* client, not for another app that
//!    could replay a token it received;
//! 4. **`exp`**: it is still valid;
//! 5. **`nonce`**: it answers *this* login. We sent a fresh random nonce in
//!    the authorization request and kept it in the login transaction; a
//!    token carrying another (or none) was made for another login, and
//!    replaying it is an attack.
//!
//! The `openidconnect` crate does all five; this file wires it to the
//! stage: discovery (`{GOOGLE_ISSUER}/.well-known/openid-configuration`,
//! read in [`crate::google_discovery`]) through the stage's strict HTTP
//! client, the login's start, and the code exchange whose ID token says
//! who logged in, completed by userinfo ([`crate::google_profile`]).

use crate::carried::Carried;
use crate::google_discovery as discovery;
pub use crate::google_discovery::SetupError;
use crate::google_keys::GoogleKeys;
use crate::google_profile;
pub use crate::google_profile::GoogleProfile;
use basic::tokens::Tokens;
use basic::transaction::Transaction;
use common::{Decision, FlowReport, Problem, Upstream};
use http::StatusCode;
use openidconnect::core::{
    CoreAuthPrompt, CoreAuthenticationFlow, CoreClient, CoreIdTokenVerifier,
};
use openidconnect::{
    AuthorizationCode, ClaimsVerificationError, ClientId, ClientSecret, CsrfToken,
    EndpointMaybeSet, EndpointNotSet, EndpointSet, IssuerUrl, Nonce, OAuth2TokenResponse,
    PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, RefreshToken, Scope,
    SignatureVerificationError, TokenResponse,
};
use secrecy::{ExposeSecret, SecretString};
use sessions::logout::{revoke_at, Revocation};
use std::fmt;
use url::Url;

/// A client built from discovery: the authorization endpoint is known, the
/// token and userinfo endpoints may be.
type DiscoveredClient = CoreClient<
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointMaybeSet,
    EndpointMaybeSet,
>;

/// What Google's login needs, discovered once at start-up.
pub struct Google {
    client: DiscoveredClient,
    /// The keys ID tokens are checked against, fetched again on a new `kid`.
    keys: GoogleKeys,
    issuer_url: IssuerUrl,
    /// The issuer, as discovery confirmed it: what every ID token's `iss`
    /// and every authorization response's `iss` must say.
    pub issuer: String,
    pub client_id: String,
    client_secret: SecretString,
    pub revocation_url: Option<Url>,
    /// Discovery promised `iss` in every answer: a callback without one is
    /// refused (RFC 9207 §2.4).
    pub promises_iss: bool,
    /// Discovery lists the `offline_access` scope: offline access is
    /// asked for the standard way, not Google's.
    offline_access_scope: bool,
    upstream: Upstream,
    /// Where the login's decisions are reported: the stage's own report.
    pub report: FlowReport,
}

impl fmt::Debug for Google {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Google")
            .field("issuer", &self.issuer)
            .field("client_id", &self.client_id)
            .finish_non_exhaustive()
    }
}

impl Google {
    /// Reads `{issuer}/.well-known/openid-configuration` and the JWKS it
    /// names (OpenID Connect Discovery 1.0). The document must name the
    /// same issuer it was fetched from, or it is refused: a provider whose
    /// tokens would say another `iss` than ours is a mix-up in waiting.
    pub async fn discover(
        issuer: &str,
        client_id: String,
        client_secret: SecretString,
        redirect_uri: &str,
        upstream: Upstream,
    ) -> Result<Google, SetupError> {
        let metadata = discovery::read(issuer, &upstream).await?;
        let revocation_url = discovery::revocation_url(&metadata);
        let promises_iss = discovery::promises_iss(&metadata);
        let offline_access_scope = discovery::offers_offline_access_scope(&metadata);
        let issuer = metadata.issuer().to_string();
        let issuer_url = metadata.issuer().clone();
        let keys = GoogleKeys::new(metadata.jwks().clone(), metadata.jwks_uri().clone());
        let client = CoreClient::from_provider_metadata(
            metadata,
            ClientId::new(client_id.clone()),
            Some(ClientSecret::new(client_secret.expose_secret().to_string())),
        )
        .set_redirect_uri(
            RedirectUrl::new(redirect_uri.to_string())
                .map_err(|e| SetupError::Redirect(e.to_string()))?,
        );
        Ok(Google {
            client,
            keys,
            issuer_url,
            issuer,
            client_id,
            client_secret,
            revocation_url,
            promises_iss,
            offline_access_scope,
            upstream,
            report: FlowReport::silent(),
        })
    }

    /// Steps 1 and 2 for Google: the authorization URL, with state, PKCE
    /// and a nonce, and the transaction that remembers all three.
    pub fn begin(&self, now: u64) -> (Url, Transaction) {
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let request = self
            .client
            .authorize_url(
                CoreAuthenticationFlow::AuthorizationCode,
                CsrfToken::new_random,
                Nonce::new_random,
            )
            .add_scope(Scope::new("email".into()))
            .add_scope(Scope::new("profile".into()))
            .set_pkce_challenge(challenge);
        // A refresh token comes only when offline access is asked for:
        // without one, the session ends with its access token, after an
        // hour. Google's way is `access_type=offline` (and it gives one
        // only at a user's first consent); the standard way, where
        // discovery lists the scope, is `offline_access` with
        // `prompt=consent` (OpenID Connect Core §11).
        let request = if self.offline_access_scope {
            request
                .add_scope(Scope::new("offline_access".into()))
                .add_prompt(CoreAuthPrompt::Consent)
        } else {
            request.add_extra_param("access_type", "offline")
        };
        let (url, state, nonce) = request.url();
        let mut transaction = Transaction::new(
            state.secret().clone(),
            verifier.secret().clone(),
            self.issuer.clone(),
            now,
        );
        Carried {
            nonce: Some(nonce.secret().clone()),
            link_to: None,
        }
        .keep_in(&mut transaction);
        (url, transaction)
    }

    /// Steps 8 and 9 for Google: the code for tokens, then the ID token
    /// checked (signature, `iss`, `aud`, `exp`, `nonce`). A token that
    /// fails any check is a 400 and no session.
    pub async fn finish(
        &self,
        transaction: Transaction,
        code: String,
        now: u64,
    ) -> Result<(Tokens, GoogleProfile), Problem> {
        let sent_nonce = Carried::of(&transaction).nonce;
        self.report.report(Decision::CodeSent {
            with_verifier: true,
        });
        let exchange = self
            .client
            .exchange_code(AuthorizationCode::new(code))
            .map_err(|_| no_token_endpoint())?
            .set_pkce_verifier(PkceCodeVerifier::new(transaction.pkce_verifier));
        let response = exchange
            .request_async(&self.upstream)
            .await
            .map_err(|error| basic::callback::token_request_failed("Google", error))?;
        let id_token = response.id_token().ok_or_else(|| {
            Problem::new(
                StatusCode::BAD_GATEWAY,
                "Google's token response has no ID token.",
            )
        })?;
        // A login without a nonce in its transaction cannot be checked:
        // refuse rather than skip the check.
        let nonce = Nonce::new(sent_nonce.unwrap_or_default());
        // `exp` is judged by the stage's clock (offline: the mock's, which
        // tests move), not the machine's.
        let verify = |keys| {
            let verifier = CoreIdTokenVerifier::new_confidential_client(
                ClientId::new(self.client_id.clone()),
                ClientSecret::new(self.client_secret.expose_secret().to_string()),
                self.issuer_url.clone(),
                keys,
            )
            .set_time_fn(move || {
                chrono::DateTime::from_timestamp(i64::try_from(now).unwrap_or(i64::MAX), 0)
                    .unwrap_or_default()
            });
            id_token.claims(&verifier, &nonce).cloned()
        };
        // A key we do not know: Google may have rotated its keys.
        let claims = match verify(self.keys.current()) {
            Err(ClaimsVerificationError::SignatureVerification(
                SignatureVerificationError::NoMatchingKey,
            )) if self.keys.refetch(&self.upstream, now).await => verify(self.keys.current()),
            checked => checked,
        }
        .map_err(refused_id_token)?;
        let from_id_token = GoogleProfile {
            subject: claims.subject().to_string(),
            name: claims
                .name()
                .and_then(|name| name.get(None))
                .map(|name| name.to_string()),
            email: claims.email().map(|email| email.to_string()),
            email_verified: claims.email_verified(),
        };
        let userinfo = self.client.user_info(
            response.access_token().clone(),
            Some(claims.subject().clone()),
        );
        let profile = google_profile::merged(from_id_token, userinfo.ok(), &self.upstream).await?;
        let tokens = Tokens::from_response(&response, now)
            .map_err(|why| basic::callback::unusable_tokens("Google", why))?;
        Ok((tokens, profile))
    }

    /// A refresh by Google's rules: no rotation, so an answer without
    /// `refresh_token` keeps the old one (the caller does).
    pub async fn refresh(&self, refresh_token: &str, now: u64) -> sessions::refresh::Refreshed {
        use sessions::refresh::Refreshed;
        let refresh_token = RefreshToken::new(refresh_token.to_string());
        let Ok(request) = self.client.exchange_refresh_token(&refresh_token) else {
            return Refreshed::Failed(no_token_endpoint());
        };
        let answer = request.request_async(&self.upstream).await;
        Refreshed::from_answer("Google", answer, now)
    }

    /// Ends the grant at Google (RFC 7009), as stage 2 revokes at Discord;
    /// a failure is logged, never the user's problem.
    pub async fn revoke(&self, tokens: &Tokens) {
        let Some(url) = &self.revocation_url else {
            tracing::warn!("Google's discovery document names no revocation endpoint");
            return;
        };
        let endpoint = Revocation {
            provider: "Google",
            url: url.as_str(),
            client_id: &self.client_id,
            client_secret: self.client_secret.expose_secret(),
        };
        let refresh_token = tokens.refresh_token.as_deref();
        revoke_at(
            &self.upstream,
            endpoint,
            &tokens.access_token,
            refresh_token,
        )
        .await;
    }
}

fn no_token_endpoint() -> Problem {
    Problem::new(
        StatusCode::BAD_GATEWAY,
        "Google's discovery document names no token endpoint.",
    )
}

/// An ID token that failed a check: 400, saying which, and no session.
fn refused_id_token(error: ClaimsVerificationError) -> Problem {
    let why = match &error {
        ClaimsVerificationError::SignatureVerification(_) => {
            "its signature does not match Google's published keys".to_string()
        }
        ClaimsVerificationError::InvalidAudience(_) => {
            "it was made for another application (aud)".to_string()
        }
        ClaimsVerificationError::InvalidIssuer(_) => {
            "it comes from another issuer (iss)".to_string()
        }
        ClaimsVerificationError::Expired(_) => "it has expired (exp)".to_string(),
        ClaimsVerificationError::InvalidNonce(_) => {
            "its nonce is not this login's: it was made for another login".to_string()
        }
        other => common::shown::clip(&other.to_string()),
    };
    tracing::warn!(%why, "Google's ID token refused");
    Problem::bad_request(format!(
        "Google's ID token was refused: {why}. No session was made."
    ))
}
