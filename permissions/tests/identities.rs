//! Identities are keyed by issuer and subject (OpenID Connect Core §5.7):
//! the same `sub` at another issuer is someone else. And a database from
//! before issuers were recorded keeps its users. On SQLite and PostgreSQL.

mod support;

use permissions::db::Db;
use permissions::identities;
use support::*;

async fn google_user_id<F: common::testing::StageRoutes>(routes: F) -> serde_json::Value {
    let mut browser = google_browser(routes);
    let login = browser.login(GOOGLE_ADA).await;
    assert_eq!(login.status(), 303, "{}", detail(&login));
    body_json(&browser.get("/users/me").await)
}

/// GOOGLE_ISSUER changed, the database kept: `sub` at the new issuer does
/// not log into the account of the same `sub` at the old one, and does not
/// get its permissions.
async fn the_same_subject_at_another_issuer_is_another_user(backend: Backend) {
    let (_, db) = database(backend).await;
    let old_issuer = mock().await;
    let before = google_user_id(stage(&state_with_google(&old_issuer, db.clone()).await)).await;
    let old_user = before["id"].as_i64().unwrap();
    permissions::users::grant(&db, old_user, "admin")
        .await
        .unwrap();

    let new_issuer = mock().await;
    assert_ne!(old_issuer.google_issuer(), new_issuer.google_issuer());
    let after = google_user_id(stage(&state_with_google(&new_issuer, db.clone()).await)).await;
    assert_ne!(
        after["id"], before["id"],
        "the new issuer's {GOOGLE_ADA} took over the old account"
    );
    assert_eq!(after["permissions"], serde_json::json!([]));

    // Each issuer's identity keeps its own user.
    let again = google_user_id(stage(&state_with_google(&old_issuer, db.clone()).await)).await;
    assert_eq!(again["id"], before["id"]);
    let mut issuers = texts(&db, "SELECT issuer FROM identities").await;
    issuers.sort();
    let mut expected = vec![old_issuer.google_issuer(), new_issuer.google_issuer()];
    expected.sort();
    assert_eq!(issuers, expected);
}

/// A database made before migration 0004, with a user who logged in with
/// Discord: after the migration and the first start's adoption, the same
/// login finds the same user, permissions and all.
async fn identities_from_before_issuers_keep_their_users(backend: Backend) {
    let url = empty_database(backend).await;
    // The migrations as they were, in a directory of their own.
    let before_0004 =
        std::env::temp_dir().join(format!("before_0004_{}_{backend:?}", std::process::id()));
    std::fs::create_dir_all(&before_0004).unwrap();
    for file in [
        "0001_schema.sql",
        "0002_database_mode.sql",
        "0003_session_subject.sql",
    ] {
        let from = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("migrations")
            .join(file);
        std::fs::copy(from, before_0004.join(file)).unwrap();
    }
    let old = Db::connect_lazy(&url).unwrap();
    sqlx::migrate::Migrator::new(before_0004.as_path())
        .await
        .unwrap()
        .run(&old.pool)
        .await
        .unwrap();
    for sql in [
        "INSERT INTO users (id, display_name, created_at) VALUES (42, 'Grace', 0)",
        "INSERT INTO permissions (user_id, name) VALUES (42, 'admin')",
    ] {
        sqlx::query(sql).execute(&old.pool).await.unwrap();
    }
    sqlx::query("INSERT INTO identities (provider, subject, user_id, profile) VALUES ('discord', $1, 42, '{}')")
        .bind(&*GRACE)
        .execute(&old.pool)
        .await
        .unwrap();
    old.pool.close().await;

    let db = Db::connect(&url).await.unwrap();
    assert_eq!(
        texts(&db, "SELECT issuer FROM identities").await,
        ["unrecorded:discord"]
    );
    let mock = mock().await;
    let state = state(&mock, db.clone());
    let issuer = state.provider.issuer.clone();
    let adopted = identities::adopt_unrecorded(&db, "discord", &issuer)
        .await
        .unwrap();
    assert_eq!(adopted, 1);
    assert_eq!(texts(&db, "SELECT issuer FROM identities").await, [issuer]);
    std::fs::remove_dir_all(&before_0004).unwrap();

    let mut grace = logged_in_browser(stage(&state), &GRACE).await;
    let me = body_json(&grace.get("/users/me").await);
    assert_eq!(me["id"], 42, "{me}");
    assert_eq!(me["permissions"], serde_json::json!(["admin"]));
}

on_both_databases!(
    the_same_subject_at_another_issuer_is_another_user,
    identities_from_before_issuers_keep_their_users,
);
