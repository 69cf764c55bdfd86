//! What the mock has handed out: authorization codes and the grants (token
//! pairs) redeemed from them, with the rules that make them single-use.

use crate::secrets::SecretSource;
use std::collections::HashMap;

/// An authorization code, and everything it was bound to when issued.
/// RFC 6749 §4.1.3 asks the token endpoint to check each of these.
#[derive(Debug, Clone, PartialEq)]
pub struct IssuedCode {
    pub client_id: String,
    pub redirect_uri: String,
    pub scopes: Vec<String>,
    pub user_id: String,
    pub code_challenge: Option<String>,
    pub expires_at_ms: u64,
}

/// One authorization: a user let a client use some scopes. It holds the
/// current token pair; refreshing rotates both.
#[derive(Debug, Clone)]
pub struct Grant {
    pub client_id: String,
    pub user_id: String,
    pub scopes: Vec<String>,
    pub access_token: String,
    pub access_expires_at: u64,
    pub refresh_token: String,
}

/// What a token string turned out to be.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum TokenKind {
    Access,
    Refresh,
    /// A refresh token that was already rotated away. Seeing it again means
    /// two parties hold the same refresh token: one of them stole it.
    RetiredRefresh,
}

/// Why a code could not be redeemed.
#[derive(Debug, PartialEq)]
pub enum RedeemError {
    /// Unknown, expired, or issued to another client.
    Invalid,
    /// Already redeemed once. RFC 6749 §4.1.2: the server "SHOULD revoke
    /// (when possible) all tokens previously issued based on that code".
    Replayed,
}

/// What became of a code that was presented once.
#[derive(Debug, Clone, Copy)]
enum Redeemed {
    /// It failed a check (expired, wrong verifier): burned, with no grant.
    Burned,
    /// It was traded for this grant.
    Granted(u64),
}

#[derive(Default)]
pub struct Grants {
    codes: HashMap<String, IssuedCode>,
    /// Presented codes, remembered to detect replays.
    redeemed: HashMap<String, Redeemed>,
    grants: HashMap<u64, Grant>,
    /// token string -> (grant id, kind)
    tokens: HashMap<String, (u64, TokenKind)>,
    next_id: u64,
}

impl Grants {
    pub fn issue_code(&mut self, secrets: &mut SecretSource, code: IssuedCode) -> String {
        let value = secrets.token();
        self.codes.insert(value.clone(), code);
        value
    }

    /// Takes a code out: it can be redeemed once, whatever happens next.
    /// A code that fails a later check (redirect_uri, PKCE) is burned too,
    /// so an attacker who intercepted it gets one guess and no more.
    pub fn take_code(
        &mut self,
        code: &str,
        client_id: &str,
        now_ms: u64,
    ) -> Result<IssuedCode, RedeemError> {
        if let Some(earlier) = self.redeemed.get(code).copied() {
            if let Redeemed::Granted(grant_id) = earlier {
                self.revoke(grant_id);
            }
            return Err(RedeemError::Replayed);
        }
        match self.codes.get(code) {
            Some(issued) if issued.client_id == client_id => {}
            // A code of another client stays where it is: this caller may be
            // guessing, and must not be able to burn someone else's login.
            _ => return Err(RedeemError::Invalid),
        }
        let issued = self.codes.remove(code).ok_or(RedeemError::Invalid)?;
        // Remember it even if it fails below: a second try is a replay.
        self.redeemed.insert(code.to_string(), Redeemed::Burned);
        if issued.expires_at_ms <= now_ms {
            return Err(RedeemError::Invalid);
        }
        Ok(issued)
    }

    /// Creates a grant for a redeemed code and returns its id.
    pub fn grant_for_code(
        &mut self,
        secrets: &mut SecretSource,
        code: &str,
        issued: IssuedCode,
        access_expires_at: u64,
    ) -> u64 {
        let id = self.next_id;
        self.next_id += 1;
        let grant = Grant {
            client_id: issued.client_id,
            user_id: issued.user_id,
            scopes: issued.scopes,
            access_token: secrets.token(),
            access_expires_at,
            refresh_token: secrets.token(),
        };
        self.tokens
            .insert(grant.access_token.clone(), (id, TokenKind::Access));
        self.tokens
            .insert(grant.refresh_token.clone(), (id, TokenKind::Refresh));
        self.grants.insert(id, grant);
        self.redeemed
            .insert(code.to_string(), Redeemed::Granted(id));
        id
    }

    pub fn grant(&self, id: u64) -> Option<&Grant> {
        self.grants.get(&id)
    }

    /// Looks a token up, whatever its kind.
    pub fn find_token(&self, token: &str) -> Option<(u64, TokenKind)> {
        self.tokens.get(token).copied()
    }

    /// Replaces a grant's token pair. The old refresh token is retired (kept
    /// only to detect its reuse); the old access token stops working.
    pub fn rotate(&mut self, secrets: &mut SecretSource, id: u64, access_expires_at: u64) {
        let Some(grant) = self.grants.get_mut(&id) else {
            return;
        };
        self.tokens.remove(&grant.access_token);
        self.tokens
            .insert(grant.refresh_token.clone(), (id, TokenKind::RetiredRefresh));
        grant.access_token = secrets.token();
        grant.refresh_token = secrets.token();
        grant.access_expires_at = access_expires_at;
        self.tokens
            .insert(grant.access_token.clone(), (id, TokenKind::Access));
        self.tokens
            .insert(grant.refresh_token.clone(), (id, TokenKind::Refresh));
    }

    /// Ends a whole authorization: its access token and every refresh token
    /// it ever had stop working.
    pub fn revoke(&mut self, id: u64) {
        if self.grants.remove(&id).is_some() {
            self.tokens.retain(|_, (grant, _)| *grant != id);
        }
    }

    /// How many grants are live, for the inspector.
    pub fn live_grants(&self) -> usize {
        self.grants.len()
    }

    /// Drops codes that can no longer be redeemed. Called now and then, so
    /// that a long benchmark does not grow the mock without bound.
    pub fn sweep(&mut self, now_ms: u64) {
        self.codes.retain(|_, c| c.expires_at_ms > now_ms);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(expires_at_ms: u64) -> IssuedCode {
        IssuedCode {
            client_id: "c".into(),
            redirect_uri: "http://x/cb".into(),
            scopes: vec!["identify".into()],
            user_id: "1".into(),
            code_challenge: None,
            expires_at_ms,
        }
    }

    #[test]
    fn a_code_redeems_once_and_its_replay_revokes_the_grant() {
        let mut secrets = SecretSource::new(Some(1));
        let mut grants = Grants::default();
        let value = grants.issue_code(&mut secrets, code(1000));
        let issued = grants.take_code(&value, "c", 0).unwrap();
        let id = grants.grant_for_code(&mut secrets, &value, issued, 10);
        let access = grants.grant(id).unwrap().access_token.clone();
        assert_eq!(grants.take_code(&value, "c", 0), Err(RedeemError::Replayed));
        assert_eq!(grants.find_token(&access), None);
    }

    #[test]
    fn expired_and_foreign_codes_are_invalid() {
        let mut secrets = SecretSource::new(Some(1));
        let mut grants = Grants::default();
        let value = grants.issue_code(&mut secrets, code(1000));
        assert_eq!(
            grants.take_code(&value, "other", 0).unwrap_err(),
            RedeemError::Invalid
        );
        assert_eq!(
            grants.take_code(&value, "c", 1000).unwrap_err(),
            RedeemError::Invalid
        );
    }

    #[test]
    fn rotation_retires_the_old_refresh_token() {
        let mut secrets = SecretSource::new(Some(1));
        let mut grants = Grants::default();
        let value = grants.issue_code(&mut secrets, code(1000));
        let issued = grants.take_code(&value, "c", 0).unwrap();
        let id = grants.grant_for_code(&mut secrets, &value, issued, 10);
        let old = grants.grant(id).unwrap().refresh_token.clone();
        grants.rotate(&mut secrets, id, 20);
        assert_eq!(
            grants.find_token(&old),
            Some((id, TokenKind::RetiredRefresh))
        );
        let new = grants.grant(id).unwrap().refresh_token.clone();
        assert_eq!(grants.find_token(&new), Some((id, TokenKind::Refresh)));
    }
}
