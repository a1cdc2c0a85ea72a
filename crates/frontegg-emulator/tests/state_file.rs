//! `--state-file`: the emulator's state survives a restart; the file holds no secret in clear.

mod common;

use common::*;
use frontegg_emulator::{Emulator, EmulatorConfig, fingerprint};
use reqwest::Method;
use serde_json::json;

fn with_state_file(path: &std::path::Path) -> EmulatorConfig {
    EmulatorConfig {
        state_file: Some(path.to_path_buf()),
        ..EmulatorConfig::default()
    }
}

#[tokio::test]
async fn integrations_survive_a_restart_with_their_secret_fingerprint() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.json");

    let first = Emulator::start(with_state_file(&path)).await.unwrap();
    let token = token(&first).await;
    let created = create_confluence(&first, &token).await;
    let id = created["id"].as_str().unwrap().to_string();
    first.shutdown().await;

    let second = Emulator::start(with_state_file(&path)).await.unwrap();
    assert_eq!(second.integrations(ENV), vec![created]);
    assert_eq!(
        second.secret_fingerprint_of(ENV, &id),
        Some(fingerprint(ATLASSIAN_SECRET))
    );
    let token = common::token(&second).await;
    let again = call(
        &second,
        &token,
        Method::POST,
        BASE,
        Some(create_body(&second)),
    )
    .await;
    assert_eq!(
        again.status(),
        409,
        "the one-per-environment rule survives too"
    );
}

#[tokio::test]
async fn state_file_holds_fingerprints_only() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.json");
    let emulator = Emulator::start(with_state_file(&path)).await.unwrap();
    let token = token(&emulator).await;
    create_confluence(&emulator, &token).await;

    let text = std::fs::read_to_string(&path).unwrap();
    assert!(!text.contains(ATLASSIAN_SECRET));
    assert!(!text.contains(SECRET));
    assert!(text.contains(&fingerprint(ATLASSIAN_SECRET)));
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(leftovers, vec![std::ffi::OsString::from("state.json")]);
}

#[tokio::test]
async fn patch_delete_and_drift_are_saved() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.json");
    let emulator = Emulator::start(with_state_file(&path)).await.unwrap();
    let token = token(&emulator).await;
    let id = create_confluence_id(&emulator, &token).await;
    call(
        &emulator,
        &token,
        Method::PATCH,
        &format!("{BASE}/{id}"),
        Some(json!({ "name": "Wiki" })),
    )
    .await;
    emulator.patch_integration(ENV, &id, json!({ "isActive": false }));
    drop(emulator);

    let restarted = Emulator::start(with_state_file(&path)).await.unwrap();
    let stored = &restarted.integrations(ENV)[0];
    assert_eq!(stored["name"], "Wiki");
    assert_eq!(stored["isActive"], false);
    assert!(restarted.delete_integration(ENV, &id));
    drop(restarted);

    let again = Emulator::start(with_state_file(&path)).await.unwrap();
    assert!(again.integrations(ENV).is_empty());
}

#[tokio::test]
async fn a_corrupt_state_file_stops_the_start_with_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.json");
    std::fs::write(&path, "{ not json").unwrap();
    let error = Emulator::start(with_state_file(&path))
        .await
        .err()
        .expect("start fails");
    assert_eq!(error.kind(), std::io::ErrorKind::InvalidData);
    assert!(error.to_string().contains("state.json"));
}

#[tokio::test]
async fn the_state_file_is_version_2_with_tools_agents_and_no_scopes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.json");
    let emulator = Emulator::start(with_state_file(&path)).await.unwrap();
    let token = token(&emulator).await;
    let id = create_confluence_id(&emulator, &token).await;
    emulator.patch_integration(ENV, &id, json!({ "agentIds": ["agent-a"] }));

    let saved: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(saved["version"], 2);
    let stored = &saved["environments"][ENV]["integrations"][0];
    assert_eq!(stored["tools"], json!(["pages:read", "pages:write"]));
    assert_eq!(stored["agentIds"], json!(["agent-a"]));
    assert!(stored.get("scopes").is_none());
}

#[tokio::test]
async fn agents_seeds_and_shared_app_integrations_survive_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.json");
    let first = Emulator::start(with_state_file(&path)).await.unwrap();
    let token = token(&first).await;
    let id = first
        .seed_integration(ENV, json!({ "provider": "confluence" }))
        .unwrap();
    call(
        &first,
        &token,
        Method::POST,
        &format!("{BASE}/{id}/agents/assign"),
        Some(json!({ "agentIds": ["agent-a"] })),
    )
    .await;
    let before = first.integrations(ENV);
    drop(first);

    let second = Emulator::start(with_state_file(&path)).await.unwrap();
    assert_eq!(second.integrations(ENV), before);
    assert_eq!(before[0]["agentIds"], json!(["agent-a"]));
    assert_eq!(before[0]["oauthConfigurations"], serde_json::Value::Null);
}

/// A state file as the previous emulator wrote it (contract v1, with `scopes`).
fn version_1_state(confluence_id: &str) -> String {
    json!({
        "version": 1,
        "environments": {
            ENV: {
                "integrations": [{
                    "id": "9b2f4c1e-0000-4000-8000-000000000001",
                    "name": "Confluence",
                    "description": null,
                    "fronteggIntegrationId": confluence_id,
                    "authenticationType": "behalf-of-user",
                    "tools": ["pages:read"],
                    "useFronteggIntegration": false,
                    "isActive": true,
                    "clientId": "atlassian-client",
                    "clientSecretFingerprint": fingerprint(ATLASSIAN_SECRET),
                    "scopes": ["read:page:confluence", "offline_access"],
                    "createdAt": "2026-01-15T10:30:00.000Z",
                    "updatedAt": "2026-01-15T10:30:00.000Z"
                }]
            }
        }
    })
    .to_string()
}

#[tokio::test]
async fn a_version_1_state_file_is_migrated_without_its_scopes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.json");
    let probe = start().await;
    std::fs::write(&path, version_1_state(&confluence_id(&probe))).unwrap();

    let emulator = Emulator::start(with_state_file(&path)).await.unwrap();
    let migrated = &emulator.integrations(ENV)[0];
    assert_eq!(migrated["id"], "9b2f4c1e-0000-4000-8000-000000000001");
    assert_eq!(tool_identifiers(migrated), ["pages:read"]);
    assert_eq!(migrated["agentIds"], json!([]));
    assert!(migrated.get("scopes").is_none());
    assert_eq!(
        migrated["oauthConfigurations"],
        json!({ "clientId": "atlassian-client", "clientSecret": "********" })
    );
    assert_eq!(
        emulator.secret_fingerprint_of(ENV, "9b2f4c1e-0000-4000-8000-000000000001"),
        Some(fingerprint(ATLASSIAN_SECRET))
    );

    emulator.patch_integration(
        ENV,
        "9b2f4c1e-0000-4000-8000-000000000001",
        json!({ "name": "Wiki" }),
    );
    let saved: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(saved["version"], 2, "the next change saves version 2");
}

#[tokio::test]
async fn a_state_file_of_an_unknown_version_is_refused_naming_the_versions_read() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.json");
    std::fs::write(&path, r#"{"version": 3, "environments": {}}"#).unwrap();
    let error = Emulator::start(with_state_file(&path))
        .await
        .err()
        .expect("start fails");
    assert_eq!(error.kind(), std::io::ErrorKind::InvalidData);
    let message = error.to_string();
    assert!(message.contains("state.json"), "{message}");
    assert!(
        message.contains("version 3 is not supported") && message.contains("versions 1 and 2"),
        "{message}"
    );
}

#[tokio::test]
async fn a_state_file_without_a_version_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.json");
    std::fs::write(&path, r#"{"environments": {}}"#).unwrap();
    let error = Emulator::start(with_state_file(&path))
        .await
        .err()
        .expect("start fails");
    assert!(
        error.to_string().contains("not an emulator state file"),
        "{error}"
    );
}
