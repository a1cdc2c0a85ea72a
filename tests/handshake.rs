//! Spawns the built provider binary the way Terraform does (go-plugin handshake with
//! AutoMTLS) and checks the handshake line, mutual TLS, `GetProviderSchema`, refusal of
//! foreign clients, and a prompt exit after `GRPCController/Shutdown`.

use std::process::Stdio;
use std::time::Duration;

use tfplugin::proto::plugin::{Empty, grpc_controller_client::GrpcControllerClient};
use tfplugin::proto::tfplugin6::{
    diagnostic::Severity, get_provider_schema, provider_client::ProviderClient,
};
use tfplugin::testing::{
    ClientCert, client_tls_config, go_plugin_client_cert, parse_handshake_line, plain_channel,
    tls_channel,
};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, BufReader};
use tokio::process::{Child, ChildStdout, Command};

/// The provider binary under test: the one cargo built, or `TFP_PROVIDER_BINARY`
/// (e.g. a release build).
fn binary() -> String {
    std::env::var("TFP_PROVIDER_BINARY")
        .unwrap_or_else(|_| env!("CARGO_BIN_EXE_terraform-provider-frontegg").to_string())
}
const COOKIE_KEY: &str = "TF_PLUGIN_MAGIC_COOKIE";
const COOKIE: &str = "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2";

/// The binary with a clean plugin environment (no inherited handshake or log settings).
fn command() -> Command {
    let mut cmd = Command::new(binary());
    for key in [
        COOKIE_KEY,
        "PLUGIN_PROTOCOL_VERSIONS",
        "PLUGIN_MIN_PORT",
        "PLUGIN_MAX_PORT",
        "PLUGIN_CLIENT_CERT",
        "TF_LOG",
        "TF_LOG_PROVIDER",
        "TF_REATTACH_PROVIDERS",
    ] {
        cmd.env_remove(key);
    }
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    cmd
}

/// Starts the plugin as Terraform does: cookie, protocols "5,6", port range, client cert.
fn spawn_as_terraform(client: &ClientCert) -> Child {
    command()
        .env(COOKIE_KEY, COOKIE)
        .env("PLUGIN_PROTOCOL_VERSIONS", "5,6")
        .env("PLUGIN_MIN_PORT", "10000")
        .env("PLUGIN_MAX_PORT", "25000")
        .env("PLUGIN_CLIENT_CERT", &client.pem)
        .spawn()
        .expect("spawn the provider binary")
}

async fn first_line(stdout: &mut BufReader<ChildStdout>) -> String {
    let mut line = String::new();
    tokio::time::timeout(Duration::from_secs(10), stdout.read_line(&mut line))
        .await
        .expect("handshake line within 10 s")
        .expect("read stdout");
    line
}

#[tokio::test]
async fn handshake_mtls_schema_and_shutdown() {
    let client_cert = go_plugin_client_cert();
    let mut child = spawn_as_terraform(&client_cert);
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let line = first_line(&mut stdout).await;
    assert!(line.ends_with('\n'), "{line:?}");

    let hs = parse_handshake_line(&line).expect("valid handshake line");
    assert!(line.starts_with("1|6|tcp|127.0.0.1:"), "{line:?}");
    assert_eq!(hs.protocol_version, 6);
    assert!(hs.addr.ip().is_loopback());
    assert!((10000..=25000).contains(&hs.addr.port()));
    assert!(
        !line.trim_end().ends_with('='),
        "certificate must be base64 without padding"
    );
    let server_cert = hs
        .server_cert
        .expect("server certificate in the handshake line");

    // The client holding PLUGIN_CLIENT_CERT (P-521, CA) gets the schema over mTLS.
    let channel = tls_channel(hs.addr, client_tls_config(&server_cert, Some(&client_cert)))
        .await
        .expect("mTLS connection");
    let schema = ProviderClient::new(channel.clone())
        .get_provider_schema(get_provider_schema::Request {})
        .await
        .expect("GetProviderSchema")
        .into_inner();
    assert!(schema.provider.is_some(), "provider schema present");
    assert!(
        schema
            .resource_schemas
            .contains_key("frontegg_confluence_integration"),
        "resource schemas: {:?}",
        schema.resource_schemas.keys().collect::<Vec<_>>()
    );
    let errors: Vec<_> = schema
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error as i32)
        .collect();
    assert!(errors.is_empty(), "schema errors: {errors:?}");

    // No client certificate, or a different one made the same way: refused.
    let stranger = go_plugin_client_cert();
    for (what, config) in [
        ("no certificate", client_tls_config(&server_cert, None)),
        (
            "another certificate",
            client_tls_config(&server_cert, Some(&stranger)),
        ),
    ] {
        let refused = match tls_channel(hs.addr, config).await {
            Err(_) => true,
            Ok(ch) => ProviderClient::new(ch)
                .get_provider_schema(get_provider_schema::Request {})
                .await
                .is_err(),
        };
        assert!(refused, "a client with {what} must be refused");
    }

    // Shutdown: the process exits on its own well within Terraform's 2 s.
    GrpcControllerClient::new(channel)
        .shutdown(Empty {})
        .await
        .expect("Shutdown");
    let status = tokio::time::timeout(Duration::from_secs(2), child.wait())
        .await
        .expect("process exits within 2 s of Shutdown")
        .expect("wait");
    assert!(status.success(), "exit status {status:?}");

    // Nothing but the handshake line ever reached stdout.
    let mut rest = String::new();
    stdout.read_to_string(&mut rest).await.unwrap();
    assert_eq!(rest, "", "stdout after the handshake line");
}

#[tokio::test]
async fn without_cookie_explains_and_exits_1() {
    let out = command().output().await.unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("Terraform plugin"), "{stderr}");
    assert!(stderr.contains("--debug"), "{stderr}");
}

#[tokio::test]
async fn protocol_5_only_is_a_clear_error() {
    let out = command()
        .env(COOKIE_KEY, COOKIE)
        .env("PLUGIN_PROTOCOL_VERSIONS", "5")
        .output()
        .await
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("protocol 6"), "{stderr}");
}

#[tokio::test]
async fn protocols_in_any_order_and_without_automtls() {
    let mut child = command()
        .env(COOKIE_KEY, COOKIE)
        .env("PLUGIN_PROTOCOL_VERSIONS", "6,5")
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let line = first_line(&mut stdout).await;
    let hs = parse_handshake_line(&line).unwrap();
    assert!(line.trim_end().ends_with("|grpc|"), "{line:?}");
    assert!(hs.server_cert.is_none());
    let channel = plain_channel(hs.addr).await.unwrap();
    ProviderClient::new(channel.clone())
        .get_provider_schema(get_provider_schema::Request {})
        .await
        .unwrap();
    GrpcControllerClient::new(channel)
        .shutdown(Empty {})
        .await
        .unwrap();
    let status = tokio::time::timeout(Duration::from_secs(2), child.wait())
        .await
        .expect("exit within 2 s")
        .unwrap();
    assert!(status.success());
}

#[tokio::test]
async fn debug_mode_prints_reattach_and_serves() {
    let mut child = command().arg("--debug").spawn().unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut reattach = None;
    for _ in 0..20 {
        let line = first_line(&mut stdout).await;
        if let Some(value) = line.trim().strip_prefix("TF_REATTACH_PROVIDERS='") {
            reattach = Some(value.trim_end_matches('\'').to_string());
            break;
        }
    }
    let reattach = reattach.expect("TF_REATTACH_PROVIDERS line");
    let json: serde_json::Value = serde_json::from_str(&reattach).unwrap();
    let entry = &json["registry.terraform.io/frontegg/frontegg"];
    assert_eq!(entry["Protocol"], "grpc");
    assert_eq!(entry["ProtocolVersion"], 6);
    assert_eq!(entry["Test"], true);
    assert_eq!(entry["Pid"], child.id().unwrap());
    assert_eq!(entry["Addr"]["Network"], "tcp");
    let addr = entry["Addr"]["String"].as_str().unwrap().parse().unwrap();
    let channel = plain_channel(addr).await.unwrap();
    ProviderClient::new(channel)
        .get_provider_schema(get_provider_schema::Request {})
        .await
        .unwrap();

    // Ctrl-C ends a debug session.
    let pid = child.id().unwrap().to_string();
    let kill = std::process::Command::new("kill")
        .args(["-INT", &pid])
        .status()
        .unwrap();
    assert!(kill.success());
    let status = tokio::time::timeout(Duration::from_secs(2), child.wait())
        .await
        .expect("exit within 2 s of Ctrl-C")
        .unwrap();
    assert!(status.success());
}
