//! The admin page and API: only for `admin`, safe from other sites, and
//! strict about what it grants.

mod support;

use mock_discord::{MockConfig, MockDiscord, User};
use support::*;

const FORM: (&str, &str) = ("content-type", "application/x-www-form-urlencoded");

async fn user_id(state: &std::sync::Arc<permissions::app::PermissionsApp>, subject: &str) -> i64 {
    permissions::identities::find_by_identity(&state.db, "discord", subject)
        .await
        .unwrap()
        .unwrap()
}

async fn the_api_grants_and_revokes_for_admins_only(backend: Backend) {
    let mock = mock().await;
    let (_, db) = database(backend).await;
    let state = state(&mock, db);
    let mut ada = logged_in_browser(stage(&state), &ADA).await;
    let mut nelly = logged_in_browser(stage(&state), &NELLY).await;
    let mut anonymous = support::browser(stage(&state));
    let nelly_id = user_id(&state, &NELLY).await;
    let path = format!("/admin/api/users/{nelly_id}/permissions/privileged");

    assert_eq!(anonymous.request("PUT", &path, &[]).await.status(), 401);
    assert_eq!(nelly.request("PUT", &path, &[]).await.status(), 403);
    assert_eq!(nelly.get("/privileged").await.status(), 403);

    assert_eq!(ada.request("PUT", &path, &[]).await.status(), 204);
    assert_eq!(nelly.get("/privileged").await.status(), 200);
    let listed = body_json(&ada.get("/admin/api/users").await);
    let nelly_listed = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["id"] == nelly_id)
        .unwrap()
        .clone();
    assert_eq!(
        nelly_listed["permissions"],
        serde_json::json!(["privileged"])
    );
    assert_eq!(nelly_listed["identities"][0]["subject"], NELLY.as_str());

    assert_eq!(ada.request("DELETE", &path, &[]).await.status(), 204);
    assert_eq!(nelly.get("/privileged").await.status(), 403);

    let unknown_permission = ada
        .request(
            "PUT",
            &format!("/admin/api/users/{nelly_id}/permissions/root"),
            &[],
        )
        .await;
    assert_eq!(unknown_permission.status(), 400);
    assert!(
        detail(&unknown_permission).contains("admin, privileged")
            || detail(&unknown_permission).contains("privileged, admin")
    );
    let unknown_user = ada
        .request("PUT", "/admin/api/users/42/permissions/admin", &[])
        .await;
    assert_eq!(unknown_user.status(), 404);
    assert_eq!(
        ada.request("PUT", "/admin/api/users/nobody/permissions/admin", &[])
            .await
            .status(),
        404
    );
}

async fn the_page_lists_users_and_its_forms_work_from_our_own_pages_only(backend: Backend) {
    let mock = mock().await;
    let (_, db) = database(backend).await;
    let state = state(&mock, db);
    let mut ada = logged_in_browser(stage(&state), &ADA).await;
    let mut grace = logged_in_browser(stage(&state), &GRACE).await;
    let grace_id = user_id(&state, &GRACE).await;

    let page = ada.get("/admin/users").await;
    assert_eq!(page.status(), 200);
    let html = String::from_utf8_lossy(page.body()).to_string();
    assert!(html.contains("Grace Hopper") && html.contains(&format!("discord:{}", *GRACE)));
    assert!(
        html.contains(&format!("id=\"grant-admin-{grace_id}\"")),
        "{html}"
    );

    let form = format!("/admin/users/{grace_id}/permissions");
    for cross_site in [
        vec![("sec-fetch-site", "cross-site"), FORM],
        vec![("origin", "https://evil.example"), FORM],
    ] {
        let refused = ada
            .send("POST", &form, &cross_site, "permission=admin&action=grant")
            .await;
        assert_eq!(refused.status(), 403, "{cross_site:?}");
    }
    assert_eq!(
        grace.get("/admin").await.status(),
        403,
        "nothing was granted"
    );

    let same_site = [("sec-fetch-site", "same-origin"), FORM];
    let granted = ada
        .send("POST", &form, &same_site, "permission=admin&action=grant")
        .await;
    assert_eq!(granted.status(), 303);
    assert_eq!(grace.get("/admin").await.status(), 200);
    let revoked = ada
        .send("POST", &form, &same_site, "permission=admin&action=revoke")
        .await;
    assert_eq!(revoked.status(), 303);
    assert_eq!(grace.get("/admin").await.status(), 403);

    for (body, status) in [
        ("permission=admin&action=delete", 400),
        ("permission=root&action=grant", 400),
        ("garbage", 400),
    ] {
        let response = ada.send("POST", &form, &same_site, body).await;
        assert_eq!(response.status(), status, "{body}: {}", detail(&response));
    }
    // Grace may not use the form on herself.
    let own = grace
        .send("POST", &form, &same_site, "permission=admin&action=grant")
        .await;
    assert_eq!(own.status(), 403);
}

/// A display name is chosen at the provider: the page shows it as text.
async fn names_are_escaped(backend: Backend) {
    let mut config = MockConfig::default();
    let mut mallory: User = config.users[0].clone();
    mallory.id = "999000111222333444".into();
    mallory.username = "mallory".into();
    mallory.global_name = Some("<script>alert(1)</script>".into());
    config.users.push(mallory);
    let mock = MockDiscord::builder().config(config).spawn().await.unwrap();
    let (_, db) = database(backend).await;
    let state = state(&mock, db);
    logged_in_browser(stage(&state), "999000111222333444").await;
    let mut ada = logged_in_browser(stage(&state), &ADA).await;
    let html = String::from_utf8_lossy(ada.get("/admin/users").await.body()).to_string();
    assert!(!html.contains("<script>alert(1)</script>"), "{html}");
    assert!(html.contains("&#60;script&#62;"), "{html}");
}

on_both_databases!(
    the_api_grants_and_revokes_for_admins_only,
    the_page_lists_users_and_its_forms_work_from_our_own_pages_only,
    names_are_escaped,
);

#[tokio::test]
async fn the_inspector_hears_each_permission_granted_or_denied() {
    let mock = mock().await;
    let (_, db) = database(Backend::Sqlite).await;
    let state = state(&mock, db);
    let mut ada = logged_in_browser(stage(&state), &ADA).await;
    assert_eq!(ada.get("/admin").await.status(), 200);
    let mut nelly = logged_in_browser(stage(&state), &NELLY).await;
    assert_eq!(nelly.get("/admin").await.status(), 403);
    let drawn: Vec<(String, bool)> = mock
        .steps()
        .into_iter()
        .filter(|s| s.label.starts_with("permission"))
        .map(|s| (s.label, s.ok))
        .collect();
    assert_eq!(
        drawn,
        [
            ("permission admin granted".to_string(), true),
            ("permission admin denied".to_string(), false)
        ]
    );
}
