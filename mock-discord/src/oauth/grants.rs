//! What the mock has handed out: the grants (token pairs) redeemed from
//! authorization codes ([`crate::oauth::codes`]), with the rules that make
//! codes single-use and refresh tokens rotate.

use crate::oauth::codes::{Codes, IssuedCode, Presented};
use crate::oauth::secrets::{shorten, SecretSource};
use std::collections::{HashMap, VecDeque};
use std::fmt;

/// How many live grants one user may hold for one client, unless the
/// configuration says otherwise (`grants_per_user`). Google documents the
/// same rule (100 refresh tokens per account per client, the oldest
/// silently revoked); it keeps a mock under a login benchmark from growing
/// without bound. A benchmark that logs one user in 64 times at once
/// raises it, or the oldest logins in flight lose their grant.
pub const MAX_GRANTS_PER_USER: usize = 100;

/// How many rotated-away refresh tokens a grant remembers, to recognise a
/// stolen copy coming back. A thief replays a recent one; an ancient one
/// is simply unknown (`invalid_grant` without ending the grant).
pub const RETIRED_KEPT: usize = 8;

/// One authorization: a user let a client use some scopes. It holds the
/// current token pair; refreshing rotates both.
#[derive(Clone)]
pub struct Grant {
    pub client_id: String,
    pub user_id: String,
    pub scopes: Vec<String>,
    pub access_token: String,
    pub access_expires_at: u64,
    pub refresh_token: String,
    /// Refresh tokens rotated away, newest last, at most [`RETIRED_KEPT`].
    retired: VecDeque<String>,
}

/// Tokens are live secrets: `{:?}` shows their first four characters, as
/// the journal does.
impl fmt::Debug for Grant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Grant")
            .field("client_id", &self.client_id)
            .field("user_id", &self.user_id)
            .field("scopes", &self.scopes)
            .field("access_token", &shorten(&self.access_token))
            .field("access_expires_at", &self.access_expires_at)
            .field("refresh_token", &shorten(&self.refresh_token))
            .field("retired", &self.retired.len())
            .finish()
    }
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

/// Everything issued, indexed by what is looked up: a token by its value,
/// a grant by its id, a user's grants by (client, user). Revoking a grant
/// touches only its own tokens, never a scan of all of them.
pub struct Grants {
    /// The codes, issued and presented.
    codes: Codes,
    grants: HashMap<u64, Grant>,
    /// token string -> (grant id, kind)
    tokens: HashMap<String, (u64, TokenKind)>,
    /// (client id, user id) -> that user's grants, oldest first.
    by_user: HashMap<(String, String), VecDeque<u64>>,
    next_id: u64,
    /// At most this many live grants per (client, user).
    per_user: usize,
}

impl Default for Grants {
    fn default() -> Self {
        Grants::keeping(MAX_GRANTS_PER_USER)
    }
}

impl Grants {
    /// An empty table that keeps at most `per_user` live grants per
    /// (client, user), the oldest revoked first.
    pub fn keeping(per_user: usize) -> Self {
        Grants {
            codes: Codes::default(),
            grants: HashMap::new(),
            tokens: HashMap::new(),
            by_user: HashMap::new(),
            next_id: 0,
            per_user: per_user.max(1),
        }
    }

    pub fn issue_code(&mut self, secrets: &mut SecretSource, code: IssuedCode) -> String {
        self.codes.issue(secrets, code)
    }

    /// Takes a code out: it can be redeemed once, whatever happens next.
    /// A code that fails a later check (redirect_uri, PKCE) is burned too,
    /// so an attacker who intercepted it gets one guess and no more. A
    /// replay of a code that was traded for a grant ends that grant.
    pub fn take_code(
        &mut self,
        code: &str,
        client_id: &str,
        now_ms: u64,
    ) -> Result<IssuedCode, RedeemError> {
        match self.codes.take(code, client_id, now_ms) {
            Presented::Fresh(issued) => Ok(issued),
            Presented::Invalid => Err(RedeemError::Invalid),
            Presented::Replayed { grant } => {
                if let Some(grant_id) = grant {
                    self.revoke(grant_id);
                }
                Err(RedeemError::Replayed)
            }
        }
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
        self.codes.granted(code, id, issued.expires_at_ms);
        let grant = Grant {
            client_id: issued.client_id,
            user_id: issued.user_id,
            scopes: issued.scopes,
            access_token: secrets.token(),
            access_expires_at,
            refresh_token: secrets.token(),
            retired: VecDeque::new(),
        };
        self.tokens
            .insert(grant.access_token.clone(), (id, TokenKind::Access));
        self.tokens
            .insert(grant.refresh_token.clone(), (id, TokenKind::Refresh));
        let owner = (grant.client_id.clone(), grant.user_id.clone());
        self.grants.insert(id, grant);
        let users_grants = self.by_user.entry(owner).or_default();
        users_grants.push_back(id);
        if users_grants.len() > self.per_user {
            if let Some(oldest) = users_grants.front().copied() {
                self.revoke(oldest);
            }
        }
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
        let retiring = std::mem::take(&mut grant.refresh_token);
        grant.retired.push_back(retiring);
        if grant.retired.len() > RETIRED_KEPT {
            if let Some(forgotten) = grant.retired.pop_front() {
                self.tokens.remove(&forgotten);
            }
        }
        grant.access_token = secrets.token();
        grant.refresh_token = secrets.token();
        grant.access_expires_at = access_expires_at;
        self.tokens
            .insert(grant.access_token.clone(), (id, TokenKind::Access));
        self.tokens
            .insert(grant.refresh_token.clone(), (id, TokenKind::Refresh));
    }

    /// Gives a grant a new access token and keeps its refresh token: Google's
    /// rule (no rotation), where a refresh token lives until revoked.
    pub fn renew_access(&mut self, secrets: &mut SecretSource, id: u64, access_expires_at: u64) {
        let Some(grant) = self.grants.get_mut(&id) else {
            return;
        };
        self.tokens.remove(&grant.access_token);
        grant.access_token = secrets.token();
        grant.access_expires_at = access_expires_at;
        self.tokens
            .insert(grant.access_token.clone(), (id, TokenKind::Access));
    }

    /// Ends a whole authorization: its access token and every refresh token
    /// it ever had stop working.
    pub fn revoke(&mut self, id: u64) {
        let Some(grant) = self.grants.remove(&id) else {
            return;
        };
        self.tokens.remove(&grant.access_token);
        self.tokens.remove(&grant.refresh_token);
        for retired in &grant.retired {
            self.tokens.remove(retired);
        }
        let owner = (grant.client_id, grant.user_id);
        if let Some(users_grants) = self.by_user.get_mut(&owner) {
            users_grants.retain(|g| *g != id);
            if users_grants.is_empty() {
                self.by_user.remove(&owner);
            }
        }
    }

    /// Takes a new grant's refresh token back before anyone sees it: the
    /// grant lives as an access token only (Google, when a login did not
    /// ask for offline access, or asked again after its first consent).
    pub fn withhold_refresh_token(&mut self, id: u64) {
        if let Some(grant) = self.grants.get_mut(&id) {
            self.tokens
                .remove(&std::mem::take(&mut grant.refresh_token));
        }
    }

    /// Does `user_id` hold a live refresh token for `client_id`? Google
    /// gives one only at a user's first consent to offline access, so a
    /// second login gets none while the first one's lives.
    pub fn holds_refresh_token(&self, client_id: &str, user_id: &str) -> bool {
        let owner = (client_id.to_string(), user_id.to_string());
        self.by_user.get(&owner).is_some_and(|ids| {
            ids.iter()
                .filter_map(|id| self.grants.get(id))
                .any(|grant| !grant.refresh_token.is_empty())
        })
    }

    /// How many grants are live, for the inspector.
    pub fn live_grants(&self) -> usize {
        self.grants.len()
    }

    /// Drops codes that can no longer be redeemed, and forgets redeemed
    /// codes past their replay memory. Called now and then, so that a long
    /// benchmark does not grow the mock without bound.
    pub fn sweep(&mut self, now_ms: u64) {
        self.codes.sweep(now_ms);
    }

    /// How many entries each table holds: (codes, redeemed, grants, tokens).
    /// For tests and the memory benchmark, which expect them flat.
    pub fn sizes(&self) -> (usize, usize, usize, usize) {
        let (codes, redeemed) = self.codes.sizes();
        (codes, redeemed, self.grants.len(), self.tokens.len())
    }
}
