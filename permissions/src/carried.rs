//! What stage 3 keeps in a login's transaction, beside stage 1's state,
//! PKCE verifier and issuer: sealed in the same cookie, and back at the
//! callback.
//!
//! * Google's `nonce` (OpenID Connect Core §3.1.2.1): the ID token must
//!   bring it back, which binds the token to this login.
//! * Which user a login links an identity to, when it was started by the
//!   "link" button instead of "log in".

use basic::transaction::Transaction;
use serde::{Deserialize, Serialize};

#[derive(Debug, Default, Clone, PartialEq, Serialize, Deserialize)]
pub struct Carried {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nonce: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link_to: Option<i64>,
}

impl Carried {
    /// What this login's transaction carries (nothing, for a login stage
    /// 3 did not start).
    pub fn of(transaction: &Transaction) -> Carried {
        transaction
            .carried
            .as_ref()
            .and_then(|value| Carried::deserialize(value).ok())
            .unwrap_or_default()
    }

    /// Puts it into the transaction, to be sealed with it.
    pub fn keep_in(self, transaction: &mut Transaction) {
        transaction.carried = serde_json::to_value(self).ok();
    }
}
