//! Starting and stopping the in-process emulator.

mod common;

use std::time::Duration;

use common::*;
use frontegg_emulator::{Emulator, EmulatorConfig};

#[tokio::test]
async fn base_url_is_loopback_http_without_a_trailing_slash() {
    let emulator = start().await;
    let url = emulator.base_url();
    assert_eq!(
        url,
        format!("http://127.0.0.1:{}", emulator.local_addr().port())
    );
    assert!(!url.ends_with('/'));
}

#[tokio::test]
async fn binds_the_configured_port() {
    let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = probe.local_addr().unwrap().port();
    drop(probe);
    let emulator = Emulator::start(EmulatorConfig {
        port,
        ..EmulatorConfig::default()
    })
    .await
    .unwrap();
    assert_eq!(emulator.local_addr().port(), port);
}

#[tokio::test]
async fn a_busy_port_is_an_error() {
    let first = start().await;
    let second = Emulator::start(EmulatorConfig {
        port: first.local_addr().port(),
        ..EmulatorConfig::default()
    })
    .await;
    assert!(second.is_err());
}

#[tokio::test]
async fn shutdown_returns_promptly_while_a_client_keeps_an_idle_connection() {
    let emulator = start().await;
    let client = http();
    let response = client
        .get(format!("{}/_emulator/health", emulator.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let url = emulator.base_url();
    tokio::time::timeout(Duration::from_secs(2), emulator.shutdown())
        .await
        .expect("shutdown within 2 s");
    assert!(
        http()
            .get(format!("{url}/_emulator/health"))
            .send()
            .await
            .is_err()
    );
}
