//! Offline, the embedded mock's users arrive with permissions that show
//! every answer: Ada is an admin, Grace is privileged, Nelly may do
//! nothing. So an attendee sees 200, 403 and 401 by choosing a user.

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
