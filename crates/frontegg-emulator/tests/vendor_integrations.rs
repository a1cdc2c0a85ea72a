//! The vendor-integration calls of the contract: create, list, patch, delete, and their answers.

mod common;

use common::*;
use reqwest::Method;
use serde_json::{Value, json};

#[tokio::test]
async fn create_answers_201_with_the_secret_masked() {
    let emulator = start().await;
    let token = token(&emulator).await;
    let created = create_confluence(&emulator, &token).await;
    assert!(uuid_like(created["id"].as_str().unwrap()));
    assert_eq!(created["name"], "Confluence");
    assert_eq!(created["description"], "Team wiki");
    assert_eq!(
        created["fronteggIntegrationId"],
        json!(confluence_id(&emulator))
    );
    assert_eq!(created["authenticationType"], "behalf-of-user");
    assert_eq!(created["isActive"], true);
    assert_eq!(created["useFronteggIntegration"], false);
    assert_eq!(created["agentIds"], json!([]));
    assert_eq!(
        created["oauthConfigurations"],
        json!({ "clientId": "atlassian-client", "clientSecret": "********" })
    );
    assert!(!created.to_string().contains(ATLASSIAN_SECRET));
}

fn uuid_like(s: &str) -> bool {
    s.len() == 36 && s.chars().filter(|c| *c == '-').count() == 4
}

#[tokio::test]
async fn timestamps_are_rfc3339_utc_with_milliseconds() {
    let emulator = start().await;
    let token = token(&emulator).await;
    let created = create_confluence(&emulator, &token).await;
    for field in ["createdAt", "updatedAt"] {
        let stamp = created[field].as_str().unwrap();
        let parsed =
            time::OffsetDateTime::parse(stamp, &time::format_description::well_known::Rfc3339);
        assert!(parsed.is_ok(), "{field} {stamp} parses");
        assert_eq!(stamp.len(), "2026-01-15T10:30:00.000Z".len(), "{stamp}");
        assert!(stamp.ends_with('Z'));
    }
}

#[tokio::test]
async fn responses_carry_fields_outside_the_contract() {
    let emulator = start().await;
    let token = token(&emulator).await;
    let created = create_confluence(&emulator, &token).await;
    assert!(created.get("vendorId").is_some());
    assert!(created.get("metadata").is_some());
}

#[tokio::test]
async fn tools_come_back_as_tool_dtos_in_catalog_order_and_there_is_no_scopes_field() {
    let emulator = start().await;
    let token = token(&emulator).await;
    let created = create_confluence(&emulator, &token).await;
    assert_eq!(
        created["tools"],
        json!([
            {
                "name": "Read pages",
                "identifier": "pages:read",
                "scopes": ["read:page:confluence"],
                "category": "Pages"
            },
            {
                "name": "Create and update pages",
                "identifier": "pages:write",
                "scopes": ["read:page:confluence", "write:page:confluence"],
                "category": "Pages"
            }
        ])
    );
    assert!(created.get("scopes").is_none(), "{created}");
    let listed: Vec<Value> = call(&emulator, &token, Method::GET, BASE, None)
        .await
        .json()
        .await
        .unwrap();
    assert!(listed[0].get("scopes").is_none());
}

#[tokio::test]
async fn use_frontegg_integration_and_is_active_default_to_true() {
    let emulator = start().await;
    let token = token(&emulator).await;
    let mut body = create_body(&emulator);
    let fields = body.as_object_mut().unwrap();
    fields.remove("useFronteggIntegration");
    fields.remove("isActive");
    fields.remove("description");
    let created = create_with(&emulator, &token, body).await;
    assert_eq!(created["useFronteggIntegration"], true);
    assert_eq!(created["isActive"], true);
    assert_eq!(created["description"], Value::Null);
}

#[tokio::test]
async fn duplicate_tools_collapse() {
    let emulator = start().await;
    let token = token(&emulator).await;
    let mut body = create_body(&emulator);
    body["tools"] = json!(["spaces:read", "pages:read", "spaces:read"]);
    let created = create_with(&emulator, &token, body).await;
    assert_eq!(tool_identifiers(&created), ["pages:read", "spaces:read"]);
}

#[tokio::test]
async fn an_empty_tool_list_enables_no_tool() {
    let emulator = start().await;
    let token = token(&emulator).await;
    let mut body = create_body(&emulator);
    body["tools"] = json!([]);
    let created = create_with(&emulator, &token, body).await;
    assert_eq!(created["tools"], json!([]));
}

#[tokio::test]
async fn list_returns_the_created_integration() {
    let emulator = start().await;
    let token = token(&emulator).await;
    let created = create_confluence(&emulator, &token).await;
    let response = call(&emulator, &token, Method::GET, BASE, None).await;
    assert_eq!(response.status(), 200);
    let listed: Vec<Value> = response.json().await.unwrap();
    assert_eq!(listed, vec![created]);
}

#[tokio::test]
async fn second_integration_for_the_same_catalog_entry_is_409() {
    let emulator = start().await;
    let token = token(&emulator).await;
    create_confluence(&emulator, &token).await;
    let response = call(
        &emulator,
        &token,
        Method::POST,
        BASE,
        Some(create_body(&emulator)),
    )
    .await;
    assert_eq!(response.status(), 409);
    let body: Value = response.json().await.unwrap();
    assert!(body["errors"].as_array().is_some_and(|e| !e.is_empty()));
    assert!(body["errorCode"].as_str().unwrap().starts_with("ER-"));
    assert_eq!(emulator.integrations(ENV).len(), 1);
}

#[tokio::test]
async fn create_without_required_fields_is_400_naming_them() {
    let emulator = start().await;
    let token = token(&emulator).await;
    let mut body = create_body(&emulator);
    body.as_object_mut().unwrap().remove("name");
    body["oauthConfigurations"]
        .as_object_mut()
        .unwrap()
        .remove("clientSecret");
    let response = call(&emulator, &token, Method::POST, BASE, Some(body)).await;
    assert_eq!(response.status(), 400);
    let body: Value = response.json().await.unwrap();
    let errors = body["errors"].to_string();
    assert!(errors.contains("name"), "{errors}");
    assert!(
        errors.contains("oauthConfigurations.clientSecret"),
        "{errors}"
    );
    assert!(emulator.integrations(ENV).is_empty());
}

#[tokio::test]
async fn create_with_an_unknown_catalog_id_is_400() {
    let emulator = start().await;
    let token = token(&emulator).await;
    let mut body = create_body(&emulator);
    body["fronteggIntegrationId"] = json!("00000000-0000-4000-8000-000000000000");
    let response = call(&emulator, &token, Method::POST, BASE, Some(body)).await;
    assert_eq!(response.status(), 400);
}

#[tokio::test]
async fn create_with_a_body_that_is_not_json_is_400() {
    let emulator = start().await;
    let token = token(&emulator).await;
    let response = http()
        .post(format!("{}{BASE}", emulator.base_url()))
        .bearer_auth(&token)
        .body("name=Confluence")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
}

#[tokio::test]
async fn patch_changes_only_the_fields_sent() {
    let emulator = start().await;
    let token = token(&emulator).await;
    let created = create_confluence(&emulator, &token).await;
    let id = created["id"].as_str().unwrap();
    let response = call(
        &emulator,
        &token,
        Method::PATCH,
        &format!("{BASE}/{id}"),
        Some(json!({ "name": "Wiki" })),
    )
    .await;
    assert_eq!(response.status(), 200);
    let patched: Value = response.json().await.unwrap();
    assert_eq!(patched["name"], "Wiki");
    assert_eq!(patched["tools"], created["tools"]);
    assert_eq!(patched["description"], created["description"]);
    assert_eq!(patched["isActive"], created["isActive"]);
    assert_eq!(
        patched["useFronteggIntegration"],
        created["useFronteggIntegration"]
    );
    assert_eq!(
        patched["oauthConfigurations"],
        created["oauthConfigurations"]
    );
    assert_eq!(patched["createdAt"], created["createdAt"]);
    assert_eq!(
        emulator.secret_fingerprint_of(ENV, id),
        Some(frontegg_emulator::fingerprint(ATLASSIAN_SECRET))
    );
}

#[tokio::test]
async fn patch_tools_replaces_the_whole_set() {
    let emulator = start().await;
    let token = token(&emulator).await;
    let id = create_confluence_id(&emulator, &token).await;
    let response = call(
        &emulator,
        &token,
        Method::PATCH,
        &format!("{BASE}/{id}"),
        Some(json!({ "tools": ["labels:read", "spaces:read"] })),
    )
    .await;
    assert_eq!(response.status(), 200);
    let patched: Value = response.json().await.unwrap();
    assert_eq!(tool_identifiers(&patched), ["spaces:read", "labels:read"]);
}

#[tokio::test]
async fn patch_sets_each_listed_field() {
    let emulator = start().await;
    let token = token(&emulator).await;
    let id = create_confluence_id(&emulator, &token).await;
    let response = call(
        &emulator,
        &token,
        Method::PATCH,
        &format!("{BASE}/{id}"),
        Some(json!({
            "description": "Docs",
            "authenticationType": "app-to-app",
            "useFronteggIntegration": true,
            "isActive": false
        })),
    )
    .await;
    assert_eq!(response.status(), 200);
    let patched: Value = response.json().await.unwrap();
    assert_eq!(patched["description"], "Docs");
    assert_eq!(patched["authenticationType"], "app-to-app");
    assert_eq!(patched["useFronteggIntegration"], true);
    assert_eq!(patched["isActive"], false);
}

#[tokio::test]
async fn patch_description_null_clears_it() {
    let emulator = start().await;
    let token = token(&emulator).await;
    let id = create_confluence_id(&emulator, &token).await;
    let response = call(
        &emulator,
        &token,
        Method::PATCH,
        &format!("{BASE}/{id}"),
        Some(json!({ "description": null })),
    )
    .await;
    let patched: Value = response.json().await.unwrap();
    assert_eq!(patched["description"], Value::Null);
}

#[tokio::test]
async fn patch_with_new_oauth_configuration_replaces_the_stored_secret() {
    let emulator = start().await;
    let token = token(&emulator).await;
    let id = create_confluence_id(&emulator, &token).await;
    let response = call(
        &emulator,
        &token,
        Method::PATCH,
        &format!("{BASE}/{id}"),
        Some(json!({ "oauthConfigurations": { "clientId": "new-client", "clientSecret": "rotated" } })),
    )
    .await;
    assert_eq!(response.status(), 200);
    let patched: Value = response.json().await.unwrap();
    assert_eq!(
        patched["oauthConfigurations"],
        json!({ "clientId": "new-client", "clientSecret": "********" })
    );
    assert_eq!(
        emulator.secret_fingerprint_of(ENV, &id),
        Some(frontegg_emulator::fingerprint("rotated"))
    );
}

#[tokio::test]
async fn patch_with_half_an_oauth_configuration_is_400() {
    let emulator = start().await;
    let token = token(&emulator).await;
    let id = create_confluence_id(&emulator, &token).await;
    let response = call(
        &emulator,
        &token,
        Method::PATCH,
        &format!("{BASE}/{id}"),
        Some(json!({ "oauthConfigurations": { "clientId": "only-the-id" } })),
    )
    .await;
    assert_eq!(response.status(), 400);
    assert_eq!(
        emulator.integrations(ENV)[0]["oauthConfigurations"]["clientId"],
        "atlassian-client"
    );
}

#[tokio::test]
async fn patch_with_fronteggintegrationid_is_400_and_changes_nothing() {
    let emulator = start().await;
    let token = token(&emulator).await;
    let created = create_confluence(&emulator, &token).await;
    let id = created["id"].as_str().unwrap();
    let jira = emulator.catalog_id(ENV, "jira").unwrap();
    let response = call(
        &emulator,
        &token,
        Method::PATCH,
        &format!("{BASE}/{id}"),
        Some(json!({ "name": "Other", "fronteggIntegrationId": jira })),
    )
    .await;
    let (status, errors) = status_and_errors(response).await;
    assert_eq!(status, 400);
    assert_eq!(errors, ["property fronteggIntegrationId should not exist"]);
    assert_eq!(emulator.integrations(ENV), vec![created]);
}

#[tokio::test]
async fn patch_of_a_missing_integration_is_404() {
    let emulator = start().await;
    let token = token(&emulator).await;
    let response = call(
        &emulator,
        &token,
        Method::PATCH,
        &format!("{BASE}/00000000-0000-4000-8000-000000000000"),
        Some(json!({ "name": "Wiki" })),
    )
    .await;
    assert_eq!(response.status(), 404);
    let body: Value = response.json().await.unwrap();
    assert!(body["errors"].is_array());
}

#[tokio::test]
async fn delete_answers_200_with_an_empty_body_then_404() {
    let emulator = start().await;
    let token = token(&emulator).await;
    let id = create_confluence_id(&emulator, &token).await;
    let path = format!("{BASE}/{id}");
    let response = call(&emulator, &token, Method::DELETE, &path, None).await;
    assert_eq!(response.status(), 200);
    assert!(response.bytes().await.unwrap().is_empty());
    assert!(emulator.integrations(ENV).is_empty());
    let again = call(&emulator, &token, Method::DELETE, &path, None).await;
    assert_eq!(again.status(), 404);
}

#[tokio::test]
async fn confluence_can_be_created_again_after_delete() {
    let emulator = start().await;
    let token = token(&emulator).await;
    let id = create_confluence_id(&emulator, &token).await;
    call(
        &emulator,
        &token,
        Method::DELETE,
        &format!("{BASE}/{id}"),
        None,
    )
    .await;
    let again = create_confluence(&emulator, &token).await;
    assert_ne!(again["id"], json!(id));
}

#[tokio::test]
async fn unknown_route_is_404_with_a_message() {
    let emulator = start().await;
    let response = http()
        .get(format!("{}/no/such/route", emulator.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
    let body: Value = response.json().await.unwrap();
    assert!(body["message"].as_str().unwrap().contains("/no/such/route"));
}
