//! The mock's shared state: its world (config), its clock, and what it has
//! issued. One `Arc<MockState>` is shared by every request.

use crate::clock::Clock;
use crate::config::MockConfig;
use crate::control::faults::Faults;
use crate::control::journal::Journal;
use crate::inspector::timeline::Timeline;
use crate::inspector::watchers::Watchers;
use crate::oauth::authorization_request::AuthorizeRequest;
use crate::oauth::browsers::{
    PendingConsent, Remembered, MAX_PENDING_CONSENTS, MAX_REMEMBERED_BROWSERS,
};
use crate::oauth::codes::IssuedCode;
use crate::oauth::grants::Grants;
use crate::oauth::secrets::SecretSource;
use crate::oauth::signing_keys::SigningKeys;
use crate::personalities::discord::ratelimit::{Limiter, RateLimit};
use crate::personalities::Personality;
use parking_lot::{Mutex, MutexGuard, RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

/// Discord's authorization codes are valid for a short while; 100 seconds is
/// what the mock uses unless told otherwise.
pub const DEFAULT_CODE_LIFETIME: Duration = Duration::from_secs(100);
/// Discord's access tokens live a week: `expires_in: 604800`.
pub const DEFAULT_TOKEN_LIFETIME: Duration = Duration::from_secs(604_800);

/// Knobs a test or the binary may turn.
#[derive(Clone, Debug)]
pub struct Settings {
    pub code_lifetime: Duration,
    pub token_lifetime: Duration,
    /// Approve every authorization a personality is asked for as this
    /// user (its id: a Discord user id, a Google `sub`), without the page.
    pub auto_approve: HashMap<Personality, String>,
    pub rate_limit: RateLimit,
}

impl Settings {
    /// The user `personality` approves every request as, if it does.
    pub fn auto_approve_as(&self, personality: Personality) -> Option<String> {
        self.auto_approve.get(&personality).cloned()
    }
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            code_lifetime: DEFAULT_CODE_LIFETIME,
            token_lifetime: DEFAULT_TOKEN_LIFETIME,
            auto_approve: HashMap::new(),
            rate_limit: RateLimit::default(),
        }
    }
}

/// Everything that changes as the mock is used.
pub struct Store {
    pub secrets: SecretSource,
    pub grants: Grants,
    pub pending: HashMap<String, PendingConsent>,
    /// browser id -> what it approved, for `prompt=none`.
    pub remembered: HashMap<String, Remembered>,
    pub limiter: Limiter,
    pub faults: Faults,
    pub journal: Journal,
    /// The inspector's diagram: exchanges and the app's decisions.
    pub timeline: Timeline,
    /// Counts writes, to sweep expired entries now and then.
    pub writes: u64,
}

pub struct MockState {
    /// The issuer: the base URL every endpoint lives under.
    pub issuer: String,
    pub config: RwLock<MockConfig>,
    pub settings: Settings,
    pub clock: Clock,
    seed: Option<u64>,
    store: Mutex<Store>,
    /// The inspector pages watching the timeline, bounded.
    pub watchers: Watchers,
    /// The key ID tokens are signed with (Google's personality), made on
    /// first use: RSA key generation is the slowest thing the mock does,
    /// and a Discord-only run never needs it. Replaced by a rotation.
    signing_keys: RwLock<Option<Arc<SigningKeys>>>,
    /// How many times the key was rotated: the next key's seed.
    rotations: std::sync::atomic::AtomicU64,
}

impl MockState {
    pub fn new(issuer: String, config: MockConfig, settings: Settings, seed: Option<u64>) -> Self {
        let grants_per_user = config.grants_per_user;
        MockState {
            issuer,
            config: RwLock::new(config),
            settings,
            clock: Clock::default(),
            seed,
            store: Mutex::new(Store::new(seed, grants_per_user)),
            watchers: Watchers::default(),
            signing_keys: RwLock::new(None),
            rotations: std::sync::atomic::AtomicU64::new(0),
        }
    }

    /// The key ID tokens are signed with (deterministic under `--seed`).
    pub fn signing_keys(&self) -> Arc<SigningKeys> {
        if let Some(keys) = self.signing_keys.read().as_ref() {
            return keys.clone();
        }
        let mut keys = self.signing_keys.write();
        keys.get_or_insert_with(|| Arc::new(SigningKeys::generate(self.seed)))
            .clone()
    }

    /// A new signing key, as Google rotates its keys: the JWKS then lists
    /// only the new one, and ID tokens carry its `kid`. Clients must fetch
    /// the keys again when a token names a key they do not know.
    pub fn rotate_signing_key(&self) {
        use std::sync::atomic::Ordering;
        let rotation = self.rotations.fetch_add(1, Ordering::Relaxed) + 1;
        let seed = self.seed.map(|seed| seed.wrapping_add(rotation));
        let fresh = SigningKeys::generate(seed);
        *self.signing_keys.write() = Some(Arc::new(fresh));
    }

    /// The store. Its lock does not poison: a mock that stopped answering
    /// after one bug would hide every later result.
    pub fn store(&self) -> MutexGuard<'_, Store> {
        self.store.lock()
    }

    pub fn config(&self) -> RwLockReadGuard<'_, MockConfig> {
        self.config.read()
    }

    pub fn config_mut(&self) -> RwLockWriteGuard<'_, MockConfig> {
        self.config.write()
    }

    /// Forgets everything issued and recorded, as if freshly started, but
    /// for the clock: time never goes back. A stage running beside the mock
    /// reads this clock, and a rewind would leave its sessions stamped in
    /// the future, their age zero for as long as the clock had been moved.
    pub fn reset(&self) {
        let grants_per_user = self.config().grants_per_user;
        let mut store = self.store();
        // The timeline stays, emptied, so that watching pages hear of the
        // reset instead of losing their connection.
        let mut timeline = std::mem::take(&mut store.timeline);
        timeline.clear();
        *store = Store::new(self.seed, grants_per_user);
        store.timeline = timeline;
    }
}

impl Store {
    fn new(seed: Option<u64>, grants_per_user: Option<usize>) -> Self {
        Store {
            secrets: SecretSource::new(seed),
            grants: grants_per_user.map_or_else(Grants::default, Grants::keeping),
            pending: HashMap::new(),
            remembered: HashMap::new(),
            limiter: Limiter::default(),
            faults: Faults::default(),
            journal: Journal::default(),
            timeline: Timeline::default(),
            writes: 0,
        }
    }

    /// Stores a new authorization code and returns its value.
    pub fn issue_code(&mut self, code: IssuedCode) -> String {
        self.grants.issue_code(&mut self.secrets, code)
    }

    /// Trades a redeemed code for a grant (a token pair); returns its id.
    pub fn grant_for_code(
        &mut self,
        code: &str,
        issued: IssuedCode,
        access_expires_at: u64,
    ) -> u64 {
        self.grants
            .grant_for_code(&mut self.secrets, code, issued, access_expires_at)
    }

    /// Gives a grant a new token pair (refresh-token rotation).
    pub fn rotate(&mut self, grant_id: u64, access_expires_at: u64) {
        self.grants
            .rotate(&mut self.secrets, grant_id, access_expires_at)
    }

    /// Remembers that `browser` approved `scope_key` as `user_id`.
    pub fn remember_approval(&mut self, browser: &str, user_id: &str, scope_key: (String, String)) {
        if self.remembered.len() >= MAX_REMEMBERED_BROWSERS
            && !self.remembered.contains_key(browser)
        {
            self.forget_least_recent_browsers();
        }
        let remembered = self.remembered.entry(browser.to_string()).or_default();
        remembered.approve(user_id, scope_key);
        remembered.last_used = self.writes;
    }

    /// Forgets the least recently used half of the remembered browsers.
    fn forget_least_recent_browsers(&mut self) {
        keep_newest_half(&mut self.remembered, |r| r.last_used);
    }

    /// Holds a consent page's request until the person answers, under
    /// `csrf_token`. At [`MAX_PENDING_CONSENTS`], the expired ones go, then
    /// if need be the older half.
    pub fn hold_pending(&mut self, csrf_token: String, pending: PendingConsent, now_ms: u64) {
        if self.pending.len() >= MAX_PENDING_CONSENTS {
            self.pending.retain(|_, p| p.expires_at_ms > now_ms);
        }
        if self.pending.len() >= MAX_PENDING_CONSENTS {
            keep_newest_half(&mut self.pending, |p| p.expires_at_ms);
        }
        self.pending.insert(csrf_token, pending);
    }

    /// The user `browser` already approved this request as, if any.
    pub fn approved_user(&self, browser: &str, request: &AuthorizeRequest) -> Option<String> {
        self.remembered
            .get(browser)?
            .approved_user(request)
            .map(str::to_string)
    }

    /// How many entries the store keeps, table by table: codes, redeemed
    /// codes, grants, tokens, pending consents, remembered browsers.
    pub fn sizes(&self) -> [usize; 6] {
        let (codes, redeemed, grants, tokens) = self.grants.sizes();
        [
            codes,
            redeemed,
            grants,
            tokens,
            self.pending.len(),
            self.remembered.len(),
        ]
    }

    /// Drops what has expired, every 1024 writes.
    pub fn tick(&mut self, now_ms: u64) {
        self.writes = self.writes.wrapping_add(1);
        if self.writes.is_multiple_of(1024) {
            self.grants.sweep(now_ms);
            self.pending.retain(|_, p| p.expires_at_ms > now_ms);
        }
    }
}

/// Keeps the newer half of `map` by `age` (a larger one is newer). Done in
/// bulk, so that its cost (a selection, linear) is paid once per half a
/// table's worth of new entries.
fn keep_newest_half<V>(map: &mut HashMap<String, V>, age: impl Fn(&V) -> u64) {
    let mut ages: Vec<u64> = map.values().map(&age).collect();
    if ages.is_empty() {
        return;
    }
    let middle = ages.len() / 2;
    let (_, cutoff, _) = ages.select_nth_unstable(middle);
    let cutoff = *cutoff;
    map.retain(|_, v| age(v) > cutoff);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pending_consents_stay_bounded_and_the_recent_ones_stay() {
        let mut store = Store::new(Some(1), None);
        let pending = |expires_at_ms: u64| PendingConsent {
            request: crate::oauth::authorization_request::AuthorizeRequest {
                client_id: "client".into(),
                redirect_uri: "http://127.0.0.1:5000/auth".into(),
                redirect_uri_given: true,
                scopes: vec!["identify".into()],
                state: Some("s".repeat(1000)),
                code_challenge: None,
                prompt_none: false,
                nonce: None,
                refresh_token: crate::oauth::authorization_request::RefreshTokenRule::Always,
            },
            browser: "browser".into(),
            expires_at_ms,
            personality: crate::personalities::Personality::Discord,
        };
        for n in 0..(5 * MAX_PENDING_CONSENTS as u64) {
            store.hold_pending(format!("token-{n}"), pending(1_000_000 + n), n);
        }
        assert!(store.pending.len() <= MAX_PENDING_CONSENTS);
        let newest = format!("token-{}", 5 * MAX_PENDING_CONSENTS - 1);
        assert!(store.pending.contains_key(&newest));
        assert!(!store.pending.contains_key("token-0"));
    }

    #[test]
    fn remembered_browsers_stay_bounded_and_the_recent_ones_stay() {
        let mut store = Store::new(Some(1), None);
        let key = || ("client".to_string(), "identify".to_string());
        for n in 0..(3 * MAX_REMEMBERED_BROWSERS) {
            store.remember_approval(&format!("browser-{n}"), "1", key());
            store.tick(0);
        }
        assert!(store.remembered.len() <= MAX_REMEMBERED_BROWSERS);
        let newest = format!("browser-{}", 3 * MAX_REMEMBERED_BROWSERS - 1);
        assert!(store.remembered.contains_key(&newest));
        assert!(!store.remembered.contains_key("browser-0"));
    }
}
