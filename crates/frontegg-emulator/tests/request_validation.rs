//! Request validation as strict as Frontegg's: properties the DTO does not list, missing
//! required properties, wrong types and tools the catalog entry does not offer are refused with
//! 400 naming them, and nothing changes.

mod common;

use common::*;
use reqwest::Method;
use serde_json::{Value, json};

async fn create_errors(emulator: &frontegg_emulator::Emulator, body: Value) -> Vec<String> {
    let token = token(emulator).await;
    let response = call(emulator, &token, Method::POST, BASE, Some(body)).await;
    let (status, errors) = status_and_errors(response).await;
    assert_eq!(status, 400, "{errors:?}");
    assert!(emulator.integrations(ENV).is_empty(), "nothing is created");
    errors
}

async fn patch_errors(body: Value) -> Vec<String> {
    let emulator = start().await;
    let token = token(&emulator).await;
    let created = create_confluence(&emulator, &token).await;
    let id = created["id"].as_str().unwrap();
    let response = call(
        &emulator,
        &token,
        Method::PATCH,
        &format!("{BASE}/{id}"),
        Some(body),
    )
    .await;
    let (status, errors) = status_and_errors(response).await;
    assert_eq!(status, 400, "{errors:?}");
    assert_eq!(emulator.integrations(ENV), vec![created], "nothing changes");
    errors
}

#[tokio::test]
async fn create_with_scopes_is_refused_as_an_unlisted_property() {
    let emulator = start().await;
    let mut body = create_body(&emulator);
    body["scopes"] = json!(["read:page:confluence"]);
    assert_eq!(
        create_errors(&emulator, body).await,
        ["property scopes should not exist"]
    );
}

#[tokio::test]
async fn create_names_every_unlisted_property_including_nested_ones() {
    let emulator = start().await;
    let mut body = create_body(&emulator);
    body["agentIds"] = json!(["agent-1"]);
    body["id"] = json!("chosen-id");
    body["oauthConfigurations"]["redirectUri"] = json!("https://example.test");
    assert_eq!(
        create_errors(&emulator, body).await,
        [
            "property agentIds should not exist",
            "property id should not exist",
            "oauthConfigurations.property redirectUri should not exist",
        ]
    );
}

#[tokio::test]
async fn create_without_required_properties_names_each() {
    let emulator = start().await;
    let mut body = create_body(&emulator);
    let fields = body.as_object_mut().unwrap();
    for field in [
        "name",
        "fronteggIntegrationId",
        "authenticationType",
        "tools",
        "oauthConfigurations",
    ] {
        fields.remove(field);
    }
    assert_eq!(
        create_errors(&emulator, body).await,
        [
            "name is required",
            "fronteggIntegrationId is required",
            "authenticationType is required",
            "tools is required",
            "oauthConfigurations is required",
        ]
    );
}

#[tokio::test]
async fn create_needs_both_oauth_fields() {
    let emulator = start().await;
    let mut body = create_body(&emulator);
    body["oauthConfigurations"] = json!({});
    assert_eq!(
        create_errors(&emulator, body).await,
        [
            "oauthConfigurations.clientId is required",
            "oauthConfigurations.clientSecret is required",
        ]
    );
}

#[tokio::test]
async fn create_with_wrong_types_names_each() {
    let emulator = start().await;
    let mut body = create_body(&emulator);
    body["name"] = json!(7);
    body["description"] = json!(["x"]);
    body["tools"] = json!("pages:read");
    body["useFronteggIntegration"] = json!("false");
    body["isActive"] = json!(1);
    body["oauthConfigurations"] = json!("client:secret");
    assert_eq!(
        create_errors(&emulator, body).await,
        [
            "name must be a string",
            "description must be a string",
            "tools must be an array",
            "useFronteggIntegration must be a boolean value",
            "isActive must be a boolean value",
            "oauthConfigurations must be an object",
        ]
    );
}

#[tokio::test]
async fn create_with_a_tool_that_is_not_a_string_is_400() {
    let emulator = start().await;
    let mut body = create_body(&emulator);
    body["tools"] = json!([{ "identifier": "pages:read" }]);
    assert_eq!(
        create_errors(&emulator, body).await,
        ["each value in tools must be a string"]
    );
}

#[tokio::test]
async fn create_with_an_unknown_authentication_type_is_400() {
    let emulator = start().await;
    let mut body = create_body(&emulator);
    body["authenticationType"] = json!("oauth2");
    assert_eq!(
        create_errors(&emulator, body).await,
        ["authenticationType must be one of the following values: app-to-app, behalf-of-user"]
    );
}

#[tokio::test]
async fn both_authentication_types_are_accepted() {
    for authentication_type in ["app-to-app", "behalf-of-user"] {
        let emulator = start().await;
        let token = token(&emulator).await;
        let mut body = create_body(&emulator);
        body["authenticationType"] = json!(authentication_type);
        let created = create_with(&emulator, &token, body).await;
        assert_eq!(created["authenticationType"], authentication_type);
    }
}

#[tokio::test]
async fn create_with_a_tool_the_catalog_entry_does_not_offer_is_400_naming_it() {
    let emulator = start().await;
    let mut body = create_body(&emulator);
    body["tools"] = json!(["pages:read", "pages:fly", "issues:read"]);
    assert_eq!(
        create_errors(&emulator, body).await,
        [
            "tool issues:read is not offered by confluence",
            "tool pages:fly is not offered by confluence",
        ]
    );
}

#[tokio::test]
async fn a_tool_of_another_provider_is_400_and_no_tools_are_accepted() {
    let emulator = start().await;
    let token = token(&emulator).await;
    let mut body = create_body(&emulator);
    body["fronteggIntegrationId"] = json!(emulator.catalog_id(ENV, "jira").unwrap());
    body["tools"] = json!(["pages:read"]);
    let response = call(&emulator, &token, Method::POST, BASE, Some(body.clone())).await;
    let (status, errors) = status_and_errors(response).await;
    assert_eq!(status, 400);
    assert_eq!(errors, ["tool pages:read is not offered by jira"]);
    body["tools"] = json!([]);
    create_with(&emulator, &token, body).await;
}

#[tokio::test]
async fn create_with_an_unknown_catalog_id_is_400_naming_it() {
    let emulator = start().await;
    let mut body = create_body(&emulator);
    body["fronteggIntegrationId"] = json!("00000000-0000-4000-8000-000000000000");
    assert_eq!(
        create_errors(&emulator, body).await,
        [
            "fronteggIntegrationId 00000000-0000-4000-8000-000000000000 is not a known Frontegg integration"
        ]
    );
}

#[tokio::test]
async fn create_with_a_body_that_is_not_an_object_is_400() {
    let emulator = start().await;
    assert_eq!(
        create_errors(&emulator, json!([create_body(&emulator)])).await,
        ["Request body must be a JSON object"]
    );
}

#[tokio::test]
async fn patch_with_scopes_is_refused_as_an_unlisted_property() {
    assert_eq!(
        patch_errors(json!({ "name": "Wiki", "scopes": ["read:page:confluence"] })).await,
        ["property scopes should not exist"]
    );
}

#[tokio::test]
async fn patch_with_agent_ids_is_refused_they_change_only_through_agents_calls() {
    assert_eq!(
        patch_errors(json!({ "agentIds": ["agent-1"] })).await,
        ["property agentIds should not exist"]
    );
}

#[tokio::test]
async fn patch_with_an_unoffered_tool_is_400_naming_it() {
    assert_eq!(
        patch_errors(json!({ "tools": ["pages:read", "pages:fly"] })).await,
        ["tool pages:fly is not offered by confluence"]
    );
}

#[tokio::test]
async fn patch_with_wrong_types_or_null_is_400() {
    assert_eq!(
        patch_errors(json!({
            "name": "",
            "authenticationType": "oauth2",
            "isActive": null,
            "useFronteggIntegration": "yes",
            "oauthConfigurations": { "clientSecret": "s" }
        }))
        .await,
        [
            "name should not be empty",
            "authenticationType must be one of the following values: app-to-app, behalf-of-user",
            "useFronteggIntegration must be a boolean value",
            "isActive should not be null",
            "oauthConfigurations.clientId is required",
        ]
    );
}

#[tokio::test]
async fn request_bodies_are_checked_before_the_integration_is_looked_up() {
    let emulator = start().await;
    let token = token(&emulator).await;
    let response = call(
        &emulator,
        &token,
        Method::PATCH,
        &format!("{BASE}/00000000-0000-4000-8000-000000000000"),
        Some(json!({ "scopes": [] })),
    )
    .await;
    let (status, errors) = status_and_errors(response).await;
    assert_eq!(status, 400);
    assert_eq!(errors, ["property scopes should not exist"]);
}

#[tokio::test]
async fn validation_errors_carry_an_error_code_and_a_trace_id() {
    let emulator = start().await;
    let token = token(&emulator).await;
    let mut body = create_body(&emulator);
    body["scopes"] = json!([]);
    let response = call(&emulator, &token, Method::POST, BASE, Some(body)).await;
    assert_eq!(response.status(), 400);
    assert!(response.headers().contains_key("frontegg-trace-id"));
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["errorCode"], "ER-00400");
}
