#!/usr/bin/env bash
# The demo: Terraform creates a Confluence integration in a local Frontegg emulator.
#
#   1. installs Terraform 1.15.5 into .tools/ (scripts/install-terraform.sh; needs python3)
#   2. builds the provider and the emulator (debug build: a few minutes the first time,
#      shared with `scripts/test.sh`; the optimised release build is not needed here)
#   3. starts the emulator on a free 127.0.0.1 port with demo credentials, keeping its
#      data in .demo/emulator-state.json
#   4. writes a Terraform CLI configuration whose dev_overrides point Terraform at the
#      freshly built provider (no `terraform init`, nothing downloaded)
#   5. runs `terraform apply` on examples/quickstart (in a copy under .demo/quickstart):
#      the action frontegg_atlassian_app_check checks the Atlassian app's client id and
#      secret with the emulator's stand-in of Atlassian's token endpoint before the
#      integration is created; then `terraform plan`, which must report "No changes", and
#      `terraform apply -invoke=...`, which runs the check on demand and must report success
#   6. stops the emulator (also on Ctrl-C or failure)
#
# Everything it writes stays in the git-ignored .tools/, target/ and .demo/ folders.
# Run it again: the integration already exists, so apply changes nothing. Start over
# with `rm -rf .demo`.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

bold=""; reset=""; color=(-no-color)
if [[ -t 1 ]]; then bold=$'\033[1m'; reset=$'\033[0m'; color=(); fi
step() { printf '\n%s==> %s%s\n' "$bold" "$*" "$reset"; }
die() { printf '\ndemo: %s\n' "$*" >&2; exit 1; }

command -v cargo >/dev/null || die "cargo not found: install the Rust toolchain (https://rustup.rs)"

step "1/5 Terraform"
if [[ -n "${TF_ACC_TERRAFORM_PATH:-}" ]]; then
  terraform="$TF_ACC_TERRAFORM_PATH"
else
  bash scripts/install-terraform.sh 1.15.5
  terraform="$root/.tools/terraform/1.15.5/terraform"
fi

step "2/5 Building the provider and the emulator (cargo build)"
cargo build -p terraform-provider-frontegg -p frontegg-emulator --bins
target_dir="$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')"
provider_bin="$target_dir/debug/terraform-provider-frontegg"
emulator_bin="$target_dir/debug/frontegg-emulator"

demo="$root/.demo"
mkdir -p "$demo/plugins" "$demo/quickstart" "$demo/home"
# dev_overrides runs the first terraform-provider-frontegg* file of a directory: give it
# a directory that holds only the provider.
ln -sf "$provider_bin" "$demo/plugins/terraform-provider-frontegg"
cp examples/quickstart/main.tf "$demo/quickstart/main.tf"

step "3/5 Starting the Frontegg emulator (demo credentials)"
export FRONTEGG_EMULATOR_ENVIRONMENT_ID=env-demo
export FRONTEGG_EMULATOR_CLIENT_ID=demo-client-id
export FRONTEGG_EMULATOR_SECRET=demo-secret
"$emulator_bin" --port 0 --state-file "$demo/emulator-state.json" \
  >"$demo/emulator.out" 2>"$demo/emulator.log" &
emulator_pid=$!
stop_emulator() {
  if kill -0 "$emulator_pid" 2>/dev/null; then
    kill "$emulator_pid" 2>/dev/null || true
    wait "$emulator_pid" 2>/dev/null || true
    printf '\nEmulator stopped (its data is kept in .demo/emulator-state.json).\n'
  fi
}
trap stop_emulator EXIT
trap 'exit 130' INT TERM

url=""
for _ in $(seq 1 100); do
  url="$(sed -n 's/^FRONTEGG_EMULATOR_URL=//p' "$demo/emulator.out" 2>/dev/null | head -n1)"
  [[ -n "$url" ]] && break
  kill -0 "$emulator_pid" 2>/dev/null || die "the emulator exited: $(cat "$demo/emulator.log")"
  sleep 0.1
done
[[ -n "$url" ]] || die "the emulator did not report its address within 10 s"
echo "Emulator listening on $url (log: .demo/emulator.log)"

step "4/5 Terraform CLI configuration with dev_overrides (.demo/terraformrc)"
cat >"$demo/terraformrc" <<EOF
provider_installation {
  dev_overrides {
    "mirror.invalid/frontegg-mcp/frontegg" = "$demo/plugins"
  }
  direct {}
}
disable_checkpoint = true
EOF
cat "$demo/terraformrc"

export TF_CLI_CONFIG_FILE="$demo/terraformrc"
export CHECKPOINT_DISABLE=1
export FRONTEGG_BASE_URL="$url"
export FRONTEGG_CLIENT_ID=demo-client-id
export FRONTEGG_SECRET=demo-secret
# The emulator also stands in for Atlassian's token endpoint, with the demo's app.
export FRONTEGG_ATLASSIAN_URL="$url"

step "5/5 terraform apply, terraform plan, the Atlassian app check on demand (examples/quickstart)"
echo "(Terraform warns that development overrides are in effect: that is the local build.)"
echo
echo "\$ terraform apply -auto-approve"
"$terraform" -chdir="$demo/quickstart" apply -auto-approve -input=false "${color[@]}"

echo
echo "\$ terraform plan"
plan_out="$demo/plan.out"
set +e
"$terraform" -chdir="$demo/quickstart" plan -input=false -detailed-exitcode "${color[@]}" | tee "$plan_out"
plan_code=${PIPESTATUS[0]}
set -e
[[ $plan_code -eq 0 ]] || die "terraform plan exited $plan_code: it should have found nothing to change"
grep -q "No changes" "$plan_out" || die "terraform plan did not report \"No changes\""
echo
echo "\$ terraform apply -auto-approve -invoke=action.frontegg_atlassian_app_check.this"
invoke_out="$demo/invoke.out"
"$terraform" -chdir="$demo/quickstart" apply -auto-approve -input=false "${color[@]}" \
  -invoke=action.frontegg_atlassian_app_check.this | tee "$invoke_out"
grep -q "Atlassian accepted the client id and secret" "$invoke_out" ||
  die "the Atlassian app check did not report success"

printf '\n%sDone:%s the Confluence integration exists in the emulator as examples/quickstart describes it,\n' "$bold" "$reset"
echo "a second plan finds no changes, and the Atlassian app check passes on demand."
echo "Terraform state: .demo/quickstart/terraform.tfstate."
