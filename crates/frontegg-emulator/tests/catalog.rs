//! The integration catalog: every provider of the contract, and each entry with its tools.

mod common;

use std::collections::BTreeSet;

use common::*;
use reqwest::Method;
use serde_json::{Value, json};

const PROVIDERS: [&str; 31] = [
    "slack",
    "jira",
    "confluence",
    "hubspot",
    "github",
    "notion",
    "frontegg",
    "monday",
    "salesforce",
    "intercom",
    "stripe",
    "gitlab",
    "clickup",
    "zoom",
    "figma",
    "google-calendar",
    "google-drive",
    "google-sheets",
    "google-docs",
    "gsuite",
    "google-gmail",
    "google-meet",
    "asana",
    "calendly",
    "microsoft-teams",
    "microsoft-outlook",
    "microsoft-onedrive",
    "miro",
    "linkedin",
    "discord",
    "pagerduty",
];

/// Identifier and scopes of each Confluence tool, as `data/confluence-tools.tsv` lists them.
const CONFLUENCE_TOOLS: [(&str, &str, &str, &[&str]); 11] = [
    (
        "pages:read",
        "Read pages",
        "Pages",
        &["read:page:confluence"],
    ),
    (
        "pages:write",
        "Create and update pages",
        "Pages",
        &["read:page:confluence", "write:page:confluence"],
    ),
    (
        "pages:delete",
        "Delete pages",
        "Pages",
        &["delete:page:confluence"],
    ),
    (
        "pages:tree",
        "Browse page trees",
        "Pages",
        &[
            "read:hierarchical-content:confluence",
            "read:page:confluence",
        ],
    ),
    (
        "spaces:read",
        "Read spaces",
        "Spaces",
        &["read:space:confluence", "read:space-details:confluence"],
    ),
    (
        "spaces:write",
        "Create and update spaces",
        "Spaces",
        &["write:space:confluence"],
    ),
    (
        "users:read",
        "Look up users",
        "People",
        &["read:user:confluence", "read:content-details:confluence"],
    ),
    (
        "groups:read",
        "Read groups",
        "People",
        &["read:group:confluence"],
    ),
    (
        "labels:read",
        "Read labels",
        "Labels",
        &["read:label:confluence"],
    ),
    (
        "labels:write",
        "Add and remove labels",
        "Labels",
        &["read:label:confluence", "write:label:confluence"],
    ),
    (
        "settings:read",
        "Read Confluence settings",
        "Settings",
        &["read:configuration:confluence"],
    ),
];

async fn get(emulator: &frontegg_emulator::Emulator, path: &str) -> reqwest::Response {
    let token = token(emulator).await;
    call(emulator, &token, Method::GET, path, None).await
}

#[tokio::test]
async fn catalog_lists_all_31_providers_of_the_contract_with_their_ids() {
    let emulator = start().await;
    let response = get(&emulator, CATALOG).await;
    assert_eq!(response.status(), 200);
    let catalog: Vec<Value> = response.json().await.unwrap();
    let providers: Vec<&str> = catalog
        .iter()
        .map(|e| e["provider"].as_str().unwrap())
        .collect();
    assert_eq!(providers, PROVIDERS);
    for entry in &catalog {
        let provider = entry["provider"].as_str().unwrap();
        assert_eq!(
            entry["id"],
            json!(emulator.catalog_id(ENV, provider).unwrap())
        );
    }
    let ids: BTreeSet<&str> = catalog.iter().map(|e| e["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), 31, "ids are distinct");
}

#[tokio::test]
async fn catalog_ids_are_stable_across_starts() {
    let first = start().await;
    let second = start().await;
    assert_eq!(
        first.catalog_id(ENV, "confluence"),
        second.catalog_id(ENV, "confluence")
    );
    assert_eq!(first.catalog_id(ENV, "no-such-provider"), None);
}

#[tokio::test]
async fn confluence_entry_offers_exactly_the_tools_of_the_table() {
    let emulator = start().await;
    let response = get(
        &emulator,
        &format!("{CATALOG}/{}", confluence_id(&emulator)),
    )
    .await;
    assert_eq!(response.status(), 200);
    let entry: Value = response.json().await.unwrap();
    assert_eq!(entry["id"], json!(confluence_id(&emulator)));
    assert_eq!(entry["provider"], "confluence");
    let tools = entry["tools"].as_object().unwrap();
    assert_eq!(tools.len(), 11);
    for (identifier, name, category, scopes) in CONFLUENCE_TOOLS {
        assert_eq!(
            tools[identifier],
            json!({ "enabled": true, "name": name, "category": category, "scopes": scopes }),
            "{identifier}"
        );
    }
}

#[tokio::test]
async fn confluence_tools_together_need_the_13_scopes_of_the_setup_guide() {
    let emulator = start().await;
    let scopes: BTreeSet<String> = emulator
        .catalog_tools("confluence")
        .iter()
        .flat_map(|tool| tool["scopes"].as_array().unwrap().clone())
        .map(|scope| scope.as_str().unwrap().to_string())
        .collect();
    assert_eq!(scopes.len(), 13, "{scopes:?}");
}

#[tokio::test]
async fn catalog_tools_lists_the_records_with_their_identifier_in_catalog_order() {
    let emulator = start().await;
    let tools = emulator.catalog_tools("confluence");
    let identifiers: Vec<&str> = tools
        .iter()
        .map(|t| t["identifier"].as_str().unwrap())
        .collect();
    let expected: Vec<&str> = CONFLUENCE_TOOLS.iter().map(|t| t.0).collect();
    assert_eq!(identifiers, expected);
    assert_eq!(
        tools[0],
        json!({
            "identifier": "pages:read",
            "enabled": true,
            "name": "Read pages",
            "category": "Pages",
            "scopes": ["read:page:confluence"]
        })
    );
    let over_http: Vec<Value> = admin(&emulator, Method::GET, "catalog/confluence/tools", None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(over_http, tools);
}

#[tokio::test]
async fn every_other_provider_offers_tools_of_its_own_with_its_vendors_scopes() {
    let emulator = start().await;
    for (provider, tool, scopes) in [
        (
            "jira",
            "issues:write",
            json!(["read:jira-work", "write:jira-work"]),
        ),
        ("slack", "channels:list", json!(["channels:read"])),
        ("github", "repos:read", json!(["repo"])),
    ] {
        let id = emulator.catalog_id(ENV, provider).unwrap();
        let entry: Value = get(&emulator, &format!("{CATALOG}/{id}"))
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(entry["provider"], provider);
        assert_eq!(entry["tools"][tool]["scopes"], scopes, "{provider}");
        assert!(entry["tools"].get("pages:read").is_none(), "{provider}");
    }
    for provider in PROVIDERS {
        assert!(!emulator.catalog_tools(provider).is_empty(), "{provider}");
    }
}

#[tokio::test]
async fn an_unknown_catalog_id_is_404() {
    let emulator = start().await;
    let other_environment = emulator.catalog_id("env-other", "confluence").unwrap();
    for id in ["00000000-0000-4000-8000-000000000000", &other_environment] {
        let response = get(&emulator, &format!("{CATALOG}/{id}")).await;
        let (status, errors) = status_and_errors(response).await;
        assert_eq!(status, 404);
        assert_eq!(errors, [format!("Frontegg integration {id} not found")]);
    }
}

#[tokio::test]
async fn the_catalog_needs_a_token() {
    let emulator = start().await;
    let confluence = confluence_id(&emulator);
    for path in [CATALOG.to_string(), format!("{CATALOG}/{confluence}")] {
        let response = http()
            .get(format!("{}{path}", emulator.base_url()))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 401, "{path}");
    }
}
