#!/usr/bin/env bash
# Runs every keywire test. Installs what the tests need on a fresh machine first.
set -euo pipefail
cd "$(dirname "$0")/.."

export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
# A one-off build gains nothing from incremental state, which is the larger part of target/ on disk.
if [ "${CI:-}" = true ]; then
  export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"
fi

# The no-side-effects test watches keywire's system calls with strace; the git-status tests
# build real repositories with git; the corpus file check runs on python3.
missing=()
command -v strace >/dev/null 2>&1 || missing+=(strace)
command -v git >/dev/null 2>&1 || missing+=(git)
command -v python3 >/dev/null 2>&1 || missing+=(python3)
if [ ${#missing[@]} -gt 0 ]; then
  echo "== installing ${missing[*]}"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# The notebook tests validate fixed notebooks with nbformat, Jupyter's own reader.
if ! python3 -c 'import nbformat' >/dev/null 2>&1; then
  echo "== installing nbformat"
  python3 -m pip install -q nbformat
fi

echo "== formatting"
cargo fmt --all -- --check

echo "== lints"
cargo clippy --workspace --all-targets --locked -- -D warnings

echo "== structure (no import cycle in server/src, no oversized source file)"
python3 server/scripts/check_structure.py

echo "== corpus files (repos.csv, labels.csv)"
python3 tests/corpus/run.py --check-files

echo "== tests"
cargo test --workspace --locked

echo "== real virtualenvs (pip install --no-deps of pinned AutoGen and openai releases)"
bash tests/packages/run.sh

echo "== SARIF output (Microsoft's validator, installed from tests/sarif/package-lock.json)"
if ! command -v npm >/dev/null 2>&1; then
  echo "== installing nodejs, npm"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
fi
bash tests/sarif/validate.sh

echo "== Python packaging (sdist, wheel, python -m keywire, pre-commit hook; KEYWIRE_SKIP_PYTHON=1 skips)"
if [ "${KEYWIRE_SKIP_PYTHON:-0}" != 1 ]; then
  bash tests/python/run.sh
fi

echo "== editors (VS Code, Neovim, Helix; KEYWIRE_SKIP_EDITORS=1 skips)"
if [ "${KEYWIRE_SKIP_EDITORS:-0}" != 1 ]; then
  bash editors/test-all.sh
fi
