#!/usr/bin/env bash
# keywire against real virtualenvs made from the package index (tests/packages/cases.py).
# Needs python3 with venv and pip (installs Debian's python3-venv when missing) and the
# package index; builds keywire (debug) unless KEYWIRE_BIN names a binary.
#   bash tests/packages/run.sh
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_ROOT_USER_ACTION=ignore

if ! python3 -c 'import venv, ensurepip' >/dev/null 2>&1; then
  echo "python3 cannot create virtual environments: installing Debian's python3-venv"
  SUDO=; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq python3-venv >/dev/null
fi
if ! python3 -m pip --version >/dev/null 2>&1; then
  echo "installing Debian's python3-pip"
  SUDO=; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq python3-pip >/dev/null
fi

BIN=${KEYWIRE_BIN:-}
if [ -z "$BIN" ]; then
  cargo build --locked -q
  BIN=$CARGO_TARGET_DIR/debug/keywire
fi

# The wheels, downloaded once per checkout (target/ is not committed).
WHEELS=$CARGO_TARGET_DIR/package-wheels
mkdir -p "$WHEELS"
mapfile -t SPECS < <(python3 -c 'import importlib.util, sys
spec = importlib.util.spec_from_file_location("cases", "tests/packages/cases.py")
m = importlib.util.module_from_spec(spec); spec.loader.exec_module(m)
print("\n".join(m.WHEELS))')
# One spec at a time: several versions of one distribution cannot be resolved together.
for spec in "${SPECS[@]}"; do
  python3 -m pip download -q --no-deps --only-binary=:all: -d "$WHEELS" "$spec"
done
python3 tests/packages/cases.py "$BIN" "$WHEELS"
