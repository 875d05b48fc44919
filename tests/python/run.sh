#!/usr/bin/env bash
# keywire as Python developers install it: the sdist, a wheel built from that sdist, the wheel
# installed into a fresh virtual environment (the `keywire` command and `python -m keywire`), and
# the pre-commit hook (.pre-commit-hooks.yaml) run with `pre-commit try-repo` on a broken and on a
# clean project.
#
# Needs python3 and cargo; installs python3-venv (Debian) when `python3 -m venv` cannot work, and
# maturin and pre-commit (tests/python/requirements.txt) into a throw-away virtual environment.
# Cargo's output goes to $CARGO_TARGET_DIR (default: this checkout's target/), so the wheel reuses
# the release build of `cargo build --release`, and the build pre-commit makes with pip reuses it
# too. `pre-commit try-repo` installs the hook from this checkout's HEAD plus changes to tracked
# files (not untracked ones).
#   bash tests/python/run.sh
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
HERE=$ROOT/tests/python
cd "$ROOT"
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
export CARGO_TERM_COLOR=${CARGO_TERM_COLOR:-never}
export PIP_DISABLE_PIP_VERSION_CHECK=1

WORK=$(mktemp -d "${TMPDIR:-/tmp}/keywire-python.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

T0=$SECONDS
STEP_START=$SECONDS
STEP_NAME=
TIMINGS=()
step() {
  [ -n "$STEP_NAME" ] && TIMINGS+=("$(printf '%4ds  %s' $((SECONDS - STEP_START)) "$STEP_NAME")")
  STEP_NAME=$1
  STEP_START=$SECONDS
  echo "== $1"
}
fail() {
  echo "FAIL: $*" >&2
  exit 1
}

step "python3 with venv and pip"
command -v python3 >/dev/null 2>&1 || fail "python3 is required"
if ! python3 -c 'import venv, ensurepip' >/dev/null 2>&1; then
  echo "python3 cannot create virtual environments: installing Debian's python3-venv"
  SUDO=; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq python3-venv >/dev/null
  python3 -c 'import venv, ensurepip' || fail "python3 -m venv still cannot work after installing python3-venv"
fi
python3 -m venv "$WORK/tools"
TOOLS=$WORK/tools/bin
"$TOOLS/pip" install -q -r "$HERE/requirements.txt"
echo "maturin $("$TOOLS/maturin" --version | cut -d' ' -f2), pre-commit $("$TOOLS/pre-commit" --version | cut -d' ' -f2)"

VERSION=$(cargo metadata --no-deps --format-version 1 --locked |
  python3 -c 'import json, sys; print(next(p["version"] for p in json.load(sys.stdin)["packages"] if p["name"] == "keywire"))')
echo "crate version: $VERSION"

step "sdist (maturin sdist)"
"$TOOLS/maturin" sdist --out "$WORK/dist" >"$WORK/sdist.log" 2>&1 || { cat "$WORK/sdist.log"; fail "maturin sdist failed"; }
SDIST=$WORK/dist/keywire-$VERSION.tar.gz
[ -f "$SDIST" ] || fail "no $SDIST; maturin sdist made: $(ls "$WORK/dist")"
# What a build from the sdist needs is in it; what it does not need is not.
python3 - "$SDIST" "$VERSION" <<'EOF'
import sys, tarfile
sdist, version = sys.argv[1], sys.argv[2]
prefix = f"keywire-{version}/"
names = {n[len(prefix):] for n in tarfile.open(sdist).getnames() if n.startswith(prefix)}
need = ["pyproject.toml", "Cargo.toml", "Cargo.lock", "README.md", "server/Cargo.toml", "server/src/main.rs",
        "server/src/lib.rs", "testkit/Cargo.toml", "python/keywire/__init__.py", "python/keywire/__main__.py", "PKG-INFO"]
missing = [n for n in need if n not in names]
unwanted = sorted(n for n in names if n.startswith(("tests/", "editors/", "docs/", "server/fuzz/", "server/tests/", "target/")))
if missing or unwanted:
    sys.exit(f"FAIL: sdist {sdist}: missing {missing}, should not hold {unwanted[:10]}")
print(f"sdist: {len(names)} files, {sum(1 for n in names if n.startswith('server/src/'))} under server/src")
EOF
echo "sdist size: $(du -k "$SDIST" | cut -f1) KB"

step "wheel built from the sdist (pip wheel, PEP 517, release profile)"
# What `pip install keywire` does where no wheel fits the platform.
# No build isolation: the pinned maturin builds it (its PEP 517 hooks run `maturin` from PATH);
# no cache: pip would otherwise reuse a wheel it built before.
PATH="$TOOLS:$PATH" "$TOOLS/pip" wheel -q --no-cache-dir --no-deps --no-build-isolation -w "$WORK/dist" "$SDIST" >"$WORK/wheel.log" 2>&1 ||
  { tail -n 40 "$WORK/wheel.log"; fail "building the wheel from the sdist failed"; }
WHEELS=("$WORK"/dist/keywire-"$VERSION"-*.whl)
[ ${#WHEELS[@]} -eq 1 ] && [ -f "${WHEELS[0]}" ] || fail "expected one keywire-$VERSION-*.whl, found: $(ls "$WORK/dist")"
WHEEL=${WHEELS[0]}
echo "wheel: $(basename "$WHEEL")"

step "wheel contents, size, stripped binary"
python3 - "$WHEEL" "$VERSION" "$WORK/keywire-from-wheel" <<'EOF'
import sys, zipfile
wheel, version, out = sys.argv[1:]
z = zipfile.ZipFile(wheel)
names = z.namelist()
script = next((n for n in names if n in (f"keywire-{version}.data/scripts/keywire",
                                          f"keywire-{version}.data/scripts/keywire.exe")), None)
need = ["keywire/__init__.py", "keywire/__main__.py", f"keywire-{version}.dist-info/METADATA"]
missing = [n for n in need if n not in names] + ([] if script else ["keywire-VERSION.data/scripts/keywire"])
if missing:
    sys.exit(f"FAIL: the wheel lacks {missing}; it holds {names}")
with open(out, "wb") as f:
    f.write(z.read(script))
meta = z.read(f"keywire-{version}.dist-info/METADATA").decode()
for field in ("Name: keywire", f"Version: {version}", "Requires-Python: >=3.8"):
    if field not in meta.splitlines():
        sys.exit(f"FAIL: METADATA has no `{field}`")
EOF
WHEEL_BYTES=$(wc -c <"$WHEEL")
BIN_BYTES=$(wc -c <"$WORK/keywire-from-wheel")
python3 -c 'import sys; print("wheel: %.1f MB; keywire binary inside: %.1f MB" % tuple(int(a) / 2**20 for a in sys.argv[1:]))' \
  "$WHEEL_BYTES" "$BIN_BYTES"
[ "$WHEEL_BYTES" -lt $((5 * 1024 * 1024)) ] || fail "the wheel is $WHEEL_BYTES bytes, over 5 MB"
if SECTIONS=$(python3 "$HERE/elf_sections.py" "$WORK/keywire-from-wheel" 2>/dev/null); then
  # .debug_gdb_scripts is loaded at run time (a pointer to gdb pretty-printers), not debug info.
  LEFT=$(echo "$SECTIONS" | grep -E '^\.(symtab|strtab|debug_)' | grep -vx '.debug_gdb_scripts' || true)
  [ -z "$LEFT" ] || fail "the wheel's binary is not stripped; it has: $(echo "$LEFT" | tr '\n' ' ')"
  echo "the wheel's binary is stripped (no .symtab, no .debug_* sections)"
else
  echo "the wheel's binary is not ELF: stripped-ness not checked on this platform"
fi

step "install the wheel into a fresh virtual environment"
python3 -m venv "$WORK/user"
"$WORK/user/bin/pip" install -q --no-index "$WHEEL"
KW=$WORK/user/bin/keywire
[ -x "$KW" ] || fail "pip install put no keywire command in the virtual environment's bin"
GOT=$("$KW" --version)
[ "$GOT" = "keywire $VERSION" ] || fail "keywire --version printed '$GOT', expected 'keywire $VERSION'"
echo "$GOT"

step "the installed keywire against the cargo build"
# The debug binary `cargo test` builds (nothing to build after tests/run-all.sh's cargo test).
cargo test -q --workspace --locked --no-run 2>/dev/null || cargo test --workspace --locked --no-run
REF=$CARGO_TARGET_DIR/debug/keywire
[ -x "$REF" ] || fail "cargo test built no $REF"
# same_as_cargo ARGS...: the installed command and `python -m keywire` print what cargo's
# build prints, with the same exit code.
same_as_cargo() {
  set +e
  "$REF" "$@" >"$WORK/ref.out" 2>&1; local ref_rc=$?
  "$KW" "$@" >"$WORK/wheel.out" 2>&1; local wheel_rc=$?
  "$WORK/user/bin/python" -m keywire "$@" >"$WORK/module.out" 2>&1; local module_rc=$?
  set -e
  diff -u "$WORK/ref.out" "$WORK/wheel.out" || fail "keywire $* from the wheel printed something else than cargo's build"
  diff -u "$WORK/ref.out" "$WORK/module.out" || fail "python -m keywire $* printed something else than cargo's build"
  [ $ref_rc = $wheel_rc ] && [ $ref_rc = $module_rc ] ||
    fail "keywire $*: exit code $ref_rc (cargo), $wheel_rc (wheel), $module_rc (python -m keywire)"
  LAST_RC=$ref_rc
  echo "keywire $*: same output ($(wc -l <"$WORK/ref.out") lines), exit code $ref_rc"
}
same_as_cargo check tests/workspaces/example-agent --no-color
[ "$LAST_RC" = 1 ] || fail "keywire check tests/workspaces/example-agent exited $LAST_RC, expected 1 (it has findings)"
grep -q 'KW102 \[error\] unknown config key `apikey`' "$WORK/wheel.out" || fail "no KW102 finding in the example's output"
same_as_cargo check tests/workspaces/example-agent --format json
same_as_cargo rules
[ "$(grep -c '^KW[0-9][0-9][0-9] ' "$WORK/module.out")" -ge 26 ] || fail "python -m keywire rules lists fewer than 26 rules"
same_as_cargo check --bogus-option
[ "$LAST_RC" = 2 ] || fail "a bad option exited $LAST_RC, expected 2"

# `pip install --target DIR`: the binary is in DIR/bin, next to the package.
"$WORK/user/bin/pip" install -q --no-index --target "$WORK/target-install" "$WHEEL"
GOT=$(cd "$WORK" && PYTHONPATH="$WORK/target-install" python3 -m keywire --version) ||
  fail "python -m keywire did not find the binary of a pip install --target"
[ "$GOT" = "keywire $VERSION" ] || fail "pip install --target: python -m keywire --version printed '$GOT'"
echo "pip install --target: python -m keywire --version: $GOT"
# With no binary anywhere: one clear error, exit code 2.
rm -f "$WORK/target-install/bin/keywire"
set +e
MSG=$(cd "$WORK" && PYTHONPATH="$WORK/target-install" python3 -m keywire --version 2>&1); RC=$?
set -e
[ $RC = 2 ] && [[ $MSG == *"keywire binary was not found"* ]] ||
  fail "no binary: python -m keywire exited $RC with: $MSG"

step "pre-commit hook (pre-commit try-repo) on a broken and on a clean project"
export PRE_COMMIT_HOME=$WORK/pre-commit-home
# pre-commit installs the hook with `pip install .` from a fresh clone of this checkout, which
# builds it with maturin (PEP 517) in $CARGO_TARGET_DIR. The clone's files are newer than any
# build, so cargo compiles the keywire crate again (its dependencies are reused): in the dev
# profile by default, which takes a fraction of a release compile; the release build was tested
# above. KEYWIRE_PRE_COMMIT_PROFILE=release builds what users get.
export MATURIN_PEP517_ARGS="--profile ${KEYWIRE_PRE_COMMIT_PROFILE:-dev}"
# project NAME SOURCE: a git repository holding a copy of SOURCE, everything committed.
project() {
  local dir=$WORK/$1
  cp -r "$2" "$dir"
  git -C "$dir" init -q
  git -C "$dir" config user.name "keywire tests"
  git -C "$dir" config user.email "tests@keywire.invalid"
  git -C "$dir" config commit.gpgsign false
  git -C "$dir" add -A
  git -C "$dir" commit -q -m "project"
  echo "$dir"
}
# try_repo DIR: the hook from this checkout on every file of DIR; its output in $WORK/hook.out.
try_repo() {
  set +e
  (cd "$1" && "$TOOLS/pre-commit" try-repo --color never "$ROOT" keywire --all-files) >"$WORK/hook.out" 2>&1
  HOOK_RC=$?
  set -e
}
BROKEN=$(project broken tests/workspaces/example-agent)
try_repo "$BROKEN"
[ $HOOK_RC = 1 ] || { cat "$WORK/hook.out"; fail "the hook exited $HOOK_RC on a broken project, expected 1"; }
grep -q '^keywire\.*Failed$' "$WORK/hook.out" || { cat "$WORK/hook.out"; fail "pre-commit did not report the keywire hook as Failed"; }
# Every line keywire prints in that project is in the hook's output.
(cd "$BROKEN" && "$REF" check --no-color) >"$WORK/direct.out" 2>&1 || true
grep -q 'agents/config.py:9:9: KW102' "$WORK/direct.out" || fail "keywire check in the broken project found no KW102 in agents/config.py"
python3 - "$WORK/direct.out" "$WORK/hook.out" <<'EOF' || { cat "$WORK/hook.out"; fail "the hook's output lacks keywire's findings"; }
import sys
direct, hook = (open(p, encoding="utf-8").read() for p in sys.argv[1:])
missing = [l for l in direct.splitlines() if l.strip() and l not in hook.splitlines()]
if missing:
    sys.exit(f"lines of keywire check missing from the hook's output: {missing[:5]}")
EOF
echo "broken project: hook failed with $(grep -c ': KW[0-9]* \[' "$WORK/hook.out") findings, e.g. $(grep -m1 -o 'agents/config.py:9:9: KW102' "$WORK/hook.out")"

CLEAN=$(project clean tests/workspaces/clean-project)
try_repo "$CLEAN"
[ $HOOK_RC = 0 ] || { cat "$WORK/hook.out"; fail "the hook exited $HOOK_RC on a clean project, expected 0"; }
grep -q '^keywire\.*Passed$' "$WORK/hook.out" || { cat "$WORK/hook.out"; fail "pre-commit did not report the keywire hook as Passed"; }
echo "clean project: hook passed"

step done
echo
echo "==== python packaging tests ($((SECONDS - T0))s)"
printf '%s\n' "${TIMINGS[@]}"
