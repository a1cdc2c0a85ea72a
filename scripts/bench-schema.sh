#!/usr/bin/env bash
# What get_provider_schema_optional saves: times `terraform plan` (1.15.5) over many
# provider configurations with the release provider as built, and with the same provider
# built with the tfplugin feature `without-schema-cache` (no capability), and counts how
# often Terraform called GetProviderSchema (benches/schema_cache.rs).
#   scripts/bench-schema.sh [--configs 1,10,40] [--runs N]   (default: 11 runs)
# The second build shares target/ (only tfplugin and the provider are rebuilt) and is
# copied to target/without-schema-cache/ before `cargo bench` builds the first.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-terraform.sh 1.15.5
cargo build --release --features tfplugin/without-schema-cache
mkdir -p target/without-schema-cache
cp target/release/terraform-provider-frontegg target/without-schema-cache/
cargo bench --bench schema_cache -- \
  --without target/without-schema-cache/terraform-provider-frontegg \
  --terraform .tools/terraform/1.15.5/terraform "$@"
