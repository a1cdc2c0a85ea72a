//! Answers that disagree with the catalog or with themselves, as a real service's may: a tool's
//! scopes in a `ToolDto` other than its catalog record, lists in another order, `description: ""`
//! for none, a catalog entry without `provider`, a listed integration without `id`, and a catalog
//! that retires and adds tools under integrations that hold them.

mod common;

use common::*;
use frontegg_emulator::{
    ENABLED_ONLY_TOOL_RECORDS, Emulator, MissingProvider, NewCatalogTool, Retirement,
};
use reqwest::Method;
use serde_json::{Value, json};

async fn get_json(emulator: &Emulator, token: &str, path: &str) -> Value {
    let response = call(emulator, token, Method::GET, path, None).await;
    assert_eq!(response.status(), 200, "{path}");
    response.json().await.unwrap()
}

async fn confluence_entry(emulator: &Emulator, token: &str) -> Value {
    get_json(
        emulator,
        token,
        &format!("{CATALOG}/{}", confluence_id(emulator)),
    )
    .await
}

/// The `scopes` of tool `identifier` in an answer's `tools`.
fn answered_scopes(answer: &Value, identifier: &str) -> Value {
    answer["tools"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["identifier"] == identifier)
        .map(|t| t["scopes"].clone())
        .unwrap_or(Value::Null)
}

async fn listed(emulator: &Emulator, token: &str) -> Vec<Value> {
    get_json(emulator, token, BASE)
        .await
        .as_array()
        .unwrap()
        .clone()
}

async fn admin_ok(emulator: &Emulator, method: Method, path: &str, body: Option<Value>) {
    let response = admin(emulator, method, path, body).await;
    let status = response.status();
    let text = response.text().await.unwrap();
    assert!(status.is_success(), "{path}: {status} {text}");
}

#[tokio::test]
async fn a_tools_answered_scopes_differ_from_its_catalog_record_until_cleared() {
    let emulator = start().await;
    let token = token(&emulator).await;
    emulator.set_answer_scopes("pages:write", Some(&["write:page:confluence"]));
    emulator.set_answer_scopes(
        "pages:read",
        Some(&["read:page:confluence", "read:space:confluence"]),
    );
    let created = create_confluence(&emulator, &token).await;
    let id = created["id"].as_str().unwrap().to_string();
    let patched: Value = call(
        &emulator,
        &token,
        Method::PATCH,
        &format!("{BASE}/{id}"),
        Some(json!({ "name": "Wiki" })),
    )
    .await
    .json()
    .await
    .unwrap();
    let listed = listed(&emulator, &token).await[0].clone();
    for answer in [&created, &patched, &listed] {
        assert_eq!(
            answered_scopes(answer, "pages:write"),
            json!(["write:page:confluence"]),
            "a subset"
        );
        assert_eq!(
            answered_scopes(answer, "pages:read"),
            json!(["read:page:confluence", "read:space:confluence"]),
            "a superset"
        );
    }
    let entry = confluence_entry(&emulator, &token).await;
    assert_eq!(
        entry["tools"]["pages:write"]["scopes"],
        json!(["read:page:confluence", "write:page:confluence"]),
        "the catalog record keeps its scopes"
    );
    assert_eq!(
        answered_scopes(&emulator.integrations(ENV)[0], "pages:write"),
        json!(["read:page:confluence", "write:page:confluence"]),
        "the in-process view is plain"
    );
    emulator.set_answer_scopes("pages:read", None);
    let answer = listed_first(&emulator, &token).await;
    assert_eq!(
        answered_scopes(&answer, "pages:read"),
        json!(["read:page:confluence"])
    );
    assert_eq!(
        answered_scopes(&answer, "pages:write"),
        json!(["write:page:confluence"])
    );
    emulator.clear_answer_scopes();
    let answer = listed_first(&emulator, &token).await;
    assert_eq!(
        answered_scopes(&answer, "pages:write"),
        json!(["read:page:confluence", "write:page:confluence"])
    );
}

async fn listed_first(emulator: &Emulator, token: &str) -> Value {
    listed(emulator, token).await[0].clone()
}

#[tokio::test]
async fn tools_and_their_scopes_are_answered_in_reverse_order() {
    let emulator = start().await;
    let token = token(&emulator).await;
    emulator.set_reversed_answers(true, false);
    let created = create_confluence(&emulator, &token).await;
    assert_eq!(tool_identifiers(&created), ["pages:write", "pages:read"]);
    assert_eq!(
        answered_scopes(&created, "pages:write"),
        json!(["read:page:confluence", "write:page:confluence"])
    );
    emulator.set_reversed_answers(false, true);
    let answer = listed_first(&emulator, &token).await;
    assert_eq!(tool_identifiers(&answer), ["pages:read", "pages:write"]);
    assert_eq!(
        answered_scopes(&answer, "pages:write"),
        json!(["write:page:confluence", "read:page:confluence"])
    );
    emulator.set_answer_scopes("pages:read", Some(&["a", "b"]));
    assert_eq!(
        answered_scopes(&listed_first(&emulator, &token).await, "pages:read"),
        json!(["b", "a"]),
        "reversal applies to the scopes set per tool too"
    );
    emulator.set_reversed_answers(false, false);
    emulator.clear_answer_scopes();
    assert_eq!(
        answered_scopes(&listed_first(&emulator, &token).await, "pages:write"),
        json!(["read:page:confluence", "write:page:confluence"])
    );
}

#[tokio::test]
async fn answer_scopes_and_order_are_set_and_cleared_over_http() {
    let emulator = start().await;
    let token = token(&emulator).await;
    create_confluence(&emulator, &token).await;
    admin_ok(
        &emulator,
        Method::PUT,
        "answer-scopes/pages:read",
        Some(json!({ "scopes": ["read:page:confluence", "x"] })),
    )
    .await;
    admin_ok(
        &emulator,
        Method::PUT,
        "answer-order",
        Some(json!({ "reverseTools": true })),
    )
    .await;
    let answer = listed_first(&emulator, &token).await;
    assert_eq!(tool_identifiers(&answer), ["pages:write", "pages:read"]);
    assert_eq!(
        answered_scopes(&answer, "pages:read"),
        json!(["read:page:confluence", "x"])
    );
    let malformed = admin(
        &emulator,
        Method::PUT,
        "answer-order",
        Some(json!({ "reverse": true })),
    )
    .await;
    assert_eq!(malformed.status(), 400);
    admin_ok(&emulator, Method::DELETE, "answer-scopes/pages:read", None).await;
    admin_ok(&emulator, Method::DELETE, "answer-order", None).await;
    let answer = listed_first(&emulator, &token).await;
    assert_eq!(tool_identifiers(&answer), ["pages:read", "pages:write"]);
    assert_eq!(
        answered_scopes(&answer, "pages:read"),
        json!(["read:page:confluence"])
    );
    admin_ok(
        &emulator,
        Method::PUT,
        "answer-scopes/pages:write",
        Some(json!({ "scopes": [] })),
    )
    .await;
    assert_eq!(
        answered_scopes(&listed_first(&emulator, &token).await, "pages:write"),
        json!([])
    );
    admin_ok(&emulator, Method::DELETE, "answer-scopes", None).await;
    assert_eq!(
        answered_scopes(&listed_first(&emulator, &token).await, "pages:write"),
        json!(["read:page:confluence", "write:page:confluence"])
    );
}

#[tokio::test]
async fn no_description_is_answered_as_an_empty_string_when_asked() {
    let emulator = start().await;
    let token = token(&emulator).await;
    emulator.set_empty_description(true);
    let mut body = create_body(&emulator);
    body.as_object_mut().unwrap().remove("description");
    let created = create_with(&emulator, &token, body).await;
    assert_eq!(created["description"], "");
    let id = created["id"].as_str().unwrap().to_string();
    let set: Value = call(
        &emulator,
        &token,
        Method::PATCH,
        &format!("{BASE}/{id}"),
        Some(json!({ "description": "Team wiki" })),
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(set["description"], "Team wiki", "a set description is kept");
    let removed: Value = call(
        &emulator,
        &token,
        Method::PATCH,
        &format!("{BASE}/{id}"),
        Some(json!({ "description": null })),
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(
        removed["description"], "",
        "a removed one is answered empty"
    );
    assert_eq!(listed_first(&emulator, &token).await["description"], "");
    assert_eq!(emulator.integrations(ENV)[0]["description"], Value::Null);

    admin_ok(&emulator, Method::DELETE, "empty-description", None).await;
    assert_eq!(
        listed_first(&emulator, &token).await["description"],
        Value::Null
    );
    admin_ok(&emulator, Method::PUT, "empty-description", None).await;
    assert_eq!(listed_first(&emulator, &token).await["description"], "");
}

#[tokio::test]
async fn the_catalog_list_can_hold_entries_without_a_usable_provider() {
    let emulator = start().await;
    let token = token(&emulator).await;
    emulator.set_catalog_entry_without_provider(Some(MissingProvider::Absent));
    assert!(emulator.set_catalog_provider_missing("jira", Some(MissingProvider::Null)));
    assert!(!emulator.set_catalog_provider_missing("myspace", Some(MissingProvider::Null)));
    let catalog = get_json(&emulator, &token, CATALOG).await;
    let entries = catalog.as_array().unwrap();
    assert_eq!(entries.len(), 32, "one entry more");
    let extra = &entries[31];
    assert!(extra["id"].is_string());
    assert!(extra.get("provider").is_none(), "{extra}");
    let extra_id = extra["id"].as_str().unwrap();
    let missing = call(
        &emulator,
        &token,
        Method::GET,
        &format!("{CATALOG}/{extra_id}"),
        None,
    )
    .await;
    assert_eq!(missing.status(), 404);
    let jira_id = emulator.catalog_id(ENV, "jira").unwrap();
    let jira = entries
        .iter()
        .find(|e| e["id"] == jira_id.as_str())
        .unwrap();
    assert_eq!(jira["provider"], Value::Null);
    assert_eq!(jira["displayName"], "Jira");
    let jira_entry = get_json(&emulator, &token, &format!("{CATALOG}/{jira_id}")).await;
    assert_eq!(jira_entry["provider"], Value::Null);
    assert!(jira_entry["tools"].is_object());
    assert_eq!(
        confluence_entry(&emulator, &token).await["provider"],
        "confluence"
    );

    emulator.set_catalog_entry_without_provider(Some(MissingProvider::Null));
    let catalog = get_json(&emulator, &token, CATALOG).await;
    assert_eq!(catalog[31]["provider"], Value::Null);
    emulator.set_catalog_entry_without_provider(None);
    emulator.set_catalog_provider_missing("jira", None);
    let catalog = get_json(&emulator, &token, CATALOG).await;
    assert_eq!(catalog.as_array().unwrap().len(), 31);
    assert!(
        catalog
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["provider"].is_string())
    );
}

#[tokio::test]
async fn catalog_entries_without_provider_are_set_and_cleared_over_http() {
    let emulator = start().await;
    let token = token(&emulator).await;
    admin_ok(
        &emulator,
        Method::PUT,
        "catalog-entry-without-provider",
        Some(json!({ "provider": "null" })),
    )
    .await;
    admin_ok(
        &emulator,
        Method::PUT,
        "catalog/slack/provider-missing",
        Some(json!({ "provider": "absent" })),
    )
    .await;
    let catalog = get_json(&emulator, &token, CATALOG).await;
    let entries = catalog.as_array().unwrap();
    assert_eq!(entries.len(), 32);
    assert!(entries[0].get("provider").is_none(), "slack comes first");
    assert_eq!(entries[31]["provider"], Value::Null);
    let unknown = admin(
        &emulator,
        Method::PUT,
        "catalog/myspace/provider-missing",
        Some(json!({ "provider": "absent" })),
    )
    .await;
    assert_eq!(unknown.status(), 404);
    let bad = admin(
        &emulator,
        Method::PUT,
        "catalog-entry-without-provider",
        Some(json!({ "provider": "empty" })),
    )
    .await;
    assert_eq!(bad.status(), 400);
    admin_ok(
        &emulator,
        Method::DELETE,
        "catalog-entry-without-provider",
        None,
    )
    .await;
    admin_ok(
        &emulator,
        Method::DELETE,
        "catalog/slack/provider-missing",
        None,
    )
    .await;
    let catalog = get_json(&emulator, &token, CATALOG).await;
    assert_eq!(catalog.as_array().unwrap().len(), 31);
    assert_eq!(catalog[0]["provider"], "slack");
}

#[tokio::test]
async fn the_integration_list_can_end_with_an_item_without_id() {
    let emulator = start().await;
    let token = token(&emulator).await;
    let created = create_confluence(&emulator, &token).await;
    assert!(emulator.set_integration_without_id(Some("confluence")));
    assert!(!emulator.set_integration_without_id(Some("myspace")));
    let items = listed(&emulator, &token).await;
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["id"], created["id"]);
    assert!(items[1].get("id").is_none(), "{}", items[1]);
    assert_eq!(
        items[1]["fronteggIntegrationId"].as_str(),
        Some(confluence_id(&emulator).as_str())
    );
    assert_eq!(emulator.integrations(ENV).len(), 1, "nothing is stored");
    emulator.set_page_size(Some(1));
    let second = get_json(&emulator, &token, &format!("{BASE}?_offset=1")).await;
    assert!(second["items"][0].get("id").is_none());
    assert_eq!(second["_metadata"]["totalItems"], 2);
    emulator.set_page_size(None);

    admin_ok(&emulator, Method::DELETE, "integration-without-id", None).await;
    assert_eq!(listed(&emulator, &token).await.len(), 1);
    admin_ok(
        &emulator,
        Method::PUT,
        "integration-without-id",
        Some(json!({ "provider": "jira" })),
    )
    .await;
    let items = listed(&emulator, &token).await;
    assert_eq!(
        items[1]["fronteggIntegrationId"].as_str(),
        emulator.catalog_id(ENV, "jira").as_deref()
    );
    let bad = admin(
        &emulator,
        Method::PUT,
        "integration-without-id",
        Some(json!({ "provider": "myspace" })),
    )
    .await;
    assert_eq!(bad.status(), 400);
}

#[tokio::test]
async fn a_retired_tool_leaves_the_catalog_and_stays_on_integrations_that_hold_it() {
    let emulator = start().await;
    let token = token(&emulator).await;
    let id = create_confluence_id(&emulator, &token).await;
    assert!(emulator.retire_catalog_tool("confluence", "pages:write", Retirement::Removed));
    assert!(emulator.retire_catalog_tool("confluence", "pages:read", Retirement::Disabled));
    assert!(!emulator.retire_catalog_tool("confluence", "pages:write", Retirement::Removed));
    assert!(!emulator.retire_catalog_tool("myspace", "a", Retirement::Removed));

    let entry = confluence_entry(&emulator, &token).await;
    assert!(
        entry["tools"].get("pages:write").is_none(),
        "the record is gone"
    );
    assert_eq!(entry["tools"]["pages:read"]["enabled"], false);
    assert_eq!(entry["tools"]["pages:delete"]["enabled"], true);
    let records = emulator.catalog_tools("confluence");
    assert_eq!(records.len(), 10);
    assert!(records.iter().all(|r| r["identifier"] != "pages:write"));

    let answer = listed_first(&emulator, &token).await;
    assert_eq!(tool_identifiers(&answer), ["pages:read", "pages:write"]);
    assert_eq!(
        answered_scopes(&answer, "pages:write"),
        json!(["read:page:confluence", "write:page:confluence"]),
        "a held tool keeps its scopes"
    );
    let renamed = call(
        &emulator,
        &token,
        Method::PATCH,
        &format!("{BASE}/{id}"),
        Some(json!({ "name": "Wiki" })),
    )
    .await;
    assert_eq!(renamed.status(), 200, "a patch without tools keeps them");
    assert_eq!(
        tool_identifiers(&renamed.json::<Value>().await.unwrap()),
        ["pages:read", "pages:write"]
    );
    let resent = call(
        &emulator,
        &token,
        Method::PATCH,
        &format!("{BASE}/{id}"),
        Some(json!({ "tools": ["pages:write", "pages:delete"] })),
    )
    .await;
    let (status, errors) = status_and_errors(resent).await;
    assert_eq!(status, 400);
    assert_eq!(errors, ["tool pages:write is not offered by confluence"]);
    let switched_off = call(
        &emulator,
        &token,
        Method::PATCH,
        &format!("{BASE}/{id}"),
        Some(json!({ "tools": ["pages:delete"] })),
    )
    .await;
    assert_eq!(switched_off.status(), 200);

    emulator.delete_integration(ENV, &id);
    let mut body = create_body(&emulator);
    body["tools"] = json!(["pages:read"]);
    let refused = call(&emulator, &token, Method::POST, BASE, Some(body)).await;
    let (status, errors) = status_and_errors(refused).await;
    assert_eq!(status, 400);
    assert_eq!(errors, ["tool pages:read is not offered by confluence"]);
    let seeded = emulator
        .seed_integration(ENV, json!({ "provider": "confluence" }))
        .unwrap();
    let seeded = emulator
        .integrations(ENV)
        .into_iter()
        .find(|i| i["id"] == seeded.as_str())
        .unwrap();
    assert_eq!(
        tool_identifiers(&seeded).len(),
        9,
        "a portal integration gets the offered tools"
    );
}

#[tokio::test]
async fn an_added_tool_is_offered_with_or_without_scopes_in_its_record() {
    let emulator = start().await;
    let token = token(&emulator).await;
    emulator
        .add_catalog_tool(
            "confluence",
            NewCatalogTool {
                identifier: "pages:export".into(),
                name: Some("Export pages".into()),
                category: Some("Pages".into()),
                scopes: vec!["read:page:confluence".into()],
                scopes_in_record: false,
            },
        )
        .unwrap();
    let entry = confluence_entry(&emulator, &token).await;
    assert_eq!(
        entry["tools"]["pages:export"],
        json!({ "enabled": true, "name": "Export pages", "category": "Pages" })
    );
    let mut body = create_body(&emulator);
    body["tools"] = json!(["pages:export", "pages:read"]);
    let created = create_with(&emulator, &token, body).await;
    assert_eq!(tool_identifiers(&created), ["pages:read", "pages:export"]);
    assert_eq!(
        answered_scopes(&created, "pages:export"),
        json!(["read:page:confluence"]),
        "the ToolDto has the scopes the record leaves out"
    );
    let again = emulator.add_catalog_tool(
        "confluence",
        NewCatalogTool {
            identifier: "pages:export".into(),
            name: None,
            category: None,
            scopes: Vec::new(),
            scopes_in_record: true,
        },
    );
    assert_eq!(
        again.unwrap_err(),
        "tool pages:export is already offered by confluence"
    );

    let added = admin(
        &emulator,
        Method::POST,
        "catalog/confluence/tools",
        Some(json!({ "identifier": "pages:history", "scopes": ["read:page:confluence"] })),
    )
    .await;
    assert_eq!(added.status(), 201);
    let entry = confluence_entry(&emulator, &token).await;
    assert_eq!(
        entry["tools"]["pages:history"],
        json!({
            "enabled": true,
            "name": "pages:history",
            "category": "",
            "scopes": ["read:page:confluence"],
        })
    );
    let twice = admin(
        &emulator,
        Method::POST,
        "catalog/confluence/tools",
        Some(json!({ "identifier": "pages:history" })),
    )
    .await;
    assert_eq!(twice.status(), 400);
    let unknown = admin(
        &emulator,
        Method::POST,
        "catalog/myspace/tools",
        Some(json!({ "identifier": "a" })),
    )
    .await;
    assert_eq!(unknown.status(), 404);
}

#[tokio::test]
async fn tools_are_retired_over_http() {
    let emulator = start().await;
    let token = token(&emulator).await;
    admin_ok(
        &emulator,
        Method::POST,
        "catalog/confluence/tools/pages:delete/retire",
        Some(json!({ "record": "disabled" })),
    )
    .await;
    admin_ok(
        &emulator,
        Method::POST,
        "catalog/confluence/tools/spaces:write/retire",
        Some(json!({ "record": "removed" })),
    )
    .await;
    let entry = confluence_entry(&emulator, &token).await;
    assert_eq!(entry["tools"]["pages:delete"]["enabled"], false);
    assert!(entry["tools"].get("spaces:write").is_none());
    let again = admin(
        &emulator,
        Method::POST,
        "catalog/confluence/tools/spaces:write/retire",
        Some(json!({ "record": "removed" })),
    )
    .await;
    assert_eq!(again.status(), 404);
    let bad = admin(
        &emulator,
        Method::POST,
        "catalog/confluence/tools/pages:read/retire",
        Some(json!({ "record": "gone" })),
    )
    .await;
    assert_eq!(bad.status(), 400);
}

#[tokio::test]
async fn enabled_only_tool_records_carry_nothing_but_enabled() {
    let emulator = start().await;
    let token = token(&emulator).await;
    emulator.omit_fields(&ENABLED_ONLY_TOOL_RECORDS);
    emulator.retire_catalog_tool("confluence", "pages:delete", Retirement::Disabled);
    let entry = confluence_entry(&emulator, &token).await;
    let tools = entry["tools"].as_object().unwrap();
    assert_eq!(tools.len(), 11);
    for (identifier, record) in tools {
        let expected = json!({ "enabled": identifier != "pages:delete" });
        assert_eq!(record, &expected, "{identifier}");
    }
    assert_eq!(
        entry["provider"], "confluence",
        "the entry keeps its fields"
    );
    let created = create_confluence(&emulator, &token).await;
    assert_eq!(
        answered_scopes(&created, "pages:read"),
        json!(["read:page:confluence"]),
        "the answers keep their scopes"
    );
}

#[tokio::test]
async fn every_knob_at_once_keeps_secrets_out_of_the_request_log() {
    let emulator = start().await;
    let token = token(&emulator).await;
    emulator.set_answer_scopes("pages:read", Some(&["read:page:confluence", "x"]));
    emulator.set_reversed_answers(true, true);
    emulator.set_empty_description(true);
    emulator.set_catalog_entry_without_provider(Some(MissingProvider::Absent));
    emulator.set_integration_without_id(Some("confluence"));
    create_confluence(&emulator, &token).await;
    listed(&emulator, &token).await;
    get_json(&emulator, &token, CATALOG).await;
    let log = serde_json::to_string(&emulator.requests()).unwrap();
    for secret in [ATLASSIAN_SECRET, SECRET, token.as_str()] {
        assert!(!log.contains(secret), "the log holds a secret");
    }
    assert!(log.contains(&frontegg_emulator::fingerprint(ATLASSIAN_SECRET)));
}
