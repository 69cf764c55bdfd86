//! Offline, the embedded mock's users arrive with permissions that show
//! every answer: Ada is an admin, Grace is privileged, Nelly may do
//! nothing. So an attendee sees 200, 403 and 401 by choosing a user.
//!
//! Those grants are keyed by the mock users' ids, which look like real
//! Discord ids. A database made offline and later used online would make
//! a real account with Ada's id an admin. So a database remembers the mode
//! that made it ([`claim_mode`]), and the other mode refuses to start on it.

use crate::db::{describe, Db};
use common::offline::mock_user_id;

/// Who gets what, by the mock user's username.
const STARTING: [(&str, &[&str]); 2] = [
    ("ada.lovelace", &["admin", "privileged"]),
    ("grace_h", &["privileged"]),
];

/// The permissions a first login at the embedded mock starts with.
pub fn starting_permissions(provider: &str, subject: &str) -> &'static [&'static str] {
    if provider != "discord" {
        return &[];
    }
    STARTING
        .iter()
        .find(|(username, _)| mock_user_id(username).as_deref() == Some(subject))
        .map(|(_, permissions)| *permissions)
        .unwrap_or(&[])
}

/// Records that `offline` (or online) mode uses `db`, or refuses with a
/// message naming `DATABASE_URL` when the other mode made it. A database
/// from before modes were recorded counts as offline-made if one of the
/// mock's granted users is in it.
pub async fn claim_mode(db: &Db, offline: bool, url: &str) -> Result<(), String> {
    let wanted = if offline { "offline" } else { "online" };
    let failed = |e: sqlx::Error| format!("DATABASE_URL: {}: {e}", describe(url));
    let made_offline_before = if offline {
        true
    } else {
        let mut found = false;
        for (username, _) in STARTING {
            let Some(id) = mock_user_id(username) else {
                continue;
            };
            let row =
                sqlx::query("SELECT 1 FROM identities WHERE provider = 'discord' AND subject = $1")
                    .bind(id)
                    .fetch_optional(&db.pool)
                    .await
                    .map_err(failed)?;
            found |= row.is_some();
        }
        found
    };
    let first = if made_offline_before {
        "offline"
    } else {
        wanted
    };
    // Of two processes starting at once, the first row wins; both read it.
    sqlx::query("INSERT INTO database_mode (id, mode) VALUES (1, $1) ON CONFLICT (id) DO NOTHING")
        .bind(first)
        .execute(&db.pool)
        .await
        .map_err(failed)?;
    let made_by: String = sqlx::query_scalar("SELECT mode FROM database_mode WHERE id = 1")
        .fetch_one(&db.pool)
        .await
        .map_err(failed)?;
    match (made_by.as_str(), offline) {
        (made, _) if made == wanted => Ok(()),
        ("offline", false) => Err(format!(
            "DATABASE_URL: {} was made in offline mode, where the mock's users are granted \
             permissions (ada.lovelace is an admin). Online, a real account with the same id \
             would inherit them. Set DATABASE_URL to another database for online use, for \
             example sqlite://permissions-online.db",
            describe(url)
        )),
        _ => Err(format!(
            "DATABASE_URL: {} was made online. Offline mode would grant the mock's users \
             permissions in it, under ids real accounts may hold. Set DATABASE_URL to another \
             database for offline use, for example sqlite://permissions-offline.db",
            describe(url)
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ada_grace_and_nelly() {
        let id = |name| mock_user_id(name).unwrap();
        assert_eq!(
            starting_permissions("discord", &id("ada.lovelace")),
            ["admin", "privileged"]
        );
        assert_eq!(
            starting_permissions("discord", &id("grace_h")),
            ["privileged"]
        );
        assert!(starting_permissions("discord", &id("nelly")).is_empty());
        assert!(starting_permissions("google", &id("ada.lovelace")).is_empty());
    }
}
