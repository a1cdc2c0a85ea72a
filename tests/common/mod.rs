//! Acceptance-test harness: real Terraform CLIs against the provider and an in-process
//! Frontegg emulator, in the spirit of terraform-plugin-testing.
//!
//! - Tests run only when `TF_ACC` is set; otherwise [`acc_terraforms`] prints a skip
//!   message and returns nothing, so the test passes without doing anything.
//! - The Terraform CLI is `TF_ACC_TERRAFORM_PATH` (one binary), else the versions that
//!   `scripts/install-terraform.sh` put under `.tools/terraform/<version>/terraform`:
//!   [`VERSIONS`] (1.15.5 and 1.0.3) for the full suites, [`MATRIX_VERSIONS`] (1.0.3 and
//!   1.8 to 1.15) for the compact lifecycle. A scenario runs once per version, one version
//!   after the other.
//! - Each run ([`Scenario`]) gets a temporary directory with its own working directory,
//!   `TF_DATA_DIR`, `HOME` and CLI configuration, and an emulator on a free loopback port.
//!   The provider is either the built binary, found through `dev_overrides`
//!   ([`Mode::DevOverrides`]), served in this process and attached through
//!   `TF_REATTACH_PROVIDERS` ([`Mode::Reattach`]), or installed by `terraform init` from a
//!   filesystem mirror that the test fills ([`Mode::FilesystemMirror`]).
//! - Every command's output is kept; [`Scenario::finish`] checks that none of it holds the
//!   Frontegg secret or an Atlassian client secret the scenario used.

#![allow(dead_code)] // each acceptance test binary uses a different part of the harness

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use frontegg_emulator::{Emulator, EmulatorConfig, EnvironmentConfig};
use serde_json::Value as Json;

/// The provider's source address.
pub const PROVIDER_ADDRESS: &str = terraform_provider_frontegg::PROVIDER_ADDRESS;
/// The resource under test.
pub const RESOURCE_TYPE: &str = "frontegg_confluence_integration";
/// Address of the resource in the scenarios' configurations.
pub const ADDR: &str = "frontegg_confluence_integration.this";

/// The emulator environment and the Frontegg API key the provider signs in with.
pub const ENV_ID: &str = "env-acc";
pub const FRONTEGG_CLIENT_ID: &str = "acc-frontegg-client-id";
pub const FRONTEGG_SECRET: &str = "fe-acc-secret-4b8e1f0c9d2a";

/// Versions the full suites run on (from `.tools/terraform/`), newest first.
pub const VERSIONS: &[&str] = &["1.15.5", "1.0.3"];

/// Every version `scripts/install-terraform.sh` installs, newest first: the compact
/// lifecycle of `acceptance_matrix.rs` runs on each one found.
pub const MATRIX_VERSIONS: &[&str] = &[
    "1.15.5", "1.14.9", "1.13.5", "1.12.2", "1.11.4", "1.10.5", "1.9.8", "1.8.4", "1.0.3",
];

/// The 13 recommended scopes (the default of `scopes`), sorted.
pub const DEFAULT_SCOPES: &[&str] = &[
    "delete:page:confluence",
    "read:configuration:confluence",
    "read:content-details:confluence",
    "read:group:confluence",
    "read:hierarchical-content:confluence",
    "read:label:confluence",
    "read:page:confluence",
    "read:space-details:confluence",
    "read:space:confluence",
    "read:user:confluence",
    "write:label:confluence",
    "write:page:confluence",
    "write:space:confluence",
];

/// Every tool of the emulator's Confluence catalog, sorted.
pub const ALL_TOOLS: &[&str] = &[
    "groups:read",
    "labels:read",
    "labels:write",
    "pages:delete",
    "pages:read",
    "pages:tree",
    "pages:write",
    "settings:read",
    "spaces:read",
    "spaces:write",
    "users:read",
];

/// The identifiers of the tools an integration answer holds, sorted.
pub fn remote_tools(integration: &Json) -> Vec<String> {
    let mut tools: Vec<String> = integration["tools"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|t| t["identifier"].as_str().map(str::to_string))
        .collect();
    tools.sort();
    tools
}

/// A Terraform CLI to run scenarios with.
#[derive(Clone, Debug)]
pub struct Terraform {
    /// `1.15.5`
    pub version: String,
    pub path: PathBuf,
}

impl Terraform {
    fn version_tuple(&self) -> (u64, u64, u64) {
        let mut parts = self
            .version
            .split(['.', '-'])
            .map(|p| p.parse::<u64>().unwrap_or(0));
        (
            parts.next().unwrap_or(0),
            parts.next().unwrap_or(0),
            parts.next().unwrap_or(0),
        )
    }

    /// Whether this Terraform is `major.minor` or later.
    pub fn at_least(&self, major: u64, minor: u64) -> bool {
        let (a, b, _) = self.version_tuple();
        (a, b) >= (major, minor)
    }

    /// Write-only attributes (Terraform 1.11+).
    pub fn supports_write_only(&self) -> bool {
        self.at_least(1, 11)
    }

    /// `import` blocks (Terraform 1.5+).
    pub fn supports_import_blocks(&self) -> bool {
        self.at_least(1, 5)
    }

    /// Resource identity, `import { identity = {...} }` (Terraform 1.12+).
    pub fn supports_identity(&self) -> bool {
        self.at_least(1, 12)
    }

    /// Provider functions, `provider::frontegg::...` (Terraform 1.8+).
    pub fn supports_functions(&self) -> bool {
        self.at_least(1, 8)
    }

    /// `terraform query` and list resources (Terraform 1.14+).
    pub fn supports_query(&self) -> bool {
        self.at_least(1, 14)
    }
}

fn project_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The Terraform CLIs to test with, or none (after printing why) when `TF_ACC` is unset.
pub fn acc_terraforms(test: &str) -> Vec<Terraform> {
    acc_terraforms_of(test, VERSIONS)
}

/// [`acc_terraforms`] for `versions` (of those installed).
pub fn acc_terraforms_of(test: &str, versions: &[&str]) -> Vec<Terraform> {
    if !acc_enabled(test) {
        return Vec::new();
    }
    let found = terraforms(versions);
    assert!(
        !found.is_empty(),
        "TF_ACC is set but no Terraform CLI was found: run scripts/install-terraform.sh \
         or set TF_ACC_TERRAFORM_PATH"
    );
    found
}

/// The line an acceptance test prints when it skips itself; `scripts/test.sh` counts the
/// tests that print it as skipped rather than passed.
pub const SKIP_MARKER: &str = "acceptance test skipped unless env 'TF_ACC' set";

/// Whether `TF_ACC` is set; prints that `test` is skipped when it is not.
///
/// The line goes to the process's standard error directly, past libtest's output capture
/// (which only sees `eprintln!`), prefixed with the test binary's name so that each skipped
/// test is named once across all binaries.
pub fn acc_enabled(test: &str) -> bool {
    let enabled = std::env::var_os("TF_ACC").is_some_and(|v| !v.is_empty());
    if !enabled {
        use std::io::Write as _;
        let binary = std::env::current_exe()
            .ok()
            .and_then(|p| p.file_stem().map(|s| s.to_string_lossy().into_owned()))
            .unwrap_or_default();
        let line = format!("{binary}::{test}: {SKIP_MARKER}\n");
        let _ = std::io::stderr().lock().write_all(line.as_bytes());
    }
    enabled
}

/// `TF_ACC_TERRAFORM_PATH`, else those of `versions` installed under `.tools/terraform/`.
pub fn terraforms(versions: &[&str]) -> Vec<Terraform> {
    if let Some(path) = std::env::var_os("TF_ACC_TERRAFORM_PATH").filter(|p| !p.is_empty()) {
        let path = PathBuf::from(path);
        let version = probe_version(&path).unwrap_or_else(|| {
            panic!(
                "TF_ACC_TERRAFORM_PATH={}: `terraform version` does not answer",
                path.display()
            )
        });
        return vec![Terraform { version, path }];
    }
    versions
        .iter()
        .map(|v| {
            project_root()
                .join(".tools/terraform")
                .join(v)
                .join("terraform")
        })
        .filter(|p| p.exists())
        .filter_map(|path| probe_version(&path).map(|version| Terraform { version, path }))
        .collect()
}

fn probe_version(path: &Path) -> Option<String> {
    let empty = std::env::temp_dir().join("frontegg-acc-empty.tfrc");
    std::fs::write(&empty, "").ok()?;
    let out = std::process::Command::new(path)
        .arg("version")
        .env("CHECKPOINT_DISABLE", "1")
        .env("TF_CLI_CONFIG_FILE", &empty)
        .stdin(Stdio::null())
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    text.lines()
        .next()?
        .strip_prefix("Terraform v")
        .map(|v| v.trim().to_string())
}

/// How Terraform finds the provider.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// The built provider binary through `dev_overrides`; credentials from the environment.
    DevOverrides,
    /// The provider served in this process, attached with `TF_REATTACH_PROVIDERS`;
    /// credentials in the provider block (the test process's environment is shared).
    Reattach,
    /// Installed by `terraform init` from the filesystem mirror [`Scenario::mirror_dir`],
    /// the only installation method the CLI configuration allows; credentials from the
    /// environment.
    FilesystemMirror,
}

/// The result of one Terraform command.
#[derive(Debug)]
pub struct Run {
    pub args: Vec<String>,
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    fn new(args: &[&str], out: std::process::Output) -> Run {
        Run {
            args: args.iter().map(|a| a.to_string()).collect(),
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// stdout and stderr together.
    pub fn output(&self) -> String {
        format!("{}\n{}", self.stdout, self.stderr)
    }

    /// Panics with the command's output unless it exited with `code`.
    pub fn expect_code(&self, code: i32) -> &Self {
        assert_eq!(
            self.code,
            code,
            "terraform {} exited {} (expected {code})\n--- stdout\n{}\n--- stderr\n{}",
            self.args.join(" "),
            self.code,
            self.stdout,
            self.stderr
        );
        self
    }

    /// Panics unless the output holds `needle`.
    pub fn expect_output(&self, needle: &str) -> &Self {
        let out = self.output();
        assert!(
            out.contains(needle),
            "terraform {}: output lacks {needle:?}\n--- output\n{out}",
            self.args.join(" ")
        );
        self
    }

    /// The output with line breaks and box-drawing gutters removed, for messages that
    /// Terraform wraps.
    pub fn flat_output(&self) -> String {
        flatten(&self.output())
    }

    /// Panics unless the flattened output holds `needle` (spaces normalised).
    pub fn expect_message(&self, needle: &str) -> &Self {
        let flat = self.flat_output();
        assert!(
            flat.contains(&flatten(needle)),
            "terraform {}: output lacks {needle:?}\n--- output\n{}",
            self.args.join(" "),
            self.output()
        );
        self
    }
}

/// Joins wrapped diagnostic text: drops the `│` gutter and collapses whitespace.
pub fn flatten(s: &str) -> String {
    s.replace(['│', '╷', '╵'], " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// One scenario run on one Terraform version.
pub struct Scenario {
    pub tf: Terraform,
    pub mode: Mode,
    pub emulator: Emulator,
    dir: tempfile::TempDir,
    work: PathBuf,
    env: Vec<(String, String)>,
    debug: Option<tfplugin::DebugServer>,
    /// Output of every command, for the secret check.
    transcript: Vec<(String, String)>,
    /// Values that no command output may contain.
    secrets: Vec<String>,
}

/// The emulator configuration of the scenarios: one environment, [`FRONTEGG_CLIENT_ID`] /
/// [`FRONTEGG_SECRET`].
pub fn emulator_config() -> EmulatorConfig {
    EmulatorConfig {
        environments: vec![EnvironmentConfig {
            id: ENV_ID.to_string(),
            client_id: FRONTEGG_CLIENT_ID.to_string(),
            secret: FRONTEGG_SECRET.to_string(),
        }],
        ..EmulatorConfig::default()
    }
}

fn provider_binary() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_terraform-provider-frontegg"))
}

impl Scenario {
    /// A scenario with the default emulator configuration.
    pub async fn start(tf: &Terraform, mode: Mode) -> Scenario {
        Scenario::start_with(tf, mode, emulator_config()).await
    }

    pub async fn start_with(tf: &Terraform, mode: Mode, cfg: EmulatorConfig) -> Scenario {
        let emulator = Emulator::start(cfg).await.expect("start the emulator");
        // TF_ACC_PERSIST_WORKING_DIR (as in terraform-plugin-testing) keeps the directory.
        let persist = std::env::var_os("TF_ACC_PERSIST_WORKING_DIR").is_some_and(|v| !v.is_empty());
        let dir = tempfile::Builder::new()
            .prefix("frontegg-acc-")
            .disable_cleanup(persist)
            .tempdir()
            .expect("temp dir");
        if persist {
            eprintln!("working directory kept: {}", dir.path().display());
        }
        let work = dir.path().join("work");
        let home = dir.path().join("home");
        let plugins = dir.path().join("plugins");
        let mirror = dir.path().join("mirror");
        for d in [&work, &home, &plugins, &mirror] {
            std::fs::create_dir_all(d).expect("create dir");
        }
        // dev_overrides runs the first file named terraform-provider-frontegg[._]* in the
        // directory: give it a directory holding only the binary (target/debug also holds
        // terraform-provider-frontegg.d).
        let link = plugins.join("terraform-provider-frontegg");
        std::os::unix::fs::symlink(provider_binary(), &link).expect("link provider binary");
        let cli_config = dir.path().join("cli.tfrc");
        let installation = match mode {
            Mode::DevOverrides => format!(
                "provider_installation {{\n  dev_overrides {{\n    \"{PROVIDER_ADDRESS}\" = \"{}\"\n  }}\n  direct {{}}\n}}\n",
                plugins.display()
            ),
            // TF_REATTACH_PROVIDERS alone: no local copy of the provider to fall back on.
            Mode::Reattach => String::new(),
            // No `direct`: nothing can come from anywhere but the mirror.
            Mode::FilesystemMirror => format!(
                "provider_installation {{\n  filesystem_mirror {{\n    path    = \"{}\"\n    include = [\"{PROVIDER_ADDRESS}\"]\n  }}\n}}\n",
                mirror.display()
            ),
        };
        std::fs::write(
            &cli_config,
            format!("{installation}disable_checkpoint = true\n"),
        )
        .expect("write CLI config");

        let mut env: Vec<(String, String)> = vec![
            ("PATH".into(), std::env::var("PATH").unwrap_or_default()),
            ("HOME".into(), home.display().to_string()),
            ("TMPDIR".into(), std::env::temp_dir().display().to_string()),
            ("CHECKPOINT_DISABLE".into(), "1".into()),
            ("TF_IN_AUTOMATION".into(), "1".into()),
            ("TF_INPUT".into(), "0".into()),
            (
                "TF_CLI_CONFIG_FILE".into(),
                cli_config.display().to_string(),
            ),
            (
                "TF_DATA_DIR".into(),
                work.join(".terraform").display().to_string(),
            ),
        ];
        let mut debug = None;
        match mode {
            Mode::DevOverrides | Mode::FilesystemMirror => {
                env.push(("FRONTEGG_BASE_URL".into(), emulator.base_url()));
                env.push(("FRONTEGG_CLIENT_ID".into(), FRONTEGG_CLIENT_ID.into()));
                env.push(("FRONTEGG_SECRET".into(), FRONTEGG_SECRET.into()));
            }
            Mode::Reattach => {
                let server = tfplugin::serve_debug(
                    terraform_provider_frontegg::provider(),
                    tfplugin::ServeConfig {
                        provider_address: PROVIDER_ADDRESS,
                        version: env!("CARGO_PKG_VERSION"),
                    },
                )
                .await
                .expect("serve the provider in-process");
                env.push(("TF_REATTACH_PROVIDERS".into(), server.reattach_json()));
                debug = Some(server);
            }
        }
        Scenario {
            tf: tf.clone(),
            mode,
            emulator,
            dir,
            work,
            env,
            debug,
            transcript: Vec::new(),
            secrets: vec![FRONTEGG_SECRET.to_string()],
        }
    }

    /// The working directory (holds `main.tf` and `terraform.tfstate`).
    pub fn work_dir(&self) -> &Path {
        &self.work
    }

    /// The filesystem mirror of [`Mode::FilesystemMirror`] (empty until the test fills it).
    pub fn mirror_dir(&self) -> PathBuf {
        self.dir.path().join("mirror")
    }

    /// The Terraform CLI configuration of the scenario (`TF_CLI_CONFIG_FILE`), which a test
    /// may rewrite before its first command.
    pub fn cli_config_path(&self) -> PathBuf {
        self.dir.path().join("cli.tfrc")
    }

    /// `TF_DATA_DIR` (where `terraform init` installs providers).
    pub fn data_dir(&self) -> PathBuf {
        self.work.join(".terraform")
    }

    /// A provider block for this mode: empty with [`Mode::DevOverrides`] and
    /// [`Mode::FilesystemMirror`] (the environment holds the credentials), explicit with
    /// [`Mode::Reattach`].
    pub fn provider_block(&self) -> String {
        let required = format!(
            "terraform {{\n  required_providers {{\n    frontegg = {{\n      source = \"{PROVIDER_ADDRESS}\"\n    }}\n  }}\n}}\n\n"
        );
        match self.mode {
            Mode::DevOverrides | Mode::FilesystemMirror => {
                format!("{required}provider \"frontegg\" {{}}\n")
            }
            Mode::Reattach => format!(
                "{required}provider \"frontegg\" {{\n  base_url  = \"{}\"\n  client_id = \"{FRONTEGG_CLIENT_ID}\"\n  secret    = \"{FRONTEGG_SECRET}\"\n}}\n",
                self.emulator.base_url()
            ),
        }
    }

    /// Sets an environment variable for every later command of the scenario.
    pub fn set_env(&mut self, name: &str, value: &str) {
        self.env.retain(|(k, _)| k != name);
        self.env.push((name.to_string(), value.to_string()));
    }

    /// Registers a value that no command output may contain (an Atlassian secret).
    pub fn secret(&mut self, value: &str) -> String {
        if !self.secrets.iter().any(|s| s == value) {
            self.secrets.push(value.to_string());
        }
        value.to_string()
    }

    /// Writes `main.tf`: the provider block followed by `body`.
    pub fn write_main(&self, body: &str) {
        let text = format!("{}\n{body}", self.provider_block());
        std::fs::write(self.work.join("main.tf"), text).expect("write main.tf");
    }

    /// Writes another file into the working directory.
    pub fn write_file(&self, name: &str, content: &str) {
        std::fs::write(self.work.join(name), content).expect("write file");
    }

    pub fn remove_file(&self, name: &str) {
        let _ = std::fs::remove_file(self.work.join(name));
    }

    fn command(&self, args: &[&str], extra_env: &[(&str, &str)]) -> tokio::process::Command {
        let mut cmd = tokio::process::Command::new(&self.tf.path);
        cmd.args(args)
            .current_dir(&self.work)
            .env_clear()
            .envs(self.env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .envs(extra_env.iter().copied())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        cmd
    }

    /// Runs `terraform ARGS` and records its output.
    pub async fn terraform(&mut self, args: &[&str]) -> Run {
        self.terraform_env(args, &[]).await
    }

    /// Runs `terraform ARGS` with extra environment variables and records its output.
    pub async fn terraform_env(&mut self, args: &[&str], extra_env: &[(&str, &str)]) -> Run {
        let child = self
            .command(args, extra_env)
            .spawn()
            .unwrap_or_else(|e| panic!("run {}: {e}", self.tf.path.display()));
        let out = tokio::time::timeout(Duration::from_secs(300), child.wait_with_output())
            .await
            .unwrap_or_else(|_| panic!("terraform {} did not finish in 300 s", args.join(" ")))
            .expect("wait for terraform");
        self.record(args, out)
    }

    /// Like [`Scenario::terraform`] but the output is not checked for secrets: for
    /// `show -json` and `state pull`, which print sensitive values by design.
    pub async fn terraform_machine(&mut self, args: &[&str]) -> Run {
        let out = self
            .command(args, &[])
            .output()
            .await
            .expect("run terraform");
        Run::new(args, out)
    }

    /// Starts `terraform ARGS` without waiting, in a process group of its own, as a
    /// shell job: [`interrupt`] then sends SIGINT to the whole group, like Ctrl-C in a
    /// terminal (Terraform 1.0.3 runs as two processes, and its outer one ignores SIGINT).
    pub fn spawn(&self, args: &[&str]) -> tokio::process::Child {
        self.spawn_env(args, &[])
    }

    /// [`Scenario::spawn`] with `extra_env` on top of the scenario's environment.
    pub fn spawn_env(&self, args: &[&str], extra_env: &[(&str, &str)]) -> tokio::process::Child {
        self.command(args, extra_env)
            .process_group(0)
            .spawn()
            .expect("spawn terraform")
    }

    /// `terraform console` evaluating `expression` (given on standard input).
    pub async fn console(&mut self, expression: &str) -> Run {
        use tokio::io::AsyncWriteExt as _;
        let args = ["console", "-no-color"];
        let mut child = self
            .command(&args, &[])
            .stdin(Stdio::piped())
            .spawn()
            .expect("spawn terraform console");
        let mut stdin = child.stdin.take().expect("console stdin");
        stdin
            .write_all(format!("{expression}\n").as_bytes())
            .await
            .expect("write the expression");
        drop(stdin);
        self.wait(&args, child).await
    }

    /// Waits for a child from [`Scenario::spawn`] and records its output.
    pub async fn wait(&mut self, args: &[&str], child: tokio::process::Child) -> Run {
        let out = tokio::time::timeout(Duration::from_secs(300), child.wait_with_output())
            .await
            .expect("terraform finishes")
            .expect("wait for terraform");
        self.record(args, out)
    }

    fn record(&mut self, args: &[&str], out: std::process::Output) -> Run {
        let run = Run::new(args, out);
        self.transcript
            .push((format!("terraform {}", args.join(" ")), run.output()));
        run
    }

    /// `terraform init` (1.0.3 needs it for nothing here, but a scenario may want it).
    pub async fn init(&mut self) -> Run {
        self.terraform(&["init", "-input=false", "-no-color"]).await
    }

    /// `terraform apply -auto-approve`, which must succeed, followed by the checks of
    /// terraform-plugin-testing: a plan without refresh and a plan with refresh are empty.
    pub async fn apply(&mut self) -> Run {
        let run = self
            .terraform(&["apply", "-auto-approve", "-input=false", "-no-color"])
            .await;
        run.expect_code(0);
        self.assert_empty_plans().await;
        run
    }

    /// `terraform apply -auto-approve` that must fail with `message` in its output.
    pub async fn apply_fails(&mut self, message: &str) -> Run {
        let run = self
            .terraform(&["apply", "-auto-approve", "-input=false", "-no-color"])
            .await;
        run.expect_code(1).expect_message(message);
        run
    }

    /// `terraform apply -auto-approve` whatever its outcome.
    pub async fn apply_any(&mut self) -> Run {
        self.terraform(&["apply", "-auto-approve", "-input=false", "-no-color"])
            .await
    }

    /// `terraform plan -detailed-exitcode` (with or without refresh): 0 empty, 2 changes.
    pub async fn plan_code(&mut self, refresh: bool) -> Run {
        let mut args = vec!["plan", "-detailed-exitcode", "-input=false", "-no-color"];
        if !refresh {
            args.push("-refresh=false");
        }
        self.terraform(&args).await
    }

    /// Both plans (without and with refresh) must be empty.
    pub async fn assert_empty_plans(&mut self) {
        for refresh in [false, true] {
            let run = self.plan_code(refresh).await;
            assert_eq!(
                run.code,
                0,
                "after apply, the {} plan was not empty (terraform {})\n{}",
                if refresh { "refresh" } else { "non-refresh" },
                self.tf.version,
                run.output()
            );
        }
    }

    /// `terraform plan -out` + `show -json`: the plan as JSON (must not fail).
    pub async fn plan_json(&mut self) -> Json {
        let run = self
            .terraform(&[
                "plan",
                "-input=false",
                "-no-color",
                "-out=acc.tfplan",
                "-detailed-exitcode",
            ])
            .await;
        assert!(
            run.code == 0 || run.code == 2,
            "plan failed:\n{}",
            run.output()
        );
        let show = self
            .terraform_machine(&["show", "-json", "-no-color", "acc.tfplan"])
            .await;
        show.expect_code(0);
        self.remove_file("acc.tfplan");
        serde_json::from_str(&show.stdout).expect("plan JSON")
    }

    /// The actions planned for `address` (e.g. `["update"]`), `["no-op"]` when unchanged.
    pub async fn planned_actions(&mut self, address: &str) -> Vec<String> {
        let plan = self.plan_json().await;
        actions_of(&plan, address)
    }

    /// `terraform show -json`: the state as JSON.
    pub async fn show_state(&mut self) -> Json {
        let run = self
            .terraform_machine(&["show", "-json", "-no-color"])
            .await;
        run.expect_code(0);
        serde_json::from_str(&run.stdout).expect("state JSON")
    }

    /// The attribute values of `address` in `terraform show -json` (Null when absent).
    pub async fn state_values(&mut self, address: &str) -> Json {
        let state = self.show_state().await;
        resource_values(&state, address)
    }

    /// The raw `terraform.tfstate` text ("" when absent).
    pub fn state_file_text(&self) -> String {
        std::fs::read_to_string(self.work.join("terraform.tfstate")).unwrap_or_default()
    }

    /// The parsed `terraform.tfstate` (Null when absent).
    pub fn state_file(&self) -> Json {
        serde_json::from_str(&self.state_file_text()).unwrap_or(Json::Null)
    }

    /// The state file's instance object of `address` (`attributes`, `identity`, …).
    pub fn state_file_instance(&self, address: &str) -> Json {
        let (ty, name) = address.split_once('.').expect("type.name");
        self.state_file()["resources"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|r| r["type"] == ty && r["name"] == name && r["mode"] == "managed")
            .and_then(|r| r["instances"].get(0).cloned())
            .unwrap_or(Json::Null)
    }

    /// `terraform destroy -auto-approve`, which must succeed.
    pub async fn destroy(&mut self) -> Run {
        let run = self
            .terraform(&["destroy", "-auto-approve", "-input=false", "-no-color"])
            .await;
        run.expect_code(0);
        run
    }

    /// `terraform state rm ADDRESS`.
    pub async fn state_rm(&mut self, address: &str) {
        self.terraform(&["state", "rm", address])
            .await
            .expect_code(0);
    }

    /// The integrations the emulator holds in the scenario's environment.
    pub fn integrations(&self) -> Vec<Json> {
        self.emulator.integrations(ENV_ID)
    }

    /// The only integration in the emulator (panics unless there is exactly one).
    pub fn only_integration(&self) -> Json {
        let all = self.integrations();
        assert_eq!(
            all.len(),
            1,
            "expected exactly one integration in the emulator, found {all:#?}"
        );
        all.into_iter().next().unwrap_or(Json::Null)
    }

    /// The fingerprint of the secret the emulator stores for `id`.
    pub fn secret_fingerprint(&self, id: &str) -> Option<String> {
        self.emulator.secret_fingerprint_of(ENV_ID, id)
    }

    /// Panics unless state and emulator agree: one integration on the user's own app, same
    /// id, client id, name, enabled, tools, the scopes the tools need, agents.
    pub async fn assert_state_matches_emulator(&mut self) {
        let remote = self.only_integration();
        let local = self.state_values(ADDR).await;
        assert_eq!(local["id"], remote["id"], "state id vs emulator");
        assert_eq!(local["name"], remote["name"], "name");
        assert_eq!(local["enabled"], remote["isActive"], "enabled");
        assert_eq!(remote["useFronteggIntegration"], false, "own app");
        assert_eq!(
            local["client_id"], remote["oauthConfigurations"]["clientId"],
            "client_id"
        );
        assert_eq!(
            sorted_strings(&local["tools"]),
            remote_tools(&remote),
            "tools"
        );
        let mut needed: Vec<String> = remote["tools"]
            .as_array()
            .into_iter()
            .flatten()
            .flat_map(|t| sorted_strings(&t["scopes"]))
            .collect();
        needed.sort();
        needed.dedup();
        assert_eq!(
            sorted_strings(&local["requested_scopes"]),
            needed,
            "requested_scopes"
        );
        assert_eq!(
            sorted_strings(&local["agent_ids"]),
            sorted_strings(&remote["agentIds"]),
            "agent_ids"
        );
    }

    /// Checks that no recorded command output holds a registered secret, then stops the
    /// in-process provider and the emulator.
    pub async fn finish(mut self) {
        self.assert_no_secret_in_output();
        if let Some(debug) = self.debug.take() {
            debug.shutdown().await;
        }
        self.emulator.shutdown().await;
    }

    /// Panics when any recorded command output holds a registered secret.
    pub fn assert_no_secret_in_output(&self) {
        for (cmd, out) in &self.transcript {
            for (i, secret) in self.secrets.iter().enumerate() {
                assert!(
                    !out.contains(secret.as_str()),
                    "the output of `{}` (Terraform {}) contains secret #{i}:\n{}",
                    cmd.replace(secret.as_str(), "<SECRET>"),
                    self.tf.version,
                    out.replace(secret.as_str(), "<SECRET>")
                );
            }
        }
    }

    /// How many commands have been recorded.
    pub fn commands_run(&self) -> usize {
        self.transcript.len()
    }
}

/// Ctrl-C for a child from [`Scenario::spawn`]: SIGINT to its process group.
pub fn interrupt(child: &tokio::process::Child) {
    let pid = child.id().expect("child still running");
    let status = std::process::Command::new("kill")
        .args(["-INT", "--", &format!("-{pid}")])
        .status()
        .expect("run kill");
    assert!(status.success(), "kill -INT -{pid} failed");
}

/// The `change` of `address` in a `show -json` plan (Null when absent).
pub fn change_of(plan: &Json, address: &str) -> Json {
    plan["resource_changes"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|rc| rc["address"] == address)
        .map(|rc| rc["change"].clone())
        .unwrap_or_default()
}

/// The actions of `address` in a `show -json` plan.
pub fn actions_of(plan: &Json, address: &str) -> Vec<String> {
    let actions: Vec<String> = change_of(plan, address)["actions"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|a| a.as_str().map(str::to_string))
        .collect();
    if actions.is_empty() {
        vec!["no-op".to_string()]
    } else {
        actions
    }
}

/// The values of `address` in a `show -json` state (Null when absent).
pub fn resource_values(state: &Json, address: &str) -> Json {
    state["values"]["root_module"]["resources"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|r| r["address"] == address)
        .map(|r| r["values"].clone())
        .unwrap_or(Json::Null)
}

/// A JSON array of strings, sorted.
pub fn sorted_strings(v: &Json) -> Vec<String> {
    let mut out: Vec<String> = v
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|s| s.as_str().map(str::to_string))
        .collect();
    out.sort();
    out
}

/// HCL for a set of strings.
pub fn hcl_list(items: &[&str]) -> String {
    let quoted: Vec<String> = items.iter().map(|s| format!("{s:?}")).collect();
    format!("[{}]", quoted.join(", "))
}

/// Runs `f` for each Terraform in `tfs`, one after the other, printing which is running.
#[macro_export]
macro_rules! for_each_terraform {
    ($test:expr, |$tf:ident| $body:expr) => {{
        for $tf in $crate::common::acc_terraforms($test) {
            eprintln!("{}: Terraform {}", $test, $tf.version);
            let started = std::time::Instant::now();
            $body;
            eprintln!(
                "{}: Terraform {} passed in {:.1} s",
                $test,
                $tf.version,
                started.elapsed().as_secs_f64()
            );
        }
    }};
}
