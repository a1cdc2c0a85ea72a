//! This provider side by side with its peers, in one run (run by `scripts/bench-compare.sh`;
//! not a test). Prints one table with ratios:
//!
//! - start-up of each binary, spawned as Terraform spawns a plugin (AutoMTLS on): the median
//!   time from spawn to the handshake line and the median resident memory right after it,
//!   the binaries taking turns spawn by spawn, so that the machine's load hits all alike.
//!   Peers: the Rust peer (the `tf-provider` crate's null example) and HashiCorp's Go null
//!   provider.
//! - `terraform plan` (nothing created yet), `terraform apply` (create everything) and
//!   `terraform plan` of the applied configuration (refresh, no change) over N environments,
//!   each with a provider configuration of its own and one resource: this provider against
//!   an in-process emulator on a loopback port (one emulator environment per provider
//!   configuration), the Rust peer's and the Go null provider's null resources, and
//!   Terraform's built-in `terraform_data` (no plugin at all) as the floor.
//!
//! Usage: `cargo bench --bench compare -- --rust-peer BIN --go-null BIN --terraform TF
//! [--ours BIN] [--envs 50,200] [--spawns 101] [--runs 3]`.

use std::fmt::Write as _;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use frontegg_emulator::{Emulator, EmulatorConfig, EnvironmentConfig};
use tfplugin::testing::go_plugin_client_cert;

const COOKIE: &str = "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2";

struct Args {
    ours: PathBuf,
    rust_peer: PathBuf,
    go_null: PathBuf,
    terraform: PathBuf,
    envs: Vec<usize>,
    spawns: usize,
    runs: usize,
}

fn args() -> Args {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut parsed = Args {
        ours: PathBuf::from(env!("CARGO_BIN_EXE_terraform-provider-frontegg")),
        rust_peer: PathBuf::new(),
        go_null: PathBuf::new(),
        terraform: root.join(".tools/terraform/1.15.5/terraform"),
        envs: vec![50, 200],
        spawns: 101,
        runs: 3,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut value = || it.next().unwrap_or_else(|| panic!("{arg} needs a value"));
        match arg.as_str() {
            "--ours" => parsed.ours = PathBuf::from(value()),
            "--rust-peer" => parsed.rust_peer = PathBuf::from(value()),
            "--go-null" => parsed.go_null = PathBuf::from(value()),
            "--terraform" => parsed.terraform = PathBuf::from(value()),
            "--spawns" => parsed.spawns = value().parse().expect("--spawns N"),
            "--runs" => parsed.runs = value().parse().expect("--runs N"),
            "--envs" => {
                parsed.envs = value()
                    .split(',')
                    .filter(|n| !n.trim().is_empty())
                    .map(|n| n.trim().parse().expect("--envs 50,200"))
                    .collect()
            }
            _ => {} // cargo bench passes --bench
        }
    }
    for path in [
        &mut parsed.ours,
        &mut parsed.rust_peer,
        &mut parsed.go_null,
        &mut parsed.terraform,
    ] {
        *path = std::fs::canonicalize(&*path)
            .unwrap_or_else(|e| panic!("{}: {e} (see scripts/bench-compare.sh)", path.display()));
    }
    parsed
}

/// Medians of the start-up of one binary.
struct Startup {
    handshake_ms: f64,
    rss_mb: f64,
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn vm_rss_kb(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

fn spawn_plugin(binary: &Path, client_cert_pem: &str) -> Child {
    Command::new(binary)
        .env("TF_PLUGIN_MAGIC_COOKIE", COOKIE)
        .env("PLUGIN_PROTOCOL_VERSIONS", "5,6")
        .env("PLUGIN_MIN_PORT", "10000")
        .env("PLUGIN_MAX_PORT", "25000")
        .env("PLUGIN_CLIENT_CERT", client_cert_pem)
        .env_remove("TF_LOG")
        .env_remove("TF_LOG_PROVIDER")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("spawn {}: {e}", binary.display()))
}

/// One spawn: time to the handshake line, and resident memory (kB) once the line is out.
fn spawn_once(binary: &Path, client_cert_pem: &str) -> (Duration, u64) {
    let start = Instant::now();
    let mut child = spawn_plugin(binary, client_cert_pem);
    let mut reader = BufReader::new(child.stdout.take().expect("stdout"));
    let mut line = String::new();
    reader
        .read_line(&mut line)
        .expect("read the handshake line");
    let elapsed = start.elapsed();
    assert!(
        line.starts_with("1|"),
        "{}: bad handshake line {line:?}",
        binary.display()
    );
    // What the process holds once it serves, not what it touches while writing the line.
    std::thread::sleep(Duration::from_millis(50));
    let rss = vm_rss_kb(child.id()).expect("VmRSS");
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let _ = child.wait();
    (elapsed, rss)
}

fn startups(binaries: &[&Path], spawns: usize) -> Vec<Startup> {
    let cert = go_plugin_client_cert();
    for binary in binaries {
        for _ in 0..3 {
            spawn_once(binary, &cert.pem); // warm the page cache
        }
    }
    let mut times = vec![Vec::new(); binaries.len()];
    let mut rss = vec![Vec::new(); binaries.len()];
    for round in 0..spawns {
        for k in 0..binaries.len() {
            let i = (round + k) % binaries.len();
            let (t, kb) = spawn_once(binaries[i], &cert.pem);
            times[i].push(t.as_secs_f64() * 1000.0);
            rss[i].push(kb as f64 / 1024.0);
        }
    }
    times
        .into_iter()
        .zip(rss)
        .map(|(t, r)| Startup {
            handshake_ms: median(t),
            rss_mb: median(r),
        })
        .collect()
}

/// What an environment's configuration holds.
#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Ours,
    RustPeer,
    GoNull,
    Floor,
}

impl Kind {
    const ALL: [Kind; 4] = [Kind::Ours, Kind::RustPeer, Kind::GoNull, Kind::Floor];

    fn provider_type(self) -> &'static str {
        match self {
            Kind::Ours => "frontegg",
            Kind::RustPeer | Kind::GoNull => "null",
            Kind::Floor => "",
        }
    }

    fn source(self) -> &'static str {
        match self {
            Kind::Ours => "frontegg/frontegg",
            Kind::RustPeer => "bench/null",
            Kind::GoNull => "hashicorp/null",
            Kind::Floor => "",
        }
    }

    /// The configuration of environment `i`.
    fn environment(self, i: usize, base_url: &str) -> String {
        match self {
            Kind::Ours => format!(
                "\nprovider \"frontegg\" {{\n  alias          = \"e{i}\"\n  base_url       = \"{base_url}\"\n  client_id      = \"{}\"\n  secret         = \"{}\"\n}}\n\nresource \"frontegg_confluence_integration\" \"e{i}\" {{\n  provider      = frontegg.e{i}\n  client_id     = \"atl-bench-{i}\"\n  client_secret = \"atl-bench-secret\"\n}}\n",
                env_client_id(i),
                env_secret(i)
            ),
            // The same configuration for both null providers.
            Kind::RustPeer | Kind::GoNull => format!(
                "\nprovider \"null\" {{\n  alias = \"e{i}\"\n}}\n\nresource \"null_resource\" \"e{i}\" {{\n  provider = null.e{i}\n  triggers = {{ env = \"e{i}\" }}\n}}\n"
            ),
            Kind::Floor => {
                format!("\nresource \"terraform_data\" \"e{i}\" {{\n  input = \"e{i}\"\n}}\n")
            }
        }
    }
}

fn env_id(i: usize) -> String {
    format!("env-bench-{i}")
}
fn env_client_id(i: usize) -> String {
    format!("bench-client-{i}")
}
fn env_secret(i: usize) -> String {
    format!("bench-secret-{i}")
}

/// A working directory for one kind over `n` environments.
struct Setup {
    dir: tempfile::TempDir,
}

impl Setup {
    fn new(kind: Kind, binary: Option<&Path>, n: usize, base_url: &str) -> Setup {
        let dir = tempfile::tempdir().expect("temp dir");
        let plugins = dir.path().join("plugins");
        std::fs::create_dir_all(&plugins).expect("plugins dir");
        std::fs::create_dir_all(dir.path().join("work")).expect("work dir");
        let mut overrides = String::new();
        let mut main = String::new();
        if let Some(binary) = binary {
            let name = format!("terraform-provider-{}", kind.provider_type());
            std::os::unix::fs::symlink(binary, plugins.join(name)).expect("link the provider");
            overrides = format!(
                "    \"registry.terraform.io/{}\" = \"{}\"\n",
                kind.source(),
                plugins.display()
            );
            main = format!(
                "terraform {{\n  required_providers {{\n    {} = {{\n      source = \"{}\"\n    }}\n  }}\n}}\n",
                kind.provider_type(),
                kind.source()
            );
        }
        std::fs::write(
            dir.path().join("cli.tfrc"),
            format!(
                "provider_installation {{\n  dev_overrides {{\n{overrides}  }}\n  direct {{}}\n}}\ndisable_checkpoint = true\n"
            ),
        )
        .expect("CLI config");
        for i in 0..n {
            main.push_str(&kind.environment(i, base_url));
        }
        std::fs::write(dir.path().join("work/main.tf"), main).expect("main.tf");
        Setup { dir }
    }

    /// Runs `terraform args...`, timed.
    fn terraform(&self, terraform: &Path, args: &[&str]) -> Duration {
        let mut cmd = Command::new(terraform);
        cmd.args(args)
            .args(["-input=false", "-no-color"])
            .current_dir(self.dir.path().join("work"))
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("HOME", self.dir.path())
            .env("TF_CLI_CONFIG_FILE", self.dir.path().join("cli.tfrc"))
            .env("TF_IN_AUTOMATION", "1")
            .env("CHECKPOINT_DISABLE", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        let started = Instant::now();
        let out = cmd.output().expect("run terraform");
        let elapsed = started.elapsed();
        assert!(
            out.status.success(),
            "terraform {args:?} in {} failed:\n{}",
            self.dir.path().display(),
            String::from_utf8_lossy(&out.stderr)
        );
        elapsed
    }
}

/// One figure of a [`Lifecycle`].
type Figure = fn(&Lifecycle) -> f64;

/// Medians (ms) of one kind over N environments.
#[derive(Clone, Copy, Default)]
struct Lifecycle {
    plan_create: f64,
    apply: f64,
    plan_unchanged: f64,
}

fn lifecycles(args: &Args, n: usize, base_url: &str) -> Vec<Lifecycle> {
    let setups: Vec<Setup> = Kind::ALL
        .iter()
        .map(|&kind| {
            let binary = match kind {
                Kind::Ours => Some(args.ours.as_path()),
                Kind::RustPeer => Some(args.rust_peer.as_path()),
                Kind::GoNull => Some(args.go_null.as_path()),
                Kind::Floor => None,
            };
            Setup::new(kind, binary, n, base_url)
        })
        .collect();
    let tf = args.terraform.as_path();
    // One untimed cycle each: Terraform's own caches, the page cache.
    for setup in &setups {
        setup.terraform(tf, &["apply", "-auto-approve"]);
        setup.terraform(tf, &["destroy", "-auto-approve"]);
    }
    let mut samples = vec![[Vec::new(), Vec::new(), Vec::new()]; setups.len()];
    for round in 0..args.runs {
        for k in 0..setups.len() {
            let i = (round + k) % setups.len();
            let setup = &setups[i];
            let ms = |d: Duration| d.as_secs_f64() * 1000.0;
            samples[i][0].push(ms(setup.terraform(tf, &["plan"])));
            samples[i][1].push(ms(setup.terraform(tf, &["apply", "-auto-approve"])));
            samples[i][2].push(ms(setup.terraform(tf, &["plan", "-detailed-exitcode"])));
            setup.terraform(tf, &["destroy", "-auto-approve"]);
        }
    }
    samples
        .into_iter()
        .map(|[p, a, u]| Lifecycle {
            plan_create: median(p),
            apply: median(a),
            plan_unchanged: median(u),
        })
        .collect()
}

fn main() {
    let args = args();
    println!("terraform:    {}", args.terraform.display());
    println!("this provider: {}", args.ours.display());
    println!("Rust peer:    {}", args.rust_peer.display());
    println!("Go null:      {}", args.go_null.display());

    let binaries = [
        args.ours.as_path(),
        args.rust_peer.as_path(),
        args.go_null.as_path(),
    ];
    let startup = startups(&binaries, args.spawns);

    let max_envs = args.envs.iter().copied().max().unwrap_or(0);
    let runtime = tokio::runtime::Runtime::new().expect("tokio runtime");
    let emulator = runtime
        .block_on(Emulator::start(EmulatorConfig {
            environments: (0..max_envs)
                .map(|i| EnvironmentConfig {
                    id: env_id(i),
                    client_id: env_client_id(i),
                    secret: env_secret(i),
                })
                .collect(),
            ..EmulatorConfig::default()
        }))
        .expect("start the emulator");
    let base_url = emulator.base_url();
    let terraform: Vec<(usize, Vec<Lifecycle>)> = args
        .envs
        .iter()
        .map(|&n| (n, lifecycles(&args, n, &base_url)))
        .collect();
    runtime.block_on(emulator.shutdown());

    let mut table = String::new();
    let ratio = |ours: f64, other: f64| format!("{:.2}×", ours / other);
    let _ = writeln!(
        table,
        "| figure | this provider | Rust peer (tf-provider null) | ratio | Go null | ratio | terraform_data | ratio |"
    );
    let _ = writeln!(table, "| --- | --- | --- | --- | --- | --- | --- | --- |");
    let (o, r, g) = (&startup[0], &startup[1], &startup[2]);
    let _ = writeln!(
        table,
        "| spawn → handshake line, median of {} | {:.2} ms | {:.2} ms | {} | {:.2} ms | {} | — | — |",
        args.spawns,
        o.handshake_ms,
        r.handshake_ms,
        ratio(o.handshake_ms, r.handshake_ms),
        g.handshake_ms,
        ratio(o.handshake_ms, g.handshake_ms)
    );
    let _ = writeln!(
        table,
        "| RSS after the handshake, median | {:.1} MB | {:.1} MB | {} | {:.1} MB | {} | — | — |",
        o.rss_mb,
        r.rss_mb,
        ratio(o.rss_mb, r.rss_mb),
        g.rss_mb,
        ratio(o.rss_mb, g.rss_mb)
    );
    for (n, l) in &terraform {
        let rows: [(&str, Figure); 3] = [
            ("plan (create)", |l| l.plan_create),
            ("apply (create)", |l| l.apply),
            ("plan (applied, refresh, no change)", |l| l.plan_unchanged),
        ];
        for (what, get) in rows {
            let [ours, peer, go, floor] = [get(&l[0]), get(&l[1]), get(&l[2]), get(&l[3])];
            let _ = writeln!(
                table,
                "| {what}, {n} environments, median of {} | {:.2} s | {:.2} s | {} | {:.2} s | {} | {:.2} s | {} |",
                args.runs,
                ours / 1000.0,
                peer / 1000.0,
                ratio(ours, peer),
                go / 1000.0,
                ratio(ours, go),
                floor / 1000.0,
                ratio(ours, floor)
            );
        }
    }
    println!();
    print!("{table}");
    println!("\nratios: this provider's figure divided by the peer's (below 1 is better)");
}
