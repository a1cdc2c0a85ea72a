#!/usr/bin/env bash
# Start-up benchmark of the release provider binary: median time from spawn to the
# go-plugin handshake line with AutoMTLS, resident memory after the handshake and after
# GetProviderSchema, and stripped binary size, each against its target.
#   scripts/bench.sh [--runs N]
# The binary measured is the one `cargo build --release` makes (what scripts/release.sh
# ships), copied to target/bench/: the one `cargo bench` builds has the dev-dependencies'
# features too (tokio's multi-threaded runtime, which links libm).
#   scripts/bench-compare.sh puts the same figures beside the peers'.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --locked --bin terraform-provider-frontegg
mkdir -p target/bench
cp target/release/terraform-provider-frontegg target/bench/
cargo bench --bench startup -- target/bench/terraform-provider-frontegg "$@"
