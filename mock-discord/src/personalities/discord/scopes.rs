//! Discord's OAuth2 scopes, and what the consent page says about each.

/// Every scope Discord documents. A scope not in this list is
/// `invalid_scope`, as it is on Discord.
pub const KNOWN_SCOPES: &[&str] = &[
    "activities.read",
    "activities.write",
    "applications.builds.read",
    "applications.builds.upload",
    "applications.commands",
    "applications.commands.permissions.update",
    "applications.commands.update",
    "applications.entitlements",
    "applications.store.update",
    "bot",
    "connections",
    "dm_channels.read",
    "email",
    "gdm.join",
    "guilds",
    "guilds.join",
    "guilds.members.read",
    "identify",
    "messages.read",
    "openid",
    "relationships.read",
    "role_connections.write",
    "rpc",
    "rpc.activities.write",
    "rpc.notifications.read",
    "rpc.voice.read",
    "rpc.voice.write",
    "voice",
    "webhook.incoming",
];

/// The sentence the consent page shows for a scope, in Discord's words
/// where Discord has them.
pub fn describe(scope: &str) -> String {
    match scope {
        "identify" => "Access your username, avatar, and banner".into(),
        "email" => "Access your email address".into(),
        "guilds" => "Know what servers you're in".into(),
        "guilds.join" => "Join servers for you".into(),
        "guilds.members.read" => {
            "Read your member info (nickname, avatar, roles, etc...) for servers you belong to"
                .into()
        }
        "connections" => "Access your third-party connections".into(),
        "openid" => "Sign you in with OpenID Connect".into(),
        other => format!("Use the \u{201c}{other}\u{201d} permission"),
    }
}
