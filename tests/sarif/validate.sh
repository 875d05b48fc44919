#!/usr/bin/env bash
# Validates `keywire check --format sarif` with Microsoft's SARIF validator (the npm package
# @microsoft/sarif-multitool, pinned in package-lock.json; it ships a self-contained .NET
# binary per platform) on every fixture workspace under tests/workspaces and tests/rules.
# Fails on any error the validator reports (schema or SARIF rule). Needs node and npm; runs
# offline once installed (SARIF2006, which fetches every helpUri, is off: validation.xml).
#
#   bash tests/sarif/validate.sh            # KEYWIRE_BIN=path/to/keywire to pick a binary
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"

# The binary: $KEYWIRE_BIN, else the newer of the release and debug builds, else a debug build.
bin="${KEYWIRE_BIN:-}"
if [ -z "$bin" ]; then
  for candidate in "$root/target/release/keywire" "$root/target/debug/keywire"; do
    if [ -x "$candidate" ] && { [ -z "$bin" ] || [ "$candidate" -nt "$bin" ]; }; then
      bin="$candidate"
    fi
  done
fi
if [ -z "$bin" ]; then
  (cd "$root" && cargo build -q -p keywire --locked)
  bin="$root/target/debug/keywire"
fi

cd "$here"
tool="$here/node_modules/@microsoft/sarif-multitool/bin.js"
if [ ! -f "$tool" ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
# The platform package's install script (chmod) may not have run.
chmod u+x node_modules/@microsoft/sarif-multitool-*/Sarif.Multitool 2>/dev/null || true
# No ICU needed, no telemetry.
export DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1 DOTNET_CLI_TELEMETRY_OPTOUT=1

out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
count=0
for dir in "$root"/tests/workspaces/*/ "$root"/tests/rules/*/; do
  name="$(basename "$(dirname "$dir")")-$(basename "$dir")"
  # Exit 1 means findings; 2 is an error.
  status=0
  (cd "$dir" && "$bin" check --format sarif --select ALL --output-file "$out/$name.sarif") || status=$?
  if [ "$status" -gt 1 ]; then
    echo "keywire check failed in $dir (exit $status)" >&2
    exit 1
  fi
  count=$((count + 1))
done

report="$out/validator.txt"
status=0
node "$tool" validate --config "$here/validation.xml" "$out"/*.sarif >"$report" 2>&1 || status=$?
grep -E ': (warning|note) ' "$report" || true
if [ "$status" -ne 0 ] || grep -qE ': error |^ERROR' "$report"; then
  cat "$report" >&2
  echo "SARIF validation failed" >&2
  exit 1
fi
if ! grep -q "Done. $count files scanned." "$report"; then
  cat "$report" >&2
  echo "SARIF validation: expected $count files scanned" >&2
  exit 1
fi
echo "SARIF valid: $count logs ($(basename "$bin"), $("$bin" --version))"
