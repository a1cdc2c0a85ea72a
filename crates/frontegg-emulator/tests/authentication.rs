//! `POST /auth/vendor`, bearer tokens and the `frontegg-environment-id` rules.

mod common;

use std::time::Duration;

use common::*;
use frontegg_emulator::{AccountConfig, Emulator, EmulatorConfig, EnvironmentConfig};
use reqwest::Method;
use serde_json::{Value, json};

fn two_environments_and_an_account() -> EmulatorConfig {
    EmulatorConfig {
        environments: vec![
            EnvironmentConfig {
                id: "env-a".into(),
                client_id: "client-a".into(),
                secret: "secret-a".into(),
            },
            EnvironmentConfig {
                id: "env-b".into(),
                client_id: "client-b".into(),
                secret: "secret-b".into(),
            },
        ],
        accounts: vec![AccountConfig {
            client_id: "account".into(),
            secret: "account-secret".into(),
            environment_ids: vec!["env-a".into(), "env-b".into()],
        }],
        ..EmulatorConfig::default()
    }
}

async fn list_with_env_header(emulator: &Emulator, token: &str, env: Option<&str>) -> u16 {
    let mut request = http()
        .get(format!("{}{BASE}", emulator.base_url()))
        .bearer_auth(token);
    if let Some(env) = env {
        request = request.header("frontegg-environment-id", env);
    }
    request.send().await.expect("answered").status().as_u16()
}

#[tokio::test]
async fn valid_credentials_get_a_token_and_its_lifetime() {
    let emulator = start().await;
    let response = http()
        .post(format!("{}/auth/vendor", emulator.base_url()))
        .json(&json!({ "clientId": CLIENT_ID, "secret": SECRET }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert!(!body["token"].as_str().unwrap().is_empty());
    assert_eq!(body["expiresIn"], 3600);
}

#[tokio::test]
async fn wrong_secret_is_401_invalid_authentication() {
    let emulator = start().await;
    let response = http()
        .post(format!("{}/auth/vendor", emulator.base_url()))
        .json(&json!({ "clientId": CLIENT_ID, "secret": "wrong" }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body, json!({ "errors": ["Invalid authentication"] }));
}

#[tokio::test]
async fn missing_token_is_401() {
    let emulator = start().await;
    let response = http()
        .get(format!("{}{BASE}", emulator.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    let body: Value = response.json().await.unwrap();
    assert!(body["errors"].as_array().is_some_and(|e| !e.is_empty()));
    assert!(body["errorCode"].is_string());
}

#[tokio::test]
async fn unknown_token_is_401() {
    let emulator = start().await;
    let response = call(&emulator, "not-a-token", Method::GET, BASE, None).await;
    assert_eq!(response.status(), 401);
}

#[tokio::test]
async fn token_is_refused_after_its_lifetime() {
    let emulator = Emulator::start(EmulatorConfig {
        token_ttl_secs: 1,
        ..EmulatorConfig::default()
    })
    .await
    .unwrap();
    let token = token(&emulator).await;
    assert_eq!(
        call(&emulator, &token, Method::GET, BASE, None)
            .await
            .status(),
        200
    );
    tokio::time::sleep(Duration::from_millis(1300)).await;
    assert_eq!(
        call(&emulator, &token, Method::GET, BASE, None)
            .await
            .status(),
        401
    );
}

#[tokio::test]
async fn expire_tokens_invalidates_every_issued_token() {
    let emulator = start().await;
    let token = token(&emulator).await;
    emulator.expire_tokens();
    assert_eq!(
        call(&emulator, &token, Method::GET, BASE, None)
            .await
            .status(),
        401
    );
    let fresh = common::token(&emulator).await;
    assert_eq!(
        call(&emulator, &fresh, Method::GET, BASE, None)
            .await
            .status(),
        200
    );
}

#[tokio::test]
async fn admin_expire_endpoint_invalidates_tokens() {
    let emulator = start().await;
    let token = token(&emulator).await;
    let response = http()
        .post(format!("{}/_emulator/tokens/expire", emulator.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(
        call(&emulator, &token, Method::GET, BASE, None)
            .await
            .status(),
        401
    );
}

#[tokio::test]
async fn environment_token_may_name_its_own_environment_only() {
    let emulator = Emulator::start(two_environments_and_an_account())
        .await
        .unwrap();
    let token = token_for(&emulator, "client-a", "secret-a").await;
    assert_eq!(list_with_env_header(&emulator, &token, None).await, 200);
    assert_eq!(
        list_with_env_header(&emulator, &token, Some("env-a")).await,
        200
    );
    assert_eq!(
        list_with_env_header(&emulator, &token, Some("env-b")).await,
        403
    );
}

#[tokio::test]
async fn account_token_needs_the_environment_header() {
    let emulator = Emulator::start(two_environments_and_an_account())
        .await
        .unwrap();
    let token = token_for(&emulator, "account", "account-secret").await;
    let response = http()
        .get(format!("{}{BASE}", emulator.base_url()))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    let body: Value = response.json().await.unwrap();
    assert!(
        body["errors"][0]
            .as_str()
            .unwrap()
            .contains("frontegg-environment-id")
    );
}

#[tokio::test]
async fn account_token_reaches_covered_environments_only() {
    let mut config = two_environments_and_an_account();
    config.environments.push(EnvironmentConfig {
        id: "env-c".into(),
        client_id: "client-c".into(),
        secret: "secret-c".into(),
    });
    let emulator = Emulator::start(config).await.unwrap();
    let token = token_for(&emulator, "account", "account-secret").await;
    assert_eq!(
        list_with_env_header(&emulator, &token, Some("env-b")).await,
        200
    );
    assert_eq!(
        list_with_env_header(&emulator, &token, Some("env-c")).await,
        403
    );
}

#[tokio::test]
async fn environments_keep_separate_integrations() {
    let emulator = Emulator::start(two_environments_and_an_account())
        .await
        .unwrap();
    let token_a = token_for(&emulator, "client-a", "secret-a").await;
    let confluence_a = emulator.catalog_id("env-a", "confluence").unwrap();
    let mut body = create_body(&emulator);
    body["fronteggIntegrationId"] = json!(confluence_a);
    let response = call(&emulator, &token_a, Method::POST, BASE, Some(body)).await;
    assert_eq!(response.status(), 201);
    assert_eq!(emulator.integrations("env-a").len(), 1);
    assert!(emulator.integrations("env-b").is_empty());
}
