#!/usr/bin/env bash
# Headless Neovim end-to-end test: keywire diagnostics and a quick fix in a Python file and a .env.
# Installs Debian's neovim when nvim is missing. Uses KEYWIRE_BIN, else target/release/keywire
# (built when missing). Exit status 0 when every check passed.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../../.." && pwd)

if ! command -v nvim >/dev/null 2>&1; then
  echo "nvim not found: installing Debian's neovim"
  SUDO=; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq neovim >/dev/null
fi

BIN=${KEYWIRE_BIN:-${CARGO_TARGET_DIR:-$ROOT/target}/release/keywire}
if [ ! -x "$BIN" ]; then
  echo "building $BIN"
  (cd "$ROOT" && cargo build --release -p keywire)
fi

# A scratch copy of the fixture workspace (the test edits buffers; nothing is written back), and
# scratch XDG folders so the user's Neovim config, state and LSP log stay untouched.
RUN=$(mktemp -d "${TMPDIR:-/tmp}/keywire-nvim.XXXXXX")
trap 'rm -rf "$RUN"' EXIT
cp -r "$ROOT/tests/editors/workspace" "$RUN/workspace"
export XDG_CONFIG_HOME=$RUN/config XDG_DATA_HOME=$RUN/data XDG_STATE_HOME=$RUN/state XDG_CACHE_HOME=$RUN/cache
export KEYWIRE_BIN=$BIN KEYWIRE_WORKSPACE=$RUN/workspace KEYWIRE_NVIM_PLUGIN=$ROOT/editors/neovim

set +e
timeout 180 nvim --headless --clean -c "luafile $HERE/keywire_spec.lua" </dev/null
RC=$?
set -e
if [ $RC -ne 0 ]; then
  echo "nvim exited with $RC; LSP log:"
  find "$RUN" -name 'lsp.log' -exec tail -n 40 {} \; 2>/dev/null || true
fi
exit $RC
