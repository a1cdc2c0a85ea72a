//! Answers shaped through the admin API: Frontegg's paged list wrapper, and fields left out.

mod common;

use common::*;
use frontegg_emulator::Emulator;
use reqwest::Method;
use serde_json::{Value, json};

async fn get_json(emulator: &Emulator, token: &str, path: &str) -> Value {
    let response = call(emulator, token, Method::GET, path, None).await;
    assert_eq!(response.status(), 200, "{path}");
    response.json().await.unwrap()
}

/// Seeds integrations for the first `n` providers of the catalog; returns their ids in order.
async fn seed_integrations(emulator: &Emulator, token: &str, n: usize) -> Vec<String> {
    let catalog: Vec<Value> = get_json(emulator, token, CATALOG)
        .await
        .as_array()
        .unwrap()
        .clone();
    catalog[..n]
        .iter()
        .map(|entry| {
            emulator
                .seed_integration(ENV, json!({ "fronteggIntegrationId": entry["id"] }))
                .unwrap()
        })
        .collect()
}

/// Follows `_links.next` from `first` to the last page; returns every item and the pages seen.
async fn follow_pages(emulator: &Emulator, token: &str, first: &str) -> (Vec<Value>, usize) {
    let mut items = Vec::new();
    let mut next = Some(first.to_string());
    let mut pages = 0;
    while let Some(path) = next {
        let page = get_json(emulator, token, &path).await;
        pages += 1;
        assert!(pages <= 40, "the pages end");
        items.extend(page["items"].as_array().unwrap().iter().cloned());
        next = page["_links"]["next"].as_str().map(str::to_string);
    }
    (items, pages)
}

#[tokio::test]
async fn lists_are_plain_arrays_by_default_whatever_the_query() {
    let emulator = start().await;
    let token = token(&emulator).await;
    seed_integrations(&emulator, &token, 3).await;
    let listed = get_json(&emulator, &token, &format!("{BASE}?_limit=1&_offset=1")).await;
    assert_eq!(listed.as_array().unwrap().len(), 3);
    let catalog = get_json(&emulator, &token, &format!("{CATALOG}?_limit=1")).await;
    assert_eq!(catalog.as_array().unwrap().len(), 31);
}

#[tokio::test]
async fn paged_integration_list_followed_to_the_end_holds_every_integration_once() {
    let emulator = start().await;
    let token = token(&emulator).await;
    let ids = seed_integrations(&emulator, &token, 5).await;
    emulator.set_page_size(Some(2));
    let first = get_json(&emulator, &token, BASE).await;
    assert_eq!(first["items"].as_array().unwrap().len(), 2);
    assert_eq!(
        first["_metadata"],
        json!({ "totalItems": 5, "totalPages": 3 })
    );
    assert_eq!(
        first["_links"]["next"],
        format!("{BASE}?_limit=2&_offset=1")
    );
    let (items, pages) = follow_pages(&emulator, &token, BASE).await;
    assert_eq!(pages, 3);
    let seen: Vec<&str> = items.iter().map(|i| i["id"].as_str().unwrap()).collect();
    assert_eq!(seen, ids);
}

#[tokio::test]
async fn paged_catalog_followed_to_the_end_holds_all_31_providers() {
    let emulator = start().await;
    let token = token(&emulator).await;
    emulator.set_page_size(Some(10));
    let (items, pages) = follow_pages(&emulator, &token, CATALOG).await;
    assert_eq!(pages, 4);
    assert_eq!(items.len(), 31);
    assert_eq!(
        items
            .iter()
            .filter(|e| e["provider"] == "confluence")
            .count(),
        1
    );
}

#[tokio::test]
async fn limit_and_offset_pick_a_page_counted_in_pages() {
    let emulator = start().await;
    let token = token(&emulator).await;
    emulator.set_page_size(Some(2));
    let page = get_json(&emulator, &token, &format!("{CATALOG}?_limit=5&_offset=2")).await;
    let providers: Vec<&str> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["provider"].as_str().unwrap())
        .collect();
    assert_eq!(
        providers,
        ["stripe", "gitlab", "clickup", "zoom", "figma"],
        "items 10 to 14"
    );
    assert_eq!(
        page["_metadata"],
        json!({ "totalItems": 31, "totalPages": 7 })
    );
    assert_eq!(
        page["_links"]["next"],
        format!("{CATALOG}?_limit=5&_offset=3")
    );
    let last = get_json(&emulator, &token, &format!("{CATALOG}?_limit=5&_offset=6")).await;
    assert_eq!(last["items"].as_array().unwrap().len(), 1);
    assert!(last["_links"].get("next").is_none(), "{last}");
    let beyond = get_json(&emulator, &token, &format!("{CATALOG}?_limit=5&_offset=9")).await;
    assert_eq!(beyond["items"], json!([]));
}

#[tokio::test]
async fn invalid_paging_parameters_are_400() {
    let emulator = start().await;
    let token = token(&emulator).await;
    emulator.set_page_size(Some(2));
    for query in ["_limit=0", "_limit=x", "_offset=-1"] {
        let response = call(
            &emulator,
            &token,
            Method::GET,
            &format!("{BASE}?{query}"),
            None,
        )
        .await;
        assert_eq!(response.status(), 400, "{query}");
    }
}

#[tokio::test]
async fn page_size_is_set_and_cleared_over_http() {
    let emulator = start().await;
    let token = token(&emulator).await;
    let set = admin(
        &emulator,
        Method::PUT,
        "page-size",
        Some(json!({ "pageSize": 3 })),
    )
    .await;
    assert_eq!(set.status(), 200);
    let page = get_json(&emulator, &token, CATALOG).await;
    assert_eq!(page["items"].as_array().unwrap().len(), 3);
    let zero = admin(
        &emulator,
        Method::PUT,
        "page-size",
        Some(json!({ "pageSize": 0 })),
    )
    .await;
    assert_eq!(zero.status(), 400);
    let cleared = admin(&emulator, Method::DELETE, "page-size", None).await;
    assert_eq!(cleared.status(), 200);
    assert!(get_json(&emulator, &token, CATALOG).await.is_array());
}

#[tokio::test]
async fn omitted_fields_are_missing_from_every_integration_answer() {
    let emulator = start().await;
    let token = token(&emulator).await;
    emulator.omit_fields(&[
        "agentIds",
        "tools.scopes",
        "oauthConfigurations.clientSecret",
    ]);
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
    let assigned: Value = call(
        &emulator,
        &token,
        Method::POST,
        &format!("{BASE}/{id}/agents/assign"),
        Some(json!({ "agentIds": ["agent-a"] })),
    )
    .await
    .json()
    .await
    .unwrap();
    let listed = get_json(&emulator, &token, BASE).await[0].clone();
    for answer in [&created, &patched, &assigned, &listed] {
        assert!(answer.get("agentIds").is_none(), "{answer}");
        assert_eq!(
            answer["oauthConfigurations"],
            json!({ "clientId": "atlassian-client" })
        );
        for tool in answer["tools"].as_array().unwrap() {
            assert!(tool.get("scopes").is_none(), "{tool}");
            assert!(tool.get("identifier").is_some());
        }
    }
    assert_eq!(
        emulator.integrations(ENV)[0]["agentIds"],
        json!(["agent-a"]),
        "the in-process view stays whole"
    );
}

#[tokio::test]
async fn catalog_tool_fields_are_omitted_from_catalog_entries_only() {
    let emulator = start().await;
    let token = token(&emulator).await;
    emulator.omit_fields(&["catalog.tools.scopes", "catalog.tools.category"]);
    let entry = get_json(
        &emulator,
        &token,
        &format!("{CATALOG}/{}", confluence_id(&emulator)),
    )
    .await;
    assert_eq!(
        entry["tools"]["pages:read"],
        json!({ "enabled": true, "name": "Read pages" })
    );
    let created = create_confluence(&emulator, &token).await;
    assert_eq!(
        created["tools"][0]["scopes"],
        json!(["read:page:confluence"])
    );
}

#[tokio::test]
async fn omitted_fields_are_replaced_and_cleared() {
    let emulator = start().await;
    let token = token(&emulator).await;
    create_confluence(&emulator, &token).await;
    emulator.omit_fields(&["description"]);
    emulator.omit_fields(&["isActive"]);
    let listed = get_json(&emulator, &token, BASE).await[0].clone();
    assert!(listed.get("isActive").is_none());
    assert_eq!(listed["description"], "Team wiki");
    emulator.omit_fields(&[]);
    let listed = get_json(&emulator, &token, BASE).await[0].clone();
    assert_eq!(listed["isActive"], true);
}

#[tokio::test]
async fn omitted_fields_are_set_and_cleared_over_http() {
    let emulator = start().await;
    let token = token(&emulator).await;
    create_confluence(&emulator, &token).await;
    let set = admin(
        &emulator,
        Method::PUT,
        "omit-fields",
        Some(json!({ "fields": ["tools", "catalog.tools"] })),
    )
    .await;
    assert_eq!(set.status(), 200);
    let listed = get_json(&emulator, &token, BASE).await[0].clone();
    assert!(listed.get("tools").is_none());
    let entry = get_json(
        &emulator,
        &token,
        &format!("{CATALOG}/{}", confluence_id(&emulator)),
    )
    .await;
    assert!(entry.get("tools").is_none(), "{entry}");
    let malformed = admin(
        &emulator,
        Method::PUT,
        "omit-fields",
        Some(json!({ "fields": "tools" })),
    )
    .await;
    assert_eq!(malformed.status(), 400);
    let cleared = admin(&emulator, Method::DELETE, "omit-fields", None).await;
    assert_eq!(cleared.status(), 200);
    let listed = get_json(&emulator, &token, BASE).await[0].clone();
    assert_eq!(tool_identifiers(&listed), ["pages:read", "pages:write"]);
}

#[tokio::test]
async fn paged_and_omitted_together() {
    let emulator = start().await;
    let token = token(&emulator).await;
    create_confluence(&emulator, &token).await;
    emulator.set_page_size(Some(1));
    emulator.omit_fields(&["tools"]);
    let page = get_json(&emulator, &token, BASE).await;
    assert!(page["items"][0].get("tools").is_none());
    assert_eq!(page["items"][0]["name"], "Confluence");
}
