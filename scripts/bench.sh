#!/usr/bin/env bash
# Start-up benchmark of the release provider binary: median time from spawn to the
# go-plugin handshake line with AutoMTLS, resident memory after the handshake and after
# GetProviderSchema, and stripped binary size, each against its target.
#   scripts/bench.sh [--runs N]
# `cargo bench` builds the binary with the bench profile, which is the release profile
# (opt-level, LTO, strip) and writes it to target/release/.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo bench --bench startup -- "$@"
