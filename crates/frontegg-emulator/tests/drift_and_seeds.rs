//! Changes made outside the API: drift of an existing integration, and integrations seeded as if
//! made in Frontegg's portal.

mod common;

use common::*;
use frontegg_emulator::{Emulator, fingerprint};
use reqwest::Method;
use serde_json::{Value, json};

async fn listed(emulator: &Emulator, token: &str) -> Vec<Value> {
    call(emulator, token, Method::GET, BASE, None)
        .await
        .json()
        .await
        .unwrap()
}

#[tokio::test]
async fn drifted_tools_are_answered_as_tool_dtos_even_ones_the_catalog_does_not_offer() {
    let emulator = start().await;
    let token = token(&emulator).await;
    let id = create_confluence_id(&emulator, &token).await;
    assert!(emulator.patch_integration(
        ENV,
        &id,
        json!({ "tools": ["zz:retired", "spaces:read"] })
    ));
    let answer = &listed(&emulator, &token).await[0];
    assert_eq!(
        answer["tools"],
        json!([
            {
                "name": "Read spaces",
                "identifier": "spaces:read",
                "scopes": ["read:space:confluence", "read:space-details:confluence"],
                "category": "Spaces"
            },
            { "name": "zz:retired", "identifier": "zz:retired" }
        ])
    );
}

#[tokio::test]
async fn drifted_agent_ids_replace_the_set() {
    let emulator = start().await;
    let token = token(&emulator).await;
    let id = create_confluence_id(&emulator, &token).await;
    assert!(emulator.patch_integration(ENV, &id, json!({ "agentIds": ["b", "a"] })));
    assert_eq!(
        listed(&emulator, &token).await[0]["agentIds"],
        json!(["a", "b"])
    );
    assert!(emulator.patch_integration(ENV, &id, json!({ "agentIds": ["c"] })));
    assert_eq!(listed(&emulator, &token).await[0]["agentIds"], json!(["c"]));
}

#[tokio::test]
async fn drift_switches_to_the_shared_app_and_another_authentication_type() {
    let emulator = start().await;
    let token = token(&emulator).await;
    let id = create_confluence_id(&emulator, &token).await;
    assert!(emulator.patch_integration(
        ENV,
        &id,
        json!({ "useFronteggIntegration": true, "authenticationType": "oauth2", "oauthConfigurations": null })
    ));
    let answer = &listed(&emulator, &token).await[0];
    assert_eq!(answer["useFronteggIntegration"], true);
    assert_eq!(answer["authenticationType"], "oauth2");
    assert_eq!(answer["oauthConfigurations"], Value::Null);
    assert_eq!(emulator.secret_fingerprint_of(ENV, &id), None);
}

#[tokio::test]
async fn drift_over_http_takes_tools_and_agents() {
    let emulator = start().await;
    let token = token(&emulator).await;
    let id = create_confluence_id(&emulator, &token).await;
    let response = admin(
        &emulator,
        Method::PATCH,
        &format!("environments/{ENV}/integrations/{id}"),
        Some(json!({ "tools": ["pages:read"], "agentIds": ["agent-a"], "useFronteggIntegration": true })),
    )
    .await;
    assert_eq!(response.status(), 200);
    let answer = &emulator.integrations(ENV)[0];
    assert_eq!(tool_identifiers(answer), ["pages:read"]);
    assert_eq!(answer["agentIds"], json!(["agent-a"]));
    assert_eq!(answer["useFronteggIntegration"], true);
}

#[tokio::test]
async fn a_seed_takes_the_portal_defaults() {
    let emulator = start().await;
    let token = token(&emulator).await;
    let id = emulator
        .seed_integration(ENV, json!({ "provider": "confluence" }))
        .expect("seeded");
    let answer = &listed(&emulator, &token).await[0];
    assert_eq!(answer["id"], json!(id));
    assert_eq!(answer["name"], "Confluence");
    assert_eq!(
        answer["fronteggIntegrationId"],
        json!(confluence_id(&emulator))
    );
    assert_eq!(answer["useFronteggIntegration"], true);
    assert_eq!(answer["authenticationType"], "behalf-of-user");
    assert_eq!(answer["isActive"], true);
    assert_eq!(answer["agentIds"], json!([]));
    assert_eq!(answer["oauthConfigurations"], Value::Null);
    assert_eq!(answer["description"], Value::Null);
    let every_tool: Vec<String> = emulator
        .catalog_tools("confluence")
        .iter()
        .map(|t| t["identifier"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(tool_identifiers(answer), every_tool);
    assert_eq!(emulator.secret_fingerprint_of(ENV, &id), None);
}

#[tokio::test]
async fn a_seed_takes_the_fields_it_is_given() {
    let emulator = start().await;
    let id = emulator
        .seed_integration(
            ENV,
            json!({
                "fronteggIntegrationId": confluence_id(&emulator),
                "name": "Portal wiki",
                "tools": ["pages:read", "zz:custom"],
                "agentIds": ["agent-a"],
                "useFronteggIntegration": false,
                "oauthConfigurations": { "clientId": "portal-client", "clientSecret": ATLASSIAN_SECRET }
            }),
        )
        .expect("seeded");
    let answer = &emulator.integrations(ENV)[0];
    assert_eq!(answer["name"], "Portal wiki");
    assert_eq!(tool_identifiers(answer), ["pages:read", "zz:custom"]);
    assert_eq!(answer["agentIds"], json!(["agent-a"]));
    assert_eq!(answer["useFronteggIntegration"], false);
    assert_eq!(
        answer["oauthConfigurations"],
        json!({ "clientId": "portal-client", "clientSecret": "********" })
    );
    assert_eq!(
        emulator.secret_fingerprint_of(ENV, &id),
        Some(fingerprint(ATLASSIAN_SECRET))
    );
}

#[tokio::test]
async fn a_seed_needs_a_known_catalog_entry_and_a_free_one() {
    let emulator = start().await;
    for fields in [
        json!({}),
        json!({ "provider": "myspace" }),
        json!({ "fronteggIntegrationId": "00000000-0000-4000-8000-000000000000" }),
        json!({ "provider": "jira", "fronteggIntegrationId": confluence_id(&emulator) }),
        json!("confluence"),
    ] {
        assert_eq!(
            emulator.seed_integration(ENV, fields.clone()),
            None,
            "{fields}"
        );
    }
    assert!(emulator.integrations(ENV).is_empty());
    assert!(
        emulator
            .seed_integration(ENV, json!({ "provider": "confluence" }))
            .is_some()
    );
    assert_eq!(
        emulator.seed_integration(ENV, json!({ "provider": "confluence" })),
        None
    );
    assert_eq!(emulator.integrations(ENV).len(), 1);
}

#[tokio::test]
async fn the_api_refuses_to_create_a_second_integration_beside_a_seed() {
    let emulator = start().await;
    let token = token(&emulator).await;
    emulator
        .seed_integration(ENV, json!({ "provider": "confluence" }))
        .unwrap();
    let response = call(
        &emulator,
        &token,
        Method::POST,
        BASE,
        Some(create_body(&emulator)),
    )
    .await;
    assert_eq!(response.status(), 409);
}

#[tokio::test]
async fn a_seed_on_the_shared_app_is_switched_to_own_credentials_by_a_patch() {
    let emulator = start().await;
    let token = token(&emulator).await;
    let id = emulator
        .seed_integration(ENV, json!({ "provider": "confluence" }))
        .unwrap();
    let response = call(
        &emulator,
        &token,
        Method::PATCH,
        &format!("{BASE}/{id}"),
        Some(json!({
            "useFronteggIntegration": false,
            "oauthConfigurations": { "clientId": "own-client", "clientSecret": ATLASSIAN_SECRET }
        })),
    )
    .await;
    assert_eq!(response.status(), 200);
    let patched: Value = response.json().await.unwrap();
    assert_eq!(patched["useFronteggIntegration"], false);
    assert_eq!(
        patched["oauthConfigurations"],
        json!({ "clientId": "own-client", "clientSecret": "********" })
    );
}

#[tokio::test]
async fn seeds_over_http() {
    let emulator = start().await;
    let path = format!("environments/{ENV}/integrations");
    let created = admin(
        &emulator,
        Method::POST,
        &path,
        Some(json!({ "provider": "confluence" })),
    )
    .await;
    assert_eq!(created.status(), 201);
    let body: Value = created.json().await.unwrap();
    assert_eq!(body["id"], emulator.integrations(ENV)[0]["id"]);
    let again = admin(
        &emulator,
        Method::POST,
        &path,
        Some(json!({ "provider": "confluence" })),
    )
    .await;
    assert_eq!(again.status(), 409);
    let unknown = admin(
        &emulator,
        Method::POST,
        &path,
        Some(json!({ "provider": "myspace" })),
    )
    .await;
    let (status, errors) = status_and_errors(unknown).await;
    assert_eq!(status, 400);
    assert_eq!(errors, ["provider myspace is not in the catalog"]);
}

#[tokio::test]
async fn seeds_are_not_in_the_request_log() {
    let emulator = start().await;
    emulator
        .seed_integration(ENV, json!({ "provider": "confluence" }))
        .unwrap();
    admin(
        &emulator,
        Method::POST,
        &format!("environments/{ENV}/integrations"),
        Some(json!({ "provider": "jira" })),
    )
    .await;
    assert!(emulator.requests().is_empty());
}
