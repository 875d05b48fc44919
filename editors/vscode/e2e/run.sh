#!/usr/bin/env bash
# VS Code end-to-end test: installs the keywire .vsix into a real VS Code (code-server from the npm
# registry), opens tests/editors/workspace in Debian's Chromium driven by Playwright, checks the
# diagnostics in the Problems panel, applies quick fixes, and saves screenshots to docs/editors/img/.
#
# Installs what it needs on a fresh Debian machine: apt packages (chromium, ripgrep, the build tools
# code-server's native modules need), code-server (cached in $KEYWIRE_EDITORS_CACHE, default
# ~/.cache/keywire-editors), playwright-core (npm ci), the release build of keywire (cargo), and the
# .vsix (unless VSIX=/path/to/keywire.vsix is given).
# Environment: KEYWIRE_SCREENSHOTS_DIR (default docs/editors/img; empty: keep them in the run dir).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
EXT=$(cd "$HERE/.." && pwd)
ROOT=$(cd "$EXT/../.." && pwd)
CACHE=${KEYWIRE_EDITORS_CACHE:-$HOME/.cache/keywire-editors}
SHOTS=${KEYWIRE_SCREENSHOTS_DIR-$ROOT/docs/editors/img}

SUDO=; [ "$(id -u)" -ne 0 ] && SUDO=sudo
# Debian packages: chromium (the browser), ripgrep (seeds @vscode/ripgrep), and what node-pty and
# friends compile against when code-server is installed.
PKGS="chromium ripgrep curl procps build-essential pkg-config libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev"
MISSING=
for p in $PKGS; do dpkg -s "$p" >/dev/null 2>&1 || MISSING="$MISSING $p"; done
if [ -n "$MISSING" ]; then
  echo "installing Debian packages:$MISSING"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $MISSING >/dev/null
fi

CS=$CACHE/code-server/node_modules/.bin/code-server
echo "code-server: $CACHE/code-server"
sh "$HERE/install-code-server.sh" "$CACHE/code-server"

sh "$EXT/../npm-ci.sh" "$HERE" >/dev/null

if [ -z "${VSIX:-}" ]; then
  (cd "$ROOT" && cargo build --release -p keywire)
  sh "$EXT/../npm-ci.sh" "$EXT"
  VSIX=$(cd "$EXT" && sh scripts/package.sh | tail -n 1)
fi
echo "vsix: $VSIX"

RUN=$(mktemp -d "${TMPDIR:-/tmp}/keywire-vscode-e2e.XXXXXX")
cp -r "$ROOT/tests/editors/workspace" "$RUN/workspace"
cp -r "$ROOT/tests/editors/workspace" "$RUN/workspace-not-found"
# The tests must exercise the extension's own lookup.
unset KEYWIRE_PATH
RC=0

# 1. The .vsix with the bundled binary: diagnostics and quick fixes.
set +e
RUN_DIR=$RUN/main SHOTS_DIR=$SHOTS timeout 300 \
  sh "$HERE/run-in-code-server.sh" "$CS" "$VSIX" "$RUN/workspace" "$HERE/keywire.e2e.js"
MAIN_RC=$?
set -e
# The extension's output channel says which binary it started: it must be the bundled one.
LOG=$(grep -rl "found via" "$RUN"/main/user-data/logs/*/exthost*/output_logging_* 2>/dev/null | head -n 1 || true)
if [ -z "$LOG" ]; then
  echo "FAIL: no keywire output channel log found"; MAIN_RC=1
elif ! grep -q "found via bundled" "$LOG"; then
  echo "FAIL: the extension did not use its bundled binary:"; grep "found via" "$LOG" || true; MAIN_RC=1
elif [ "$(grep -c "restarting the server" "$LOG")" -lt 2 ]; then
  echo "FAIL: expected two restarts in the log (Restart Server, then the settings change)"; MAIN_RC=1
else
  grep -o "starting .*found via bundled)" "$LOG" | head -n 1
fi
if [ $MAIN_RC -ne 0 ]; then
  RC=1
  echo "--- keywire output channel ($LOG):"; [ -n "$LOG" ] && tail -n 60 "$LOG"
  echo "--- extension host log:"; tail -n 40 "$RUN"/main/user-data/logs/*/exthost*/remoteexthost.log 2>/dev/null || true
fi

# 2. A universal .vsix (no bundled binary) with no keywire anywhere: one clear error.
NOT_FOUND_VSIX=$(cd "$EXT" && OUT_DIR=$RUN/universal KEYWIRE_BUNDLE=none sh scripts/package.sh 2>/dev/null | tail -n 1)
# PATH without any directory that holds a keywire
CLEAN_PATH=
IFS=:; for d in $PATH; do [ -n "$d" ] && [ ! -e "$d/keywire" ] && CLEAN_PATH=${CLEAN_PATH:+$CLEAN_PATH:}$d; done; unset IFS
set +e
PATH=$CLEAN_PATH RUN_DIR=$RUN/not-found SHOTS_DIR=$SHOTS timeout 300 \
  sh "$HERE/run-in-code-server.sh" "$CS" "$NOT_FOUND_VSIX" "$RUN/workspace-not-found" "$HERE/not-found.e2e.js"
NF_RC=$?
set -e
if [ $NF_RC -ne 0 ]; then
  RC=1
  echo "--- keywire output channel (not found):"
  cat "$RUN"/not-found/user-data/logs/*/exthost*/output_logging_*/*keywire.log 2>/dev/null | tail -n 20
fi

if [ $RC -ne 0 ]; then
  echo "artifacts kept in $RUN (screenshots in $RUN/*/out)"
else
  rm -rf "$RUN"
fi
exit $RC
