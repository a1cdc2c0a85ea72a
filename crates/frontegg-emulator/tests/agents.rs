//! `agents/assign` and `agents/unassign`: the only way `agentIds` changes through the API.

mod common;

use common::*;
use frontegg_emulator::Emulator;
use reqwest::{Method, Response};
use serde_json::{Value, json};

async fn agents_call(
    emulator: &Emulator,
    token: &str,
    id: &str,
    action: &str,
    body: Value,
) -> Response {
    call(
        emulator,
        token,
        Method::POST,
        &format!("{BASE}/{id}/agents/{action}"),
        Some(body),
    )
    .await
}

async fn agents_ok(
    emulator: &Emulator,
    token: &str,
    id: &str,
    action: &str,
    agents: &[&str],
) -> Value {
    let response = agents_call(emulator, token, id, action, json!({ "agentIds": agents })).await;
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

#[tokio::test]
async fn assign_adds_agents_and_answers_the_integration_with_sorted_agent_ids() {
    let emulator = start().await;
    let token = token(&emulator).await;
    let id = create_confluence_id(&emulator, &token).await;
    let answer = agents_ok(&emulator, &token, &id, "assign", &["agent-b", "agent-a"]).await;
    assert_eq!(answer["id"], json!(id));
    assert_eq!(answer["agentIds"], json!(["agent-a", "agent-b"]));
    assert_eq!(
        emulator.integrations(ENV)[0]["agentIds"],
        json!(["agent-a", "agent-b"])
    );
}

#[tokio::test]
async fn assigning_a_present_agent_changes_nothing() {
    let emulator = start().await;
    let token = token(&emulator).await;
    let id = create_confluence_id(&emulator, &token).await;
    let first = agents_ok(&emulator, &token, &id, "assign", &["agent-a"]).await;
    let again = agents_ok(&emulator, &token, &id, "assign", &["agent-a", "agent-a"]).await;
    assert_eq!(again["agentIds"], json!(["agent-a"]));
    assert_eq!(again["updatedAt"], first["updatedAt"]);
}

#[tokio::test]
async fn unassign_removes_agents_and_unassigning_an_absent_one_changes_nothing() {
    let emulator = start().await;
    let token = token(&emulator).await;
    let id = create_confluence_id(&emulator, &token).await;
    agents_ok(&emulator, &token, &id, "assign", &["agent-a", "agent-b"]).await;
    let answer = agents_ok(&emulator, &token, &id, "unassign", &["agent-a", "agent-z"]).await;
    assert_eq!(answer["agentIds"], json!(["agent-b"]));
    let again = agents_ok(&emulator, &token, &id, "unassign", &["agent-a"]).await;
    assert_eq!(again["agentIds"], json!(["agent-b"]));
}

#[tokio::test]
async fn agents_calls_on_a_missing_integration_are_404() {
    let emulator = start().await;
    let token = token(&emulator).await;
    let id = create_confluence_id(&emulator, &token).await;
    assert!(emulator.delete_integration(ENV, &id));
    for action in ["assign", "unassign"] {
        let response =
            agents_call(&emulator, &token, &id, action, json!({ "agentIds": ["a"] })).await;
        let (status, errors) = status_and_errors(response).await;
        assert_eq!(status, 404, "{action}");
        assert_eq!(errors, [format!("Vendor integration {id} not found")]);
    }
}

#[tokio::test]
async fn agents_bodies_are_strict() {
    let emulator = start().await;
    let token = token(&emulator).await;
    let id = create_confluence_id(&emulator, &token).await;
    let cases = [
        (
            json!({ "agentIds": ["a"], "tools": [] }),
            "property tools should not exist",
        ),
        (json!({}), "agentIds is required"),
        (json!({ "agentIds": "a" }), "agentIds must be an array"),
        (
            json!({ "agentIds": [1] }),
            "each value in agentIds must be a string",
        ),
        (
            json!({ "agentIds": [""] }),
            "each value in agentIds should not be empty",
        ),
    ];
    for action in ["assign", "unassign"] {
        for (body, expected) in &cases {
            let response = agents_call(&emulator, &token, &id, action, body.clone()).await;
            let (status, errors) = status_and_errors(response).await;
            assert_eq!(status, 400, "{action} {body}");
            assert_eq!(errors, [expected.to_string()], "{action} {body}");
        }
    }
    assert_eq!(emulator.integrations(ENV)[0]["agentIds"], json!([]));
}

#[tokio::test]
async fn agents_calls_are_in_the_request_log() {
    let emulator = start().await;
    let token = token(&emulator).await;
    let id = create_confluence_id(&emulator, &token).await;
    emulator.clear_requests();
    agents_ok(&emulator, &token, &id, "assign", &["agent-a"]).await;
    let log = emulator.requests();
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].path, format!("{BASE}/{id}/agents/assign"));
    assert_eq!(log[0].body, Some(json!({ "agentIds": ["agent-a"] })));
}
