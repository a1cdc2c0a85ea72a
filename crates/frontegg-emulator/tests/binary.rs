//! The `frontegg-emulator` binary: URL on the first stdout line, demo credentials from the
//! environment, a clean stop on SIGTERM, no secret on stderr.

use std::process::Stdio;
use std::time::Duration;

use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, BufReader};
use tokio::process::{Child, Command};

async fn spawn(args: &[&str], env: &[(&str, &str)]) -> (Child, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_frontegg-emulator"));
    command
        .args(args)
        .env_remove("FRONTEGG_EMULATOR_CLIENT_ID")
        .env_remove("FRONTEGG_EMULATOR_SECRET")
        .env_remove("FRONTEGG_EMULATOR_ENVIRONMENT_ID")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    for (k, v) in env {
        command.env(k, v);
    }
    let mut child = command.spawn().expect("binary starts");
    let stdout = child.stdout.take().unwrap();
    let mut lines = BufReader::new(stdout).lines();
    let first = tokio::time::timeout(Duration::from_secs(10), lines.next_line())
        .await
        .expect("first line in time")
        .unwrap()
        .expect("a first line");
    let url = first
        .strip_prefix("FRONTEGG_EMULATOR_URL=")
        .unwrap_or_else(|| panic!("unexpected first line {first:?}"))
        .to_string();
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    (child, url)
}

async fn terminate(mut child: Child) -> String {
    let pid = child.id().unwrap().to_string();
    let status = std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap();
    assert!(status.success());
    let exit = tokio::time::timeout(Duration::from_secs(2), child.wait())
        .await
        .expect("exits within 2 s")
        .unwrap();
    assert!(exit.success(), "{exit:?}");
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .await
        .unwrap();
    stderr
}

async fn authenticate(url: &str, client_id: &str, secret: &str) -> reqwest::Response {
    reqwest::Client::new()
        .post(format!("{url}/auth/vendor"))
        .json(&json!({ "clientId": client_id, "secret": secret }))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn prints_its_url_serves_and_stops_on_sigterm_without_logging_secrets() {
    let (child, url) = spawn(&[], &[]).await;
    let response = authenticate(&url, "demo-client-id", "demo-secret").await;
    assert_eq!(response.status(), 200);
    let token = response.json::<Value>().await.unwrap()["token"]
        .as_str()
        .unwrap()
        .to_string();
    let stderr = terminate(child).await;
    assert!(stderr.contains("POST /auth/vendor"), "{stderr}");
    assert!(!stderr.contains("demo-secret"));
    assert!(!stderr.contains(&token));
}

#[tokio::test]
async fn environment_variables_override_the_demo_credentials() {
    let (child, url) = spawn(
        &["--token-ttl", "120"],
        &[
            ("FRONTEGG_EMULATOR_CLIENT_ID", "ci-client"),
            ("FRONTEGG_EMULATOR_SECRET", "ci-secret"),
            ("FRONTEGG_EMULATOR_ENVIRONMENT_ID", "env-ci"),
        ],
    )
    .await;
    assert_eq!(
        authenticate(&url, "demo-client-id", "demo-secret")
            .await
            .status(),
        401
    );
    let response = authenticate(&url, "ci-client", "ci-secret").await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["expiresIn"], 120);
    let token = body["token"].as_str().unwrap();
    let listed = reqwest::Client::new()
        .get(format!(
            "{url}/app-integrations/resources/vendors-integrations/v1"
        ))
        .bearer_auth(token)
        .header("frontegg-environment-id", "env-ci")
        .send()
        .await
        .unwrap();
    assert_eq!(listed.status(), 200);
    terminate(child).await;
}

#[tokio::test]
async fn config_file_defines_environments_and_accounts() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("emulator.json");
    std::fs::write(
        &config,
        json!({
            "environments": [{ "id": "env-x", "clientId": "x", "secret": "x-secret" }],
            "accounts": [{ "clientId": "acct", "secret": "acct-secret", "environmentIds": ["env-x"] }],
            "tokenTtlSecs": 60
        })
        .to_string(),
    )
    .unwrap();
    let (child, url) = spawn(&["--config", config.to_str().unwrap()], &[]).await;
    assert_eq!(authenticate(&url, "x", "x-secret").await.status(), 200);
    assert_eq!(
        authenticate(&url, "acct", "acct-secret").await.status(),
        200
    );
    assert_eq!(
        authenticate(&url, "demo-client-id", "demo-secret")
            .await
            .status(),
        401
    );
    terminate(child).await;
}

#[tokio::test]
async fn unknown_argument_is_refused_with_usage() {
    let output = Command::new(env!("CARGO_BIN_EXE_frontegg-emulator"))
        .arg("--bogus")
        .output()
        .await
        .unwrap();
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("usage"));
}
