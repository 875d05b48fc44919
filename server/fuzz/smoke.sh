#!/usr/bin/env bash
# CI smoke run of keywire's fuzz targets (docs/hardening.md): seeds the corpora from the test
# fixtures, then runs every target for $FUZZ_SECONDS (default 20) seconds, one at a time, at low
# priority. Exits 1 when a target finds a crash (the input is under artifacts/<target>/), and 0
# with a clear "skipped" message when the fuzz toolchain cannot be built on this machine.
#
#   server/fuzz/smoke.sh                 # every target, 20 s each
#   FUZZ_SECONDS=600 server/fuzz/smoke.sh python dotenv
#
# cargo-fuzz needs nightly-only compiler flags. Only stable Rust is installed here, so the
# build runs with RUSTC_BOOTSTRAP=1 (lets stable rustc accept them); a real nightly works too
# (FUZZ_TOOLCHAIN=nightly).
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
seconds="${FUZZ_SECONDS:-20}"
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    targets=(python dotenv config_json notebook fix_loop lsp_edits yaml deploy_text manifests)
fi

skip() {
    echo "fuzz smoke: SKIPPED: $*" >&2
    echo "fuzz smoke: SKIPPED: $*"
    exit 0
}

toolchain=()
if [ -n "${FUZZ_TOOLCHAIN:-}" ]; then
    toolchain=("+$FUZZ_TOOLCHAIN")
else
    export RUSTC_BOOTSTRAP=1
fi

if ! cargo "${toolchain[@]}" fuzz --version >/dev/null 2>&1; then
    echo "fuzz smoke: cargo-fuzz is not installed; trying cargo install cargo-fuzz" >&2
    cargo install cargo-fuzz >&2 || skip "cargo-fuzz cannot be installed on this machine"
fi

# Seeds: every Python and .env fixture, conformance vectors, edit scripts (one definition, in
# server/tests/hardening_regressions.rs).
mkdir -p "$here/corpus"
(cd "$repo" && KEYWIRE_FUZZ_SEEDS="$here/corpus" cargo test -q -p keywire \
    --test hardening_regressions write_seed_corpora >/dev/null) \
    || { echo "fuzz smoke: writing the seed corpora failed" >&2; exit 1; }

cd "$here"
if ! nice -n 19 cargo "${toolchain[@]}" fuzz build -O >build.log 2>&1; then
    tail -20 build.log >&2
    skip "the fuzz targets do not build with this toolchain (see server/fuzz/build.log)"
fi

status=0
for t in "${targets[@]}"; do
    echo "fuzz smoke: $t for ${seconds}s"
    mkdir -p "corpus/$t" "artifacts/$t"
    # lsp_edits keeps one multi-threaded in-process server across inputs: memory it holds
    # between inputs is by design, so per-input leak checks only report that (memory growth is
    # tested by hardening_hostile's open/close churn test instead).
    leaks=()
    [ "$t" = lsp_edits ] && leaks=(-detect_leaks=0)
    if ! nice -n 19 cargo "${toolchain[@]}" fuzz run -O "$t" "corpus/$t" -- "${leaks[@]}" \
        -max_total_time="$seconds" -timeout=20 -rss_limit_mb=4096 -print_final_stats=1 \
        2>"artifacts/$t.log"; then
        echo "fuzz smoke: $t FAILED; last lines of artifacts/$t.log:" >&2
        tail -40 "artifacts/$t.log" >&2
        status=1
    else
        grep -E "^stat::number_of_executed_units|^#[0-9]+.*DONE" "artifacts/$t.log" | tail -2
    fi
done
exit $status
