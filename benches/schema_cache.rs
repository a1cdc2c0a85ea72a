//! What `get_provider_schema_optional` saves (run by `scripts/bench-schema.sh`; not a
//! test): `terraform plan` of a configuration with N provider configurations (aliases),
//! each used by one resource, so that Terraform starts N + 1 provider processes. With the
//! capability Terraform asks one process for the schema and reuses it for the others;
//! without it (the provider built with the tfplugin feature `without-schema-cache`) it
//! asks each. Planning reads Frontegg's tool catalog, from an in-process emulator on a
//! loopback port. Prints, per N and build, the median wall time of the plan (the two builds
//! alternating), and, from a traced run, how many provider processes Terraform started
//! and how many `GetProviderSchema` calls they answered.
//!
//! Usage: `cargo bench --bench schema_cache -- --with BIN --without BIN --terraform TF
//! [--configs 1,10,40] [--runs N]`.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use frontegg_emulator::{DEFAULT_CLIENT_ID, DEFAULT_SECRET, Emulator, EmulatorConfig};

struct Args {
    with: PathBuf,
    without: PathBuf,
    terraform: PathBuf,
    configs: Vec<usize>,
    runs: usize,
}

fn args() -> Args {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut parsed = Args {
        with: PathBuf::from(env!("CARGO_BIN_EXE_terraform-provider-frontegg")),
        without: PathBuf::new(),
        terraform: root.join(".tools/terraform/1.15.5/terraform"),
        configs: vec![1, 10, 40],
        runs: 11,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut value = || it.next().unwrap_or_else(|| panic!("{arg} needs a value"));
        match arg.as_str() {
            "--with" => parsed.with = PathBuf::from(value()),
            "--without" => parsed.without = PathBuf::from(value()),
            "--terraform" => parsed.terraform = PathBuf::from(value()),
            "--runs" => parsed.runs = value().parse().expect("--runs N"),
            "--configs" => {
                parsed.configs = value()
                    .split(',')
                    .map(|n| n.trim().parse().expect("--configs 1,10,40"))
                    .collect()
            }
            _ => {} // cargo bench passes --bench
        }
    }
    assert!(
        parsed.without.is_file(),
        "--without BIN: a provider built with --features tfplugin/without-schema-cache"
    );
    // Terraform runs in a directory of its own.
    for path in [&mut parsed.with, &mut parsed.without, &mut parsed.terraform] {
        *path = std::fs::canonicalize(&*path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    }
    parsed
}

/// A working directory for `n` provider configurations and a provider `binary`.
struct Setup {
    dir: tempfile::TempDir,
}

impl Setup {
    fn new(binary: &Path, n: usize, base_url: &str) -> Setup {
        let dir = tempfile::tempdir().expect("temp dir");
        let plugins = dir.path().join("plugins");
        let work = dir.path().join("work");
        std::fs::create_dir_all(&plugins).expect("plugins dir");
        std::fs::create_dir_all(&work).expect("work dir");
        std::os::unix::fs::symlink(binary, plugins.join("terraform-provider-frontegg"))
            .expect("link the provider");
        std::fs::write(
            dir.path().join("cli.tfrc"),
            format!(
                "provider_installation {{\n  dev_overrides {{\n    \"{}\" = \"{}\"\n  }}\n  direct {{}}\n}}\ndisable_checkpoint = true\n",
                terraform_provider_frontegg::PROVIDER_ADDRESS,
                plugins.display()
            ),
        )
        .expect("CLI config");
        let mut main = format!(
            "terraform {{\n  required_providers {{\n    frontegg = {{\n      source = \"{}\"\n    }}\n  }}\n}}\n",
            terraform_provider_frontegg::PROVIDER_ADDRESS
        );
        for i in 0..n {
            main.push_str(&format!(
                "\nprovider \"frontegg\" {{\n  alias     = \"p{i}\"\n  base_url  = \"{base_url}\"\n  client_id = \"{DEFAULT_CLIENT_ID}\"\n  secret    = \"{DEFAULT_SECRET}\"\n}}\n\nresource \"frontegg_confluence_integration\" \"r{i}\" {{\n  provider      = frontegg.p{i}\n  client_id     = \"atl-bench\"\n  client_secret = \"atl-bench-secret\"\n}}\n"
            ));
        }
        std::fs::write(work.join("main.tf"), main).expect("main.tf");
        Setup { dir }
    }

    /// `terraform plan`, timed; with `trace_log`, Terraform's trace log goes there.
    fn plan(&self, terraform: &Path, trace_log: Option<&Path>) -> Duration {
        let mut cmd = Command::new(terraform);
        cmd.args(["plan", "-input=false", "-no-color", "-refresh=false"])
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
        if let Some(log) = trace_log {
            cmd.env("TF_LOG", "trace").env("TF_LOG_PATH", log);
        }
        let started = Instant::now();
        let out = cmd.output().expect("run terraform");
        let elapsed = started.elapsed();
        assert!(
            out.status.success(),
            "terraform plan failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        elapsed
    }

    /// How many provider processes Terraform started, and how many `GetProviderSchema`
    /// calls they answered (the provider logs each at debug level).
    fn schema_calls(&self, terraform: &Path) -> (usize, usize) {
        let log = self.dir.path().join("trace.log");
        self.plan(terraform, Some(&log));
        let text = std::fs::read_to_string(&log).unwrap_or_default();
        let count = |needle: &str| text.lines().filter(|l| l.contains(needle)).count();
        (
            count("starting plugin"),
            count("provider.terraform-provider-frontegg: GetProviderSchema:"),
        )
    }
}

/// Median and minimum, in milliseconds.
fn median_and_min(mut times: Vec<Duration>) -> (f64, f64) {
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    (ms(times[times.len() / 2]), ms(times[0]))
}

fn main() {
    let args = args();
    let runtime = tokio::runtime::Runtime::new().expect("tokio runtime");
    let emulator = runtime
        .block_on(Emulator::start(EmulatorConfig::default()))
        .expect("start the emulator");
    let base_url = emulator.base_url();
    println!("terraform: {}", args.terraform.display());
    println!("with the capability:    {}", args.with.display());
    println!("without the capability: {}", args.without.display());
    println!("plan -refresh=false, {} runs after one warm-up", args.runs);
    for &n in &args.configs {
        let builds = [("with", &args.with), ("without", &args.without)];
        let setups: Vec<Setup> = builds
            .iter()
            .map(|(_, b)| Setup::new(b, n, &base_url))
            .collect();
        for setup in &setups {
            setup.plan(&args.terraform, None);
        }
        // Alternating, each first every other round, so that a change in the machine's
        // load, or what one run leaves in the caches, hits both alike.
        let mut times = [Vec::new(), Vec::new()];
        for round in 0..args.runs {
            for i in [round % 2, 1 - round % 2] {
                times[i].push(setups[i].plan(&args.terraform, None));
            }
        }
        let mut medians = Vec::new();
        for (((label, _), setup), t) in builds.iter().zip(&setups).zip(times) {
            let (processes, calls) = setup.schema_calls(&args.terraform);
            let (ms, min) = median_and_min(t);
            println!(
                "{n:>3} provider configurations, {label:<7} the capability: median {ms:7.1} ms, min {min:7.1} ms, {processes:>3} provider processes, {calls:>3} GetProviderSchema calls"
            );
            medians.push(ms);
        }
        let saved = medians[1] - medians[0];
        println!(
            "{n:>3} provider configurations: the capability saves {saved:.1} ms ({:.1} %)",
            saved / medians[1] * 100.0
        );
    }
    runtime.block_on(emulator.shutdown());
}
