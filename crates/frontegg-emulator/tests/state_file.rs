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
