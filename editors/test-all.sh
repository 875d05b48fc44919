#!/usr/bin/env bash
# Every editor integration test: VS Code (unit tests + .vsix, then the end-to-end test in
# code-server), Neovim (headless, real server) and Helix (languages.toml + the configured command).
#
# Installs what the tests need on a fresh Debian machine (apt packages, npm ci from the committed
# lockfiles -- skipped where node_modules was installed from the same lockfile, see npm-ci.sh --,
# code-server, the release build of keywire); needs Node.js 20+, npm and cargo.
# Prints a PASS or FAIL line per test and ends with "N passed, M failed"; exits non-zero when one
# failed.
#   bash editors/test-all.sh
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
T0=$SECONDS
PASSED=0
FAILED=0
SUMMARY=()

export CARGO_TERM_COLOR=${CARGO_TERM_COLOR:-never}
export NO_COLOR=1 FORCE_COLOR=0
BIN=${CARGO_TARGET_DIR:-$ROOT/target}/release/keywire

# run NAME COMMAND...: one test, its output as it comes, then a PASS or FAIL line.
run() {
  local name=$1; shift
  local start=$SECONDS
  echo
  echo "---- $name"
  if "$@"; then
    PASSED=$((PASSED + 1))
    SUMMARY+=("PASS  $name ($((SECONDS - start))s)")
    echo "PASS  $name ($((SECONDS - start))s)"
  else
    FAILED=$((FAILED + 1))
    SUMMARY+=("FAIL  $name ($((SECONDS - start))s)")
    echo "FAIL  $name ($((SECONDS - start))s)"
  fi
}

# A step that could not run counts as failed.
fail() {
  FAILED=$((FAILED + 1))
  SUMMARY+=("FAIL  $1 (not run: $2)")
  echo "FAIL  $1 (not run: $2)"
}

# ---- what the tests need
for tool in node npm cargo; do
  command -v $tool >/dev/null 2>&1 || { echo "FAIL: $tool is required (Node.js 20+ with npm, and Rust's cargo)"; echo "0 passed, 1 failed"; exit 1; }
done
if [ "$(node -p 'process.versions.node.split(".")[0]')" -lt 20 ]; then
  echo "FAIL: Node.js 20 or newer is required (found $(node --version))"; echo "0 passed, 1 failed"; exit 1
fi
# neovim (headless test), chromium + the rest (VS Code end-to-end test, see editors/vscode/e2e/run.sh)
PKGS="neovim chromium ripgrep curl procps build-essential pkg-config libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev"
MISSING=
for p in $PKGS; do dpkg -s "$p" >/dev/null 2>&1 || MISSING="$MISSING $p"; done
if [ -n "$MISSING" ]; then
  echo "installing Debian packages:$MISSING"
  SUDO=; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $MISSING >/dev/null \
    || echo "warning: apt-get install failed; the tests that need$MISSING will fail"
fi

# ---- the server
run "build keywire (cargo build --release -p keywire)" cargo build --release -p keywire
HAVE_BIN=0; [ -x "$BIN" ] && HAVE_BIN=1

# ---- VS Code: build, typecheck, lint, unit tests, .vsix
vscode_unit() {
  sh "$ROOT/editors/npm-ci.sh" "$ROOT/editors/vscode" && cd "$ROOT/editors/vscode" && npm test
}
run "vscode: npm test (esbuild, tsc --noEmit, eslint, unit tests, vsce package)" vscode_unit
VSIX=$(ls -t "$ROOT"/editors/vscode/keywire-*.vsix 2>/dev/null | head -n 1)

# ---- Neovim: headless end-to-end
if [ $HAVE_BIN = 1 ]; then
  run "neovim: headless end-to-end test" env KEYWIRE_BIN="$BIN" bash "$ROOT/editors/neovim/test/run.sh"
else
  fail "neovim: headless end-to-end test" "no keywire binary"
fi

# ---- Helix: languages.toml and the configured command
helix_test() {
  sh "$ROOT/editors/npm-ci.sh" "$ROOT/editors/helix" && cd "$ROOT/editors/helix" && KEYWIRE_BIN="$BIN" npm test
}
if [ $HAVE_BIN = 1 ]; then
  run "helix: languages.toml test" helix_test
else
  fail "helix: languages.toml test" "no keywire binary"
fi

# ---- VS Code: end-to-end in code-server
if [ -n "$VSIX" ] && [ $HAVE_BIN = 1 ]; then
  run "vscode: end-to-end test in code-server" env VSIX="$VSIX" bash "$ROOT/editors/vscode/e2e/run.sh"
else
  fail "vscode: end-to-end test in code-server" "no .vsix or no keywire binary"
fi

echo
echo "==== editor tests ($((SECONDS - T0))s)"
printf '%s\n' "${SUMMARY[@]}"
echo "$PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
