//! Start-up benchmark of the release binary (run by `scripts/bench.sh`; not a test):
//! time from spawn to the handshake line with AutoMTLS on (median of many runs),
//! resident memory after the handshake and after a `GetProviderSchema`, binary size.
//!
//! Usage: `cargo bench --bench startup -- [BINARY] [--runs N]`.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use tfplugin::proto::plugin::{Empty, grpc_controller_client::GrpcControllerClient};
use tfplugin::proto::tfplugin6::{get_provider_schema, provider_client::ProviderClient};
use tfplugin::testing::{
    ClientCert, client_tls_config, go_plugin_client_cert, parse_handshake_line, tls_channel,
};

const COOKIE: &str = "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2";
const TARGET_HANDSHAKE_MS: f64 = 3.0;
const TARGET_RSS_MB: f64 = 8.0;
const TARGET_BINARY_MB: f64 = 10.0;

fn spawn(binary: &Path, cert: &ClientCert) -> Child {
    Command::new(binary)
        .env("TF_PLUGIN_MAGIC_COOKIE", COOKIE)
        .env("PLUGIN_PROTOCOL_VERSIONS", "5,6")
        .env("PLUGIN_MIN_PORT", "10000")
        .env("PLUGIN_MAX_PORT", "25000")
        .env("PLUGIN_CLIENT_CERT", &cert.pem)
        .env_remove("TF_LOG")
        .env_remove("TF_LOG_PROVIDER")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn provider")
}

/// Stops the provider with SIGTERM, as a graceful stop that removes its socket directory.
fn terminate(child: &mut Child) {
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let _ = child.wait();
}

fn read_line(child: &mut Child) -> (String, BufReader<std::process::ChildStdout>) {
    let mut reader = BufReader::new(child.stdout.take().expect("stdout"));
    let mut line = String::new();
    reader.read_line(&mut line).expect("read handshake line");
    (line, reader)
}

fn vm_rss_kb(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

/// `RssAnon` / `RssFile` breakdown from /proc/PID/status, for the report.
fn rss_breakdown(pid: u32) -> String {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .map(|v| v.trim().to_string())
            .unwrap_or_default()
    };
    format!(
        "anon {}, file {}, threads {}",
        field("RssAnon:"),
        field("RssFile:"),
        field("Threads:")
    )
}

fn verdict(ok: bool) -> &'static str {
    if ok { "MET" } else { "NOT MET" }
}

fn main() {
    let mut binary = PathBuf::from(env!("CARGO_BIN_EXE_terraform-provider-frontegg"));
    let mut runs = 200usize;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--runs" => runs = args.next().and_then(|n| n.parse().ok()).expect("--runs N"),
            a if a.starts_with("--") => {} // cargo bench passes --bench
            a => binary = PathBuf::from(a),
        }
    }
    let cert = go_plugin_client_cert();
    println!("binary: {}", binary.display());

    // 1. Spawn → handshake line, AutoMTLS on.
    for _ in 0..5 {
        let mut child = spawn(&binary, &cert);
        let _ = read_line(&mut child);
        terminate(&mut child);
    }
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let start = Instant::now();
        let mut child = spawn(&binary, &cert);
        let (line, _reader) = read_line(&mut child);
        let elapsed = start.elapsed();
        assert!(
            line.starts_with("1|6|unix|/"),
            "bad handshake line {line:?}"
        );
        times.push(elapsed);
        terminate(&mut child);
    }
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let median = ms(times[times.len() / 2]);
    let p90 = ms(times[times.len() * 9 / 10]);
    println!(
        "handshake (spawn -> line, AutoMTLS), {runs} runs: median {median:.2} ms, p90 {p90:.2} ms, min {:.2} ms, max {:.2} ms   target <= {TARGET_HANDSHAKE_MS} ms: {}",
        ms(times[0]),
        ms(times[times.len() - 1]),
        verdict(median <= TARGET_HANDSHAKE_MS)
    );

    // 2. Resident memory after the handshake and after GetProviderSchema.
    let mut child = spawn(&binary, &cert);
    let pid = child.id();
    let (line, _reader) = read_line(&mut child);
    std::thread::sleep(Duration::from_millis(100));
    let rss_handshake = vm_rss_kb(pid).expect("VmRSS") as f64 / 1024.0;
    let detail_handshake = rss_breakdown(pid);
    let hs = parse_handshake_line(&line).expect("handshake line");
    let server_cert = hs.server_cert.expect("server cert");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let (rss_schema, detail_schema, schema_count) = runtime.block_on(async {
        let channel = tls_channel(&hs.addr, client_tls_config(&server_cert, Some(&cert)))
            .await
            .expect("mTLS channel");
        let schema = ProviderClient::new(channel.clone())
            .get_provider_schema(get_provider_schema::Request {})
            .await
            .expect("GetProviderSchema")
            .into_inner();
        tokio::time::sleep(Duration::from_millis(100)).await;
        let rss = vm_rss_kb(pid).expect("VmRSS") as f64 / 1024.0;
        let detail = rss_breakdown(pid);
        let _ = GrpcControllerClient::new(channel).shutdown(Empty {}).await;
        (
            rss,
            detail,
            schema.resource_schemas.len() + schema.data_source_schemas.len(),
        )
    });
    let _ = child.wait();
    println!(
        "RSS after handshake: {rss_handshake:.1} MB ({detail_handshake})   target <= {TARGET_RSS_MB} MB: {}",
        verdict(rss_handshake <= TARGET_RSS_MB)
    );
    println!(
        "RSS after GetProviderSchema ({schema_count} resource/data source schemas): {rss_schema:.1} MB ({detail_schema})   target <= {TARGET_RSS_MB} MB: {}",
        verdict(rss_schema <= TARGET_RSS_MB)
    );

    // 3. Stripped binary size (the release profile strips; strip a copy to be sure).
    let size = std::fs::metadata(&binary).expect("binary").len();
    let stripped = strip_copy(&binary).unwrap_or(size);
    let mb = stripped as f64 / (1024.0 * 1024.0);
    println!(
        "binary size: {:.2} MB as built, {mb:.2} MB stripped   target <= {TARGET_BINARY_MB} MB: {}",
        size as f64 / (1024.0 * 1024.0),
        verdict(mb <= TARGET_BINARY_MB)
    );
}

fn strip_copy(binary: &Path) -> Option<u64> {
    let dir = std::env::temp_dir().join(format!("tfp-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).ok()?;
    let copy = dir.join("provider");
    std::fs::copy(binary, &copy).ok()?;
    let ok = Command::new("strip")
        .arg(&copy)
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    let size = std::fs::metadata(&copy).ok().map(|m| m.len());
    let _ = std::fs::remove_dir_all(&dir);
    if ok { size } else { None }
}
