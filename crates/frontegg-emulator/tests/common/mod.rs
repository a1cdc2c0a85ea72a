//! Helpers shared by the emulator's contract tests.
#![allow(dead_code)]

use frontegg_emulator::{Emulator, EmulatorConfig};
use reqwest::{Method, Response};
use serde_json::{Value, json};

pub const ENV: &str = "env-demo";
pub const CLIENT_ID: &str = "demo-client-id";
pub const SECRET: &str = "demo-secret";
pub const BASE: &str = "/app-integrations/resources/vendors-integrations/v1";
pub const CATALOG: &str = "/app-integrations/resources/frontegg-integrations/v1";
pub const ATLASSIAN_SECRET: &str = "atlassian-secret-do-not-leak";

pub async fn start() -> Emulator {
    Emulator::start(EmulatorConfig::default())
        .await
        .expect("emulator starts")
}

pub fn http() -> reqwest::Client {
    reqwest::Client::new()
}

pub async fn token_for(emulator: &Emulator, client_id: &str, secret: &str) -> String {
    let response = http()
        .post(format!("{}/auth/vendor", emulator.base_url()))
        .json(&json!({ "clientId": client_id, "secret": secret }))
        .send()
        .await
        .expect("auth request");
    assert_eq!(response.status(), 200, "authentication succeeds");
    let body: Value = response.json().await.expect("auth body");
    body["token"].as_str().expect("token").to_string()
}

pub async fn token(emulator: &Emulator) -> String {
    token_for(emulator, CLIENT_ID, SECRET).await
}

/// An authenticated call with an optional JSON body.
pub async fn call(
    emulator: &Emulator,
    token: &str,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> Response {
    let mut request = http()
        .request(method, format!("{}{path}", emulator.base_url()))
        .bearer_auth(token);
    if let Some(body) = body {
        request = request.json(&body);
    }
    request.send().await.expect("request is answered")
}

pub fn confluence_id(emulator: &Emulator) -> String {
    emulator
        .catalog_id(ENV, "confluence")
        .expect("confluence is in the catalog")
}

pub fn create_body(emulator: &Emulator) -> Value {
    json!({
        "name": "Confluence",
        "description": "Team wiki",
        "fronteggIntegrationId": confluence_id(emulator),
        "authenticationType": "behalf-of-user",
        "tools": ["pages:write", "pages:read"],
        "useFronteggIntegration": false,
        "isActive": true,
        "oauthConfigurations": { "clientId": "atlassian-client", "clientSecret": ATLASSIAN_SECRET }
    })
}

/// Creates the Confluence integration and returns the answer.
pub async fn create_confluence(emulator: &Emulator, token: &str) -> Value {
    create_with(emulator, token, create_body(emulator)).await
}

/// Creates an integration from `body`, expecting 201.
pub async fn create_with(emulator: &Emulator, token: &str, body: Value) -> Value {
    let response = call(emulator, token, Method::POST, BASE, Some(body)).await;
    assert_eq!(response.status(), 201);
    response.json().await.expect("created integration")
}

/// The status and `errors` of an answer expected to be an error.
pub async fn status_and_errors(response: Response) -> (u16, Vec<String>) {
    let status = response.status().as_u16();
    let body: Value = response.json().await.expect("a JSON error body");
    let errors = body["errors"]
        .as_array()
        .expect("an errors array")
        .iter()
        .map(|e| e.as_str().expect("string errors").to_string())
        .collect();
    (status, errors)
}

/// The `identifier`s of an answer's `tools`.
pub fn tool_identifiers(answer: &Value) -> Vec<String> {
    answer["tools"]
        .as_array()
        .expect("tools array")
        .iter()
        .map(|t| t["identifier"].as_str().expect("identifier").to_string())
        .collect()
}

/// An admin call (no token) with an optional JSON body.
pub async fn admin(
    emulator: &Emulator,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> Response {
    let mut request = http().request(method, format!("{}/_emulator/{path}", emulator.base_url()));
    if let Some(body) = body {
        request = request.json(&body);
    }
    request.send().await.expect("admin request is answered")
}

/// Creates the Confluence integration and returns its id.
pub async fn create_confluence_id(emulator: &Emulator, token: &str) -> String {
    create_confluence(emulator, token).await["id"]
        .as_str()
        .expect("created integration id")
        .to_string()
}
