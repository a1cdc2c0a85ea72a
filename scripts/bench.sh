#!/usr/bin/env bash
# Start-up benchmark of the release provider binary: median time from spawn to the
# go-plugin handshake line with AutoMTLS, resident memory after the handshake and after
# GetProviderSchema, and stripped binary size, each against its target.
#   scripts/bench.sh [--runs N]
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --bin terraform-provider-frontegg
cargo bench --bench startup -- "$PWD/target/release/terraform-provider-frontegg" "$@"
