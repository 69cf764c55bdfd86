//! The grants table on its own: codes redeem once, refresh tokens rotate
//! and are retired, revocation and the bounds, and redacted `Debug`.

use mock_discord::oauth::authorization_request::RefreshTokenRule;
use mock_discord::oauth::codes::{IssuedCode, REPLAY_MEMORY_MS};
use mock_discord::oauth::grants::*;
use mock_discord::oauth::secrets::SecretSource;

fn code(expires_at_ms: u64) -> IssuedCode {
    IssuedCode {
        client_id: "c".into(),
        redirect_uri: "http://x/cb".into(),
        redirect_uri_given: true,
        scopes: vec!["identify".into()],
        user_id: "1".into(),
        code_challenge: None,
        expires_at_ms,
        nonce: None,
        refresh_token: RefreshTokenRule::Always,
    }
}

/// A code issued and redeemed: the new grant's id.
fn redeem(grants: &mut Grants, secrets: &mut SecretSource) -> u64 {
    let value = grants.issue_code(secrets, code(1000));
    let issued = grants.take_code(&value, "c", 0).unwrap();
    grants.grant_for_code(secrets, &value, issued, 10)
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
    let id = redeem(&mut grants, &mut secrets);
    let old = grants.grant(id).unwrap().refresh_token.clone();
    grants.rotate(&mut secrets, id, 20);
    assert_eq!(
        grants.find_token(&old),
        Some((id, TokenKind::RetiredRefresh))
    );
    let new = grants.grant(id).unwrap().refresh_token.clone();
    assert_eq!(grants.find_token(&new), Some((id, TokenKind::Refresh)));
}

#[test]
fn revoking_removes_every_token_of_the_grant_and_only_those() {
    let mut secrets = SecretSource::new(Some(1));
    let mut grants = Grants::default();
    let kept = redeem(&mut grants, &mut secrets);
    let id = redeem(&mut grants, &mut secrets);
    for _ in 0..3 {
        grants.rotate(&mut secrets, id, 20);
    }
    assert_eq!(grants.sizes().3, 2 + 2 + 3);
    grants.revoke(id);
    assert_eq!(grants.sizes().2, 1);
    assert_eq!(grants.sizes().3, 2, "only the other grant's pair is left");
    assert!(grants.grant(kept).is_some());
}

#[test]
fn tables_stay_bounded_however_many_logins_and_refreshes() {
    let mut secrets = SecretSource::new(Some(1));
    let mut grants = Grants::default();
    for _ in 0..(3 * MAX_GRANTS_PER_USER) {
        let id = redeem(&mut grants, &mut secrets);
        for _ in 0..(2 * RETIRED_KEPT) {
            grants.rotate(&mut secrets, id, 20);
        }
    }
    grants.sweep(1000 + REPLAY_MEMORY_MS);
    let (codes, redeemed, live, tokens) = grants.sizes();
    assert_eq!((codes, redeemed), (0, 0));
    assert_eq!(live, MAX_GRANTS_PER_USER);
    assert_eq!(tokens, MAX_GRANTS_PER_USER * (2 + RETIRED_KEPT));
}

#[test]
fn debug_shows_no_whole_token() {
    let mut secrets = SecretSource::new(Some(1));
    let mut grants = Grants::default();
    let id = redeem(&mut grants, &mut secrets);
    let grant = grants.grant(id).unwrap();
    let shown = format!("{grant:?}");
    assert!(!shown.contains(&grant.access_token), "{shown}");
    assert!(!shown.contains(&grant.refresh_token), "{shown}");
}

#[test]
fn a_table_keeps_as_many_grants_per_user_as_it_is_told() {
    let mut secrets = SecretSource::new(Some(1));
    let mut grants = Grants::keeping(3);
    let first = redeem(&mut grants, &mut secrets);
    for _ in 0..3 {
        redeem(&mut grants, &mut secrets);
    }
    assert_eq!(grants.live_grants(), 3);
    assert!(grants.grant(first).is_none(), "the oldest goes first");
}
