#!/usr/bin/env bash
# Builds the release artifacts of the provider, in the layout of the Terraform Registry and
# HashiCorp's release tooling, into dist/ (git-ignored):
#
#   terraform-provider-frontegg_<version>_<os>_<arch>.zip   holds terraform-provider-frontegg_v<version>
#   terraform-provider-frontegg_<version>_manifest.json     {"version": 1, "metadata": {"protocol_versions": ["6.0"]}}
#   terraform-provider-frontegg_<version>_SHA256SUMS        over every zip of <version> in dist/ and the manifest
#   terraform-provider-frontegg_<version>_SHA256SUMS.sig    detached binary signature, when GPG_FINGERPRINT is set
#
#   scripts/release.sh [--target TRIPLE] [--out DIR] [--no-build]
#
#   --target TRIPLE  build for this Rust target triple (default: the host), for example
#                    aarch64-unknown-linux-gnu (linux_arm64) or x86_64-apple-darwin (darwin_amd64);
#                    the target's standard library and C toolchain must be installed
#   --out DIR        write the artifacts into DIR instead of dist/
#   --no-build       build nothing: rewrite the manifest, SHA256SUMS and signature over the
#                    zips already in DIR (the last step after each platform was built elsewhere)
#
# The version is the package version in Cargo.toml. The binary is `cargo build --release
# --locked` (fat LTO; a few minutes the first time). The zip is reproducible: one entry,
# mode 0755, deflated, dated SOURCE_DATE_EPOCH (default: the time of the last commit), so
# packaging the same binary twice gives the same bytes and the same checksums.
#
# Signing: GPG_FINGERPRINT names a secret RSA key in the GnuPG keyring (GNUPGHOME), usable
# without a passphrase prompt (gpg-agent already unlocked, or no passphrase). gpg is only
# needed then. Without GPG_FINGERPRINT, a signature left from an earlier run is removed.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

die() { printf 'release: %s\n' "$*" >&2; exit 1; }
say() { printf '==> %s\n' "$*" >&2; }

name=terraform-provider-frontegg
target=""
out="$root/dist"
build=1
while [[ $# -gt 0 ]]; do
  case "$1" in
    --target) [[ $# -ge 2 ]] || die "--target needs a Rust target triple"; target="$2"; shift 2 ;;
    --out) [[ $# -ge 2 ]] || die "--out needs a directory"; out="$2"; shift 2 ;;
    --no-build) build=0; shift ;;
    -h|--help) sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"; exit 0 ;;
    *) die "unknown argument $1 (see --help)" ;;
  esac
done

command -v cargo >/dev/null || die "cargo not found: install the Rust toolchain (https://rustup.rs)"
command -v python3 >/dev/null || die "python3 is needed to write the zip and the checksums"

# Checked before the build: a signing key the Registry would refuse should not cost a build.
if [[ -n "${GPG_FINGERPRINT:-}" ]]; then
  command -v gpg >/dev/null || die "GPG_FINGERPRINT is set but gpg is not installed (apt-get install gnupg)"
  keys="$(gpg --batch --with-colons --list-secret-keys -- "$GPG_FINGERPRINT" 2>/dev/null)" ||
    die "GPG_FINGERPRINT=$GPG_FINGERPRINT: no such secret key in the GnuPG keyring${GNUPGHOME:+ (GNUPGHOME=$GNUPGHOME)}"
  # Fields of sec/ssb lines: 4 = public key algorithm (1, 3: RSA), 12 = capabilities (s: can sign).
  awk -F: '($1 == "sec" || $1 == "ssb") && $12 ~ /s/ { signers++; if ($4 != 1 && $4 != 3) other++ }
           END { exit !(signers > 0 && other == 0) }' <<<"$keys" ||
    die "GPG_FINGERPRINT=$GPG_FINGERPRINT is not an RSA signing key: the Terraform Registry accepts RSA keys only"
fi

metadata="$(cargo metadata --format-version 1 --no-deps --locked)"
read -r version target_dir < <(python3 -c '
import json, sys
meta = json.load(sys.stdin)
package = next(p for p in meta["packages"] if p["name"] == sys.argv[1])
print(package["version"], meta["target_directory"])
' "$name" <<<"$metadata")

mkdir -p "$out"
out="$(cd "$out" && pwd)"

if [[ $build -eq 1 ]]; then
  host="$(rustc -vV | sed -n 's/^host: //p')"
  triple="${target:-$host}"
  case "$triple" in
    x86_64-*) arch=amd64 ;;
    aarch64-*) arch=arm64 ;;
    i686-* | i586-*) arch=386 ;;
    armv7-* | arm-*) arch=arm ;;
    *) die "no Terraform architecture for the target $triple" ;;
  esac
  case "$triple" in
    *-linux-*) os=linux ;;
    *-apple-darwin) os=darwin ;;
    *-windows-*) os=windows ;;
    *-freebsd) os=freebsd ;;
    *) die "no Terraform operating system for the target $triple" ;;
  esac
  exe=""
  [[ $os == windows ]] && exe=".exe"

  cargo_args=(build --release --locked -p "$name" --bin "$name")
  binary="$target_dir/release/$name$exe"
  if [[ -n "$target" ]]; then
    cargo_args+=(--target "$target")
    binary="$target_dir/$target/release/$name$exe"
  fi
  say "Building $name $version for $triple (${os}_$arch): cargo ${cargo_args[*]}"
  cargo "${cargo_args[@]}"
  [[ -f "$binary" ]] || die "cargo built no $binary"

  epoch="${SOURCE_DATE_EPOCH:-$(git -C "$root" log -1 --format=%ct 2>/dev/null || echo 315532800)}"
  say "Packaging ${name}_${version}_${os}_$arch.zip (entries dated $epoch)"
  python3 - "$binary" "$out/${name}_${version}_${os}_$arch.zip" "${name}_v$version$exe" "$epoch" <<'PY'
import os, sys, time, zipfile

binary, archive, entry, epoch = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
# DOS dates start in 1980; the date is UTC so that the bytes do not depend on the time zone.
stamp = time.gmtime(max(epoch, 315532800))[:6]
info = zipfile.ZipInfo(entry, date_time=stamp)
info.create_system = 3  # Unix: Terraform takes the file mode from the external attributes
info.external_attr = (0o100755 << 16)
info.compress_type = zipfile.ZIP_DEFLATED
with open(binary, "rb") as f:
    data = f.read()
partial = archive + ".partial"
with zipfile.ZipFile(partial, "w") as z:
    z.writestr(info, data, compresslevel=9)
os.replace(partial, archive)
PY
fi

sums="${name}_${version}_SHA256SUMS"
python3 - "$out" "$name" "$version" <<'PY'
import glob, hashlib, os, sys

out, name, version = sys.argv[1], sys.argv[2], sys.argv[3]
zips = sorted(os.path.basename(p) for p in glob.glob(os.path.join(out, f"{name}_{version}_*.zip")))
if not zips:
    sys.exit(f"release: no {name}_{version}_*.zip in {out}: build one first")
manifest = f"{name}_{version}_manifest.json"
with open(os.path.join(out, manifest), "w") as f:
    f.write('{\n  "version": 1,\n  "metadata": {\n    "protocol_versions": ["6.0"]\n  }\n}\n')
lines = []
for file in sorted(zips + [manifest]):
    with open(os.path.join(out, file), "rb") as f:
        lines.append(f"{hashlib.sha256(f.read()).hexdigest()}  {file}\n")
with open(os.path.join(out, f"{name}_{version}_SHA256SUMS"), "w") as f:
    f.writelines(lines)
PY

if [[ -n "${GPG_FINGERPRINT:-}" ]]; then
  say "Signing $sums with $GPG_FINGERPRINT"
  gpg --batch --yes --local-user "$GPG_FINGERPRINT" --output "$out/$sums.sig" --detach-sign "$out/$sums"
else
  rm -f "$out/$sums.sig"
fi

say "Release $version in $out:"
cat "$out/$sums" >&2
[[ -f "$out/$sums.sig" ]] && printf '(signed: %s.sig)\n' "$sums" >&2
exit 0
