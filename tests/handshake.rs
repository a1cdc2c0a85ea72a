//! Spawns the built provider binary the way Terraform does (go-plugin handshake with
//! AutoMTLS) and checks the handshake line, the private Unix socket it names, mutual TLS,
//! `GetProviderSchema`, refusal of foreign clients, and a prompt exit after
//! `GRPCController/Shutdown` that removes the socket; and debug mode on such a socket.

#![cfg(unix)]

use std::os::unix::fs::{MetadataExt as _, PermissionsExt as _};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use tfplugin::PluginAddr;
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
        "PLUGIN_UNIX_SOCKET_DIR",
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

/// The socket's path, and checks what makes it private: its directory was made for it, is
/// owned by this user, and only this user may enter it (mode 0700, no group or other bits).
fn private_socket(addr: &PluginAddr) -> PathBuf {
    let PluginAddr::Unix(socket) = addr else {
        panic!("expected a Unix socket, got {addr:?}")
    };
    let dir = socket.parent().expect("the socket has a directory");
    let meta = std::fs::metadata(dir).unwrap();
    assert!(meta.is_dir());
    assert_eq!(
        meta.permissions().mode() & 0o777,
        0o700,
        "{}",
        dir.display()
    );
    assert_eq!(meta.mode() & 0o077, 0, "no group or other access");
    assert_eq!(meta.uid(), my_uid(), "owned by this user");
    assert_eq!(
        std::fs::read_dir(dir).unwrap().count(),
        1,
        "only the socket"
    );
    socket.clone()
}

fn my_uid() -> u32 {
    let probe = tempfile::tempfile().unwrap();
    probe.metadata().unwrap().uid()
}

/// Whether another user (`nobody`) can enter `dir`; `None` when this test cannot switch
/// users (it is not running as root).
async fn another_user_can_enter(dir: &Path) -> Option<bool> {
    if my_uid() != 0 {
        return None;
    }
    let enters = |dir: PathBuf| async move {
        Command::new("/bin/sh")
            .arg("-c")
            .arg("cd \"$1\"")
            .arg("sh")
            .arg(dir)
            .uid(65534)
            .gid(65534)
            .stderr(Stdio::null())
            .status()
            .await
            .expect("run sh as nobody")
            .success()
    };
    // The control: that user can enter the directory above.
    assert!(enters(dir.parent().unwrap().to_path_buf()).await);
    Some(enters(dir.to_path_buf()).await)
}

#[tokio::test]
async fn handshake_mtls_schema_and_shutdown() {
    let client_cert = go_plugin_client_cert();
    let mut child = spawn_as_terraform(&client_cert);
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let line = first_line(&mut stdout).await;
    assert!(line.ends_with('\n'), "{line:?}");

    let hs = parse_handshake_line(&line).expect("valid handshake line");
    assert!(line.starts_with("1|6|unix|/"), "{line:?}");
    assert_eq!(hs.protocol_version, 6);
    let socket = private_socket(&hs.addr);
    let dir = socket.parent().unwrap().to_path_buf();
    assert_eq!(dir.parent(), Some(std::env::temp_dir().as_path()));
    assert_ne!(
        another_user_can_enter(&dir).await,
        Some(true),
        "another user entered"
    );
    assert!(
        !line.trim_end().ends_with('='),
        "certificate must be base64 without padding"
    );
    let server_cert = hs
        .server_cert
        .expect("server certificate in the handshake line");

    // The client holding PLUGIN_CLIENT_CERT (P-521, CA) gets the schema over mTLS.
    let channel = tls_channel(
        &hs.addr,
        client_tls_config(&server_cert, Some(&client_cert)),
    )
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
        let refused = match tls_channel(&hs.addr, config).await {
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
    assert!(!socket.exists(), "the socket is removed");
    assert!(!dir.exists(), "its directory is removed");

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
    private_socket(&hs.addr);
    let channel = plain_channel(&hs.addr).await.unwrap();
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

/// Starts `--debug` (with `socket_dir` as `PLUGIN_UNIX_SOCKET_DIR` if given) and returns
/// the process and its `TF_REATTACH_PROVIDERS` entry.
async fn start_debug(socket_dir: Option<&Path>) -> (Child, serde_json::Value) {
    let mut cmd = command();
    cmd.arg("--debug");
    if let Some(dir) = socket_dir {
        cmd.env("PLUGIN_UNIX_SOCKET_DIR", dir);
    }
    let mut child = cmd.spawn().unwrap();
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
    let entry = json[terraform_provider_frontegg::PROVIDER_ADDRESS].clone();
    (child, entry)
}

/// Ctrl-C (`-INT`) or `-TERM` ends a debug session, promptly and successfully.
async fn stop(mut child: Child, signal: &str) {
    let pid = child.id().unwrap().to_string();
    let kill = std::process::Command::new("kill")
        .args([signal, &pid])
        .status()
        .unwrap();
    assert!(kill.success());
    let status = tokio::time::timeout(Duration::from_secs(2), child.wait())
        .await
        .expect("exit within 2 s of the signal")
        .unwrap();
    assert!(status.success());
}

#[tokio::test]
async fn debug_mode_serves_on_a_private_unix_socket() {
    let (child, entry) = start_debug(None).await;
    assert_eq!(entry["Protocol"], "grpc");
    assert_eq!(entry["ProtocolVersion"], 6);
    assert_eq!(entry["Test"], true);
    assert_eq!(entry["Pid"], child.id().unwrap());
    assert_eq!(entry["Addr"]["Network"], "unix");
    let addr = PluginAddr::Unix(entry["Addr"]["String"].as_str().unwrap().into());
    let socket = private_socket(&addr);
    let dir = socket.parent().unwrap().to_path_buf();
    assert_eq!(dir.parent(), Some(std::env::temp_dir().as_path()));
    assert_ne!(
        another_user_can_enter(&dir).await,
        Some(true),
        "another user entered"
    );
    let channel = plain_channel(&addr).await.unwrap();
    ProviderClient::new(channel)
        .get_provider_schema(get_provider_schema::Request {})
        .await
        .unwrap();

    stop(child, "-INT").await;
    assert!(!socket.exists(), "the socket is removed");
    assert!(!dir.exists(), "its directory is removed");
}

#[tokio::test]
async fn debug_mode_honours_plugin_unix_socket_dir() {
    let parent = tempfile::tempdir().unwrap();
    let (child, entry) = start_debug(Some(parent.path())).await;
    assert_eq!(entry["Addr"]["Network"], "unix");
    let addr = PluginAddr::Unix(entry["Addr"]["String"].as_str().unwrap().into());
    let socket = private_socket(&addr);
    assert_eq!(socket.parent().unwrap().parent(), Some(parent.path()));
    ProviderClient::new(plain_channel(&addr).await.unwrap())
        .get_provider_schema(get_provider_schema::Request {})
        .await
        .unwrap();
    stop(child, "-TERM").await;
    assert_eq!(std::fs::read_dir(parent.path()).unwrap().count(), 0);
}

#[tokio::test]
async fn plugin_mode_honours_plugin_unix_socket_dir() {
    let parent = tempfile::tempdir().unwrap();
    let client_cert = go_plugin_client_cert();
    let mut cmd = command();
    cmd.env(COOKIE_KEY, COOKIE)
        .env("PLUGIN_PROTOCOL_VERSIONS", "6")
        .env("PLUGIN_CLIENT_CERT", &client_cert.pem)
        .env("PLUGIN_UNIX_SOCKET_DIR", parent.path());
    let mut child = cmd.spawn().unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let hs = parse_handshake_line(&first_line(&mut stdout).await).unwrap();
    let socket = private_socket(&hs.addr);
    assert_eq!(socket.parent().unwrap().parent(), Some(parent.path()));
    let config = client_tls_config(&hs.server_cert.unwrap(), Some(&client_cert));
    let channel = tls_channel(&hs.addr, config).await.unwrap();
    GrpcControllerClient::new(channel)
        .shutdown(Empty {})
        .await
        .unwrap();
    let status = tokio::time::timeout(Duration::from_secs(2), child.wait())
        .await
        .expect("exit within 2 s")
        .unwrap();
    assert!(status.success());
    assert_eq!(std::fs::read_dir(parent.path()).unwrap().count(), 0);
}

#[tokio::test]
async fn without_a_usable_socket_directory_the_plugin_serves_on_loopback_tcp() {
    let missing = tempfile::tempdir().unwrap().path().join("gone");
    let mut child = command()
        .env(COOKIE_KEY, COOKIE)
        .env("PLUGIN_PROTOCOL_VERSIONS", "6")
        .env("PLUGIN_MIN_PORT", "20000")
        .env("PLUGIN_MAX_PORT", "25000")
        .env("PLUGIN_UNIX_SOCKET_DIR", &missing)
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let hs = parse_handshake_line(&first_line(&mut stdout).await).unwrap();
    let PluginAddr::Tcp(addr) = hs.addr else {
        panic!("{:?}", hs.addr)
    };
    assert!(addr.ip().is_loopback());
    assert!((20000..=25000).contains(&addr.port()));
    let channel = plain_channel(addr).await.unwrap();
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
async fn sigterm_right_after_the_handshake_removes_the_socket() {
    let client_cert = go_plugin_client_cert();
    let mut child = spawn_as_terraform(&client_cert);
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let hs = parse_handshake_line(&first_line(&mut stdout).await).unwrap();
    let socket = private_socket(&hs.addr);
    stop(child, "-TERM").await;
    assert!(!socket.exists(), "the socket is removed");
    assert!(
        !socket.parent().unwrap().exists(),
        "its directory is removed"
    );
}
