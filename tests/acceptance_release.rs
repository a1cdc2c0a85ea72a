//! Acceptance: the release command (`scripts/release.sh`) writes the Registry's release
//! layout, two runs of it give byte-identical artifacts, a signature made with a key of its
//! own verifies with `gpg --verify`, and real Terraform installs the zip with `terraform
//! init` from a filesystem mirror (the only installation method allowed), in the packed and
//! the unpacked layout, then applies and destroys an integration with it. The lock file
//! records the `h1:` hash of the package; in the packed layout, the zip's `zh:` hash from
//! `SHA256SUMS` pinned in the lock file is checked and kept, and another zip's is refused.
//! Runs only with `TF_ACC`.
//!
//! The release build (fat LTO, a few minutes) happens once per run of this test binary: the
//! first release run is shared, and later runs of the command find the binary built and
//! only package it again.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use base64::Engine as _;
use common::{Mode, PROVIDER_ADDRESS, Scenario, Terraform};
use sha2::{Digest, Sha256};

const NAME: &str = "terraform-provider-frontegg";
const VERSION: &str = env!("CARGO_PKG_VERSION");
const ATLASSIAN_SECRET: &str = "atl-release-secret-5e2a90";

fn project_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Terraform's name of this platform (`linux_amd64`).
fn platform() -> String {
    let arch = match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        "x86" => "386",
        other => other,
    };
    format!("{}_{arch}", std::env::consts::OS)
}

fn zip_name() -> String {
    format!("{NAME}_{VERSION}_{}.zip", platform())
}

fn sums_name() -> String {
    format!("{NAME}_{VERSION}_SHA256SUMS")
}

fn manifest_name() -> String {
    format!("{NAME}_{VERSION}_manifest.json")
}

/// Runs `scripts/release.sh --out OUT` with `env` added; panics with its output unless it
/// succeeds.
fn release_into(out: &Path, env: &[(&str, &str)]) {
    let output = release_command(out, env);
    assert!(
        output.status.success(),
        "scripts/release.sh failed ({})\n--- stdout\n{}\n--- stderr\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

fn release_command(out: &Path, env: &[(&str, &str)]) -> Output {
    Command::new("bash")
        .arg(project_root().join("scripts/release.sh"))
        .arg("--out")
        .arg(out)
        .env_remove("GPG_FINGERPRINT")
        .envs(env.iter().copied())
        .output()
        .expect("run scripts/release.sh")
}

/// Where this test binary's release runs write (emptied by the first release run).
fn runs_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("acceptance-release")
}

/// The first release run of this test binary, which builds the binary.
struct FirstRelease {
    dir: PathBuf,
    finished: Instant,
}

fn first_release_run() -> &'static FirstRelease {
    static FIRST: OnceLock<FirstRelease> = OnceLock::new();
    FIRST.get_or_init(|| {
        let runs = runs_dir();
        let _ = std::fs::remove_dir_all(&runs);
        let dir = runs.join("first");
        release_into(&dir, &[]);
        FirstRelease {
            dir,
            finished: Instant::now(),
        }
    })
}

/// The artifacts of the first release run.
fn first_release() -> &'static Path {
    &first_release_run().dir
}

fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}

fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// The files of a directory and their contents.
fn files_of(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .expect("read release dir")
        .map(|entry| {
            let path = entry.expect("dir entry").path();
            let name = path
                .file_name()
                .expect("name")
                .to_string_lossy()
                .into_owned();
            (name, read(&path))
        })
        .collect()
}

/// `SHA256SUMS` as file name → hex digest, panicking on a line not in `sha256sum`'s form.
fn parse_sums(text: &str) -> BTreeMap<String, String> {
    text.lines()
        .map(|line| {
            let (digest, file) = line
                .split_once("  ")
                .unwrap_or_else(|| panic!("SHA256SUMS line {line:?} is not `<sha256>  <file>`"));
            assert!(
                digest.len() == 64 && digest.bytes().all(|b| b.is_ascii_hexdigit()),
                "SHA256SUMS line {line:?}"
            );
            (file.to_string(), digest.to_string())
        })
        .collect()
}

/// One entry of a zip file, as Python's `zipfile` reads it.
#[derive(Debug, PartialEq, Eq)]
struct ZipEntry {
    name: String,
    /// Unix mode (file type and permission bits) from the external attributes.
    mode: u32,
    compressed: bool,
}

fn zip_entries(zip: &Path) -> Vec<ZipEntry> {
    let script = "import json, sys, zipfile\n\
        z = zipfile.ZipFile(sys.argv[1])\n\
        print(json.dumps([{'name': i.filename, 'mode': i.external_attr >> 16, \
        'compressed': i.compress_type == zipfile.ZIP_DEFLATED} for i in z.infolist()]))\n";
    let out = Command::new("python3")
        .args(["-c", script])
        .arg(zip)
        .output()
        .expect("run python3");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let entries: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    entries
        .as_array()
        .expect("a list of entries")
        .iter()
        .map(|e| ZipEntry {
            name: e["name"].as_str().expect("name").to_string(),
            mode: e["mode"]
                .as_u64()
                .and_then(|m| u32::try_from(m).ok())
                .expect("mode"),
            compressed: e["compressed"].as_bool().expect("compressed"),
        })
        .collect()
}

/// Unpacks `zip` into `dir` with the file modes the zip records.
fn unzip(zip: &Path, dir: &Path) {
    let script = "import os, sys, zipfile\n\
        z = zipfile.ZipFile(sys.argv[1])\n\
        for i in z.infolist():\n    \
            os.chmod(z.extract(i, sys.argv[2]), (i.external_attr >> 16) & 0o777)\n";
    let status = Command::new("python3")
        .args(["-c", script])
        .arg(zip)
        .arg(dir)
        .status()
        .expect("run python3");
    assert!(status.success(), "unpack {}", zip.display());
}

/// Terraform's `h1:` hash of a provider package: the dirhash (Go's `dirhash.Hash1`) of its
/// unpacked files.
fn h1_hash(dir: &Path) -> String {
    let files = files_of(dir);
    let summary: String = files
        .iter()
        .map(|(name, bytes)| format!("{}  {name}\n", sha256_hex(bytes)))
        .collect();
    let digest = Sha256::digest(summary.as_bytes());
    format!(
        "h1:{}",
        base64::engine::general_purpose::STANDARD.encode(digest)
    )
}

#[test]
fn release_writes_the_registry_layout() {
    if !common::acc_enabled("release_writes_the_registry_layout") {
        return;
    }
    let dir = first_release();
    let files = files_of(dir);
    let mut expected_files = vec![zip_name(), sums_name(), manifest_name()];
    expected_files.sort();
    assert_eq!(
        files.keys().cloned().collect::<Vec<_>>(),
        expected_files,
        "an unsigned release is the zip, the manifest and SHA256SUMS"
    );

    let manifest: serde_json::Value =
        serde_json::from_slice(&files[&manifest_name()]).expect("manifest JSON");
    assert_eq!(
        manifest,
        serde_json::json!({"version": 1, "metadata": {"protocol_versions": ["6.0"]}})
    );

    let sums = parse_sums(&String::from_utf8_lossy(&files[&sums_name()]));
    let expected: BTreeMap<String, String> = [zip_name(), manifest_name()]
        .into_iter()
        .map(|name| {
            let digest = sha256_hex(&files[&name]);
            (name, digest)
        })
        .collect();
    assert_eq!(sums, expected, "SHA256SUMS covers the zip and the manifest");

    assert_eq!(
        zip_entries(&dir.join(zip_name())),
        [ZipEntry {
            name: format!("{NAME}_v{VERSION}"),
            mode: 0o100755,
            compressed: true,
        }],
        "the zip holds the executable provider binary only"
    );
}

#[test]
fn two_release_runs_give_identical_zips_and_checksums() {
    if !common::acc_enabled("two_release_runs_give_identical_zips_and_checksums") {
        return;
    }
    let first = first_release_run();
    // Zip dates count in 2-second steps: past the next one, and in a time zone 14 hours
    // from UTC, a date taken from the clock or the local time would differ.
    let since = first.finished.elapsed();
    if since < Duration::from_millis(2100) {
        std::thread::sleep(Duration::from_millis(2100) - since);
    }
    let second = runs_dir().join("second");
    release_into(&second, &[("TZ", "Pacific/Kiritimati")]);
    let first = &first.dir;
    let (a, b) = (files_of(first), files_of(&second));
    assert_eq!(
        a.keys().collect::<Vec<_>>(),
        b.keys().collect::<Vec<_>>(),
        "both runs write the same files"
    );
    for (name, bytes) in &a {
        assert!(
            b[name] == *bytes,
            "{name} differs between two release runs (sha256 {} vs {})",
            sha256_hex(bytes),
            sha256_hex(&b[name])
        );
    }
}

/// A throwaway GnuPG home with one key generated in batch mode, without a passphrase.
struct Keyring {
    home: tempfile::TempDir,
    fingerprint: String,
}

impl Keyring {
    /// `key` is the `Key-Type` and `Key-Length`/`Key-Curve` lines of the key parameters.
    fn generate(key: &str) -> Keyring {
        let which = Command::new("gpg").arg("--version").output();
        assert!(
            which.is_ok_and(|o| o.status.success()),
            "gpg is needed for the signature tests: install GnuPG (apt-get install gnupg; \
             scripts/test.sh does it)"
        );
        // In /tmp: gpg-agent's socket path must stay short.
        let home = tempfile::Builder::new()
            .prefix("frontegg-gpg-")
            .tempdir_in("/tmp")
            .expect("GNUPGHOME");
        let params = format!(
            "{key}\nKey-Usage: sign\nName-Real: Release test key\n\
             Name-Email: release-test@example.invalid\nExpire-Date: 1d\n%no-protection\n%commit\n"
        );
        let params_file = home.path().join("key-params");
        std::fs::write(&params_file, params).expect("write key parameters");
        let params_path = params_file.to_str().expect("utf-8 path");
        gpg_in(home.path(), &["--gen-key"], &[params_path]).success_or_panic("gpg --gen-key");
        let listing = gpg_in(home.path(), &["--with-colons", "--list-secret-keys"], &[]);
        listing.success_or_panic("gpg --list-secret-keys");
        let fingerprint = String::from_utf8_lossy(&listing.stdout)
            .lines()
            .find_map(|line| line.strip_prefix("fpr:"))
            .and_then(|rest| rest.trim_matches(':').split(':').next_back())
            .expect("the new key's fingerprint")
            .to_string();
        Keyring { home, fingerprint }
    }

    fn gpg(&self, options: &[&str], args: &[&str]) -> Output {
        gpg_in(self.home.path(), options, args)
    }

    fn home(&self) -> &str {
        self.home.path().to_str().expect("utf-8 path")
    }
}

fn gpg_in(home: &Path, options: &[&str], args: &[&str]) -> Output {
    Command::new("gpg")
        .arg("--batch")
        .args(options)
        .args(args)
        .env("GNUPGHOME", home)
        .output()
        .expect("run gpg")
}

impl Drop for Keyring {
    fn drop(&mut self) {
        // Stops the gpg-agent that this keyring's commands started.
        let _ = Command::new("gpgconf")
            .args(["--kill", "gpg-agent"])
            .env("GNUPGHOME", self.home.path())
            .output();
    }
}

trait Succeeds {
    fn success_or_panic(&self, what: &str);
}

impl Succeeds for Output {
    fn success_or_panic(&self, what: &str) {
        assert!(
            self.status.success(),
            "{what} failed ({})\n--- stdout\n{}\n--- stderr\n{}",
            self.status,
            String::from_utf8_lossy(&self.stdout),
            String::from_utf8_lossy(&self.stderr)
        );
    }
}

#[test]
fn a_release_signed_with_an_rsa_key_verifies_with_gpg() {
    if !common::acc_enabled("a_release_signed_with_an_rsa_key_verifies_with_gpg") {
        return;
    }
    let first = first_release();
    let keyring = Keyring::generate("Key-Type: RSA\nKey-Length: 3072");
    let signed = runs_dir().join("signed");
    release_into(
        &signed,
        &[
            ("GNUPGHOME", keyring.home()),
            ("GPG_FINGERPRINT", &keyring.fingerprint),
        ],
    );
    let sums = signed.join(sums_name());
    let signature = signed.join(format!("{}.sig", sums_name()));
    assert_eq!(
        read(&sums),
        read(&first.join(sums_name())),
        "signing leaves SHA256SUMS as an unsigned run writes it"
    );

    let verify = keyring.gpg(
        &["--status-fd", "1", "--verify"],
        &[
            signature.to_str().expect("utf-8 path"),
            sums.to_str().expect("utf-8 path"),
        ],
    );
    verify.success_or_panic("gpg --verify");
    let status = String::from_utf8_lossy(&verify.stdout);
    assert!(
        status
            .lines()
            .any(|l| l.starts_with(&format!("[GNUPG:] VALIDSIG {}", keyring.fingerprint))),
        "gpg --verify reports no valid signature by {}:\n{status}",
        keyring.fingerprint
    );
    assert!(
        !read(&signature).starts_with(b"-----BEGIN"),
        "the signature is binary, not ASCII-armored"
    );

    // The signature is over these exact bytes: one changed line fails verification.
    let tampered = keyring.home.path().join("tampered-SHA256SUMS");
    let mut text = read(&sums);
    text[0] = if text[0] == b'0' { b'1' } else { b'0' };
    std::fs::write(&tampered, text).expect("write tampered copy");
    let rejected = keyring.gpg(
        &["--verify"],
        &[
            signature.to_str().expect("utf-8 path"),
            tampered.to_str().expect("utf-8 path"),
        ],
    );
    assert!(
        !rejected.status.success(),
        "gpg --verify accepted a changed SHA256SUMS"
    );
}

#[test]
fn a_signing_key_that_is_not_rsa_is_refused_before_building() {
    if !common::acc_enabled("a_signing_key_that_is_not_rsa_is_refused_before_building") {
        return;
    }
    let keyring = Keyring::generate("Key-Type: EDDSA\nKey-Curve: ed25519");
    let out = tempfile::tempdir().expect("temp dir");
    let run = release_command(
        out.path(),
        &[
            ("GNUPGHOME", keyring.home()),
            ("GPG_FINGERPRINT", &keyring.fingerprint),
        ],
    );
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(1), "stderr:\n{stderr}");
    assert!(
        stderr.contains("is not an RSA signing key"),
        "stderr:\n{stderr}"
    );
    assert!(
        !stderr.contains("Building"),
        "nothing is built with a key the Registry refuses:\n{stderr}"
    );
    assert_eq!(
        std::fs::read_dir(out.path()).expect("out dir").count(),
        0,
        "no artifact is written"
    );
}

/// How the zip is placed in the filesystem mirror (Terraform's two layouts).
#[derive(Clone, Copy, Debug)]
enum Layout {
    /// The zip itself: `<host>/<namespace>/<type>/<zip>`.
    Packed,
    /// Its contents: `<host>/<namespace>/<type>/<version>/<os>_<arch>/`.
    Unpacked,
}

/// The hashes `.terraform.lock.hcl` records for the provider, and its version.
fn locked(lock_file: &str) -> (String, Vec<String>) {
    let header = format!("provider \"{PROVIDER_ADDRESS}\" {{");
    let block = lock_file
        .split_once(&header)
        .and_then(|(_, rest)| rest.split_once("\n}"))
        .map(|(block, _)| block)
        .unwrap_or_else(|| panic!("no {PROVIDER_ADDRESS} in the lock file:\n{lock_file}"));
    let strings: Vec<&str> = block.split('"').skip(1).step_by(2).collect();
    let version = block
        .lines()
        .find_map(|l| l.trim().strip_prefix("version"))
        .and_then(|rest| rest.split('"').nth(1))
        .unwrap_or_else(|| panic!("no version in the lock file:\n{lock_file}"))
        .to_string();
    let hashes = strings
        .into_iter()
        .filter(|s| s.starts_with("h1:") || s.starts_with("zh:"))
        .map(str::to_string)
        .collect();
    (version, hashes)
}

/// A lock file that pins the provider's version to one hash.
fn lock_file(hash: &str) -> String {
    format!(
        "provider \"{PROVIDER_ADDRESS}\" {{\n  version = \"{VERSION}\"\n  hashes = [\n    \"{hash}\",\n  ]\n}}\n"
    )
}

/// `terraform init`, which must succeed and install the provider from the mirror; returns
/// the lock file.
async fn init(s: &mut Scenario, layout: Layout) -> String {
    s.init().await.expect_code(0);
    let installed = s
        .data_dir()
        .join("providers")
        .join(PROVIDER_ADDRESS)
        .join(VERSION)
        .join(platform())
        .join(format!("{NAME}_v{VERSION}"));
    assert!(
        installed.exists(),
        "Terraform {} ({layout:?}): terraform init did not install {}",
        s.tf.version,
        installed.display()
    );
    std::fs::read_to_string(s.work_dir().join(".terraform.lock.hcl"))
        .expect("terraform init writes .terraform.lock.hcl")
}

async fn install_from_mirror(tf: &Terraform, layout: Layout, release: &Path) {
    let mut s = Scenario::start(tf, Mode::FilesystemMirror).await;
    s.secret(ATLASSIAN_SECRET);
    let zip = release.join(zip_name());
    let provider_dir = s.mirror_dir().join(PROVIDER_ADDRESS);
    // The package's contents give the `h1:` hash Terraform computes of what it installs.
    let expected_h1 = match layout {
        Layout::Packed => {
            std::fs::create_dir_all(&provider_dir).expect("mirror dir");
            std::fs::copy(&zip, provider_dir.join(zip_name())).expect("copy zip");
            let contents = tempfile::tempdir().expect("temp dir");
            unzip(&zip, contents.path());
            h1_hash(contents.path())
        }
        Layout::Unpacked => {
            let contents = provider_dir.join(VERSION).join(platform());
            unzip(&zip, &contents);
            h1_hash(&contents)
        }
    };

    s.write_main(&format!(
        "resource \"frontegg_confluence_integration\" \"this\" {{\n  client_id     = \"atl-release-client-id\"\n  client_secret = \"{ATLASSIAN_SECRET}\"\n}}\n\noutput \"id\" {{\n  value = frontegg_confluence_integration.this.id\n}}\n"
    ));
    // Terraform records by itself what a filesystem mirror lets it compute: the `h1:`
    // hash of the package it unpacked. `zh:` hashes come from a signed SHA256SUMS, which
    // only a registry or a network mirror serves.
    let lock = init(&mut s, layout).await;
    assert_eq!(
        locked(&lock),
        (VERSION.to_string(), vec![expected_h1.clone()]),
        "Terraform {} ({layout:?}): the lock file after init from the mirror:\n{lock}",
        tf.version
    );

    if let Layout::Packed = layout {
        // A lock file pinned to the zip's SHA256SUMS entry: init checks the zip against it
        // and records it beside the `h1:` hash.
        let sums = parse_sums(&String::from_utf8_lossy(&read(&release.join(sums_name()))));
        let zh = format!("zh:{}", sums[&zip_name()]);
        s.write_file(".terraform.lock.hcl", &lock_file(&zh));
        let _ = std::fs::remove_dir_all(s.data_dir().join("providers"));
        let lock = init(&mut s, layout).await;
        let (_, hashes) = locked(&lock);
        let mut expected = vec![expected_h1.clone(), zh];
        expected.sort();
        assert_eq!(
            hashes, expected,
            "Terraform {} (packed): the lock file after init with the SHA256SUMS hash:\n{lock}",
            tf.version
        );

        // Pinned to another zip, the mirror's zip is refused.
        s.write_file(
            ".terraform.lock.hcl",
            &lock_file(&format!("zh:{}", "0".repeat(64))),
        );
        let _ = std::fs::remove_dir_all(s.data_dir().join("providers"));
        s.init().await.expect_code(1).expect_message(
            "doesn't match any of the checksums previously recorded in the dependency lock file",
        );
        s.write_file(".terraform.lock.hcl", &lock);
        init(&mut s, layout).await;
    }

    s.apply().await;
    let output = s.terraform(&["output", "-raw", "id"]).await;
    output.expect_code(0);
    let ids: Vec<String> = s
        .integrations()
        .iter()
        .filter_map(|i| i["id"].as_str().map(str::to_string))
        .collect();
    assert_eq!(
        ids,
        [output.stdout.trim().to_string()],
        "the emulator holds the one integration Terraform reports"
    );

    s.destroy().await;
    assert!(
        s.integrations().is_empty(),
        "Terraform {} ({layout:?}): destroy left {:?}",
        tf.version,
        s.integrations()
    );
    s.finish().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn terraform_init_installs_the_release_from_a_filesystem_mirror() {
    let test = "terraform_init_installs_the_release_from_a_filesystem_mirror";
    if !common::acc_enabled(test) {
        return;
    }
    let release = tokio::task::spawn_blocking(first_release)
        .await
        .expect("release run");
    for_each_terraform!(test, |tf| {
        for layout in [Layout::Packed, Layout::Unpacked] {
            eprintln!("{test}: Terraform {}, {layout:?} layout", tf.version);
            install_from_mirror(&tf, layout, release).await;
        }
    });
}
