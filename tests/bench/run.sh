#!/usr/bin/env bash
# keywire's benchmarks: whole-process `keywire check` against ruff and `rg -l` on generated
# workspaces (1k, 5k, 20k Python files), CPython's standard library and four real AutoGen/AG2
# trees (`real.py`: pinned commits, cold and warm), then the language server over stdio.
# Prints Markdown tables (see docs/performance.md).
#
#   bash tests/bench/run.sh                  # everything
#   bash tests/bench/run.sh check [--runs 5] [--sizes 1000,5000,20000] [--stdlib DIR] [--notebooks DIR]
#   bash tests/bench/run.sh lsp [--edits 1000]
#
# The real trees come from GitHub (or from local mirrors named by $KEYWIRE_CORPUS_MIRRORS, as
# for the precision corpus); KEYWIRE_BENCH_REAL=0 leaves them out.
#
# Corpora are generated once under ${KEYWIRE_BENCH_DIR:-/tmp/keywire-bench}. Runs under
# `nice -n 10` (the machine is shared); compare numbers taken in the same run only.
set -euo pipefail
cd "$(dirname "$0")/../.."

need() { command -v "$1" >/dev/null 2>&1; }
apt_updated=0
apt_install() {
    [ "$apt_updated" = 1 ] || { apt-get update -qq; apt_updated=1; }
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}
if [ ! -x /usr/bin/time ]; then
    echo "installing GNU time" >&2
    apt_install time
fi
need rg || { echo "installing ripgrep" >&2; apt_install ripgrep; }
need ruff || { echo "installing ruff" >&2; python3 -m pip install --quiet ruff; }

work="${KEYWIRE_BENCH_DIR:-/tmp/keywire-bench}"
what="${1:-all}"
[ $# -gt 0 ] && shift

# Builds the release `keywire` binary and the harness (the `bench` profile is `release`).
cargo bench -p keywire --bench perf --no-run 2>&1 | tail -1 >&2
bench() { nice -n 10 cargo bench -q -p keywire --bench perf -- "$@" --work "$work"; }

real=()
if [ "${KEYWIRE_BENCH_REAL:-1}" != 0 ]; then
    mkdir -p "$work"
    if python3 tests/bench/real.py "$work" > "$work/real.tsv"; then
        real=(--real "$work/real.tsv")
    else
        echo "the real trees could not all be obtained: $(cut -f1 "$work/real.tsv" | paste -sd, -) only" >&2
        [ -s "$work/real.tsv" ] && real=(--real "$work/real.tsv")
    fi
fi

case "$what" in
    check) bench check "${real[@]}" "$@" ;;
    lsp) bench lsp "${real[@]}" "$@" ;;
    all)
        bench check "${real[@]}" "$@"
        bench lsp "${real[@]}"
        ;;
    *) echo "usage: $0 [check|lsp|all] [options]" >&2; exit 2 ;;
esac
