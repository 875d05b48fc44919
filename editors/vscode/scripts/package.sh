#!/bin/sh
# Packages the extension as a .vsix with @vscode/vsce.
#
# When a release build of the server exists (../../target/release/keywire, or $CARGO_TARGET_DIR/release,
# or the file named by KEYWIRE_BUNDLE), it is copied to bundled/keywire and the .vsix is made
# platform-specific for this machine (vsce --target, e.g. linux-x64), since it then holds a native
# binary. Without one, a universal .vsix is made that finds keywire through KEYWIRE_PATH,
# keywire.path or PATH. KEYWIRE_BUNDLE=none skips bundling; VSCE_TARGET=... overrides the target
# (to package a binary cross-built for another platform).
#
# OUT_DIR: where the .vsix goes (default: this folder; earlier keywire-*.vsix there are removed).
# Prints the .vsix path on its last line.
set -eu
cd "$(dirname "$0")/.."
ROOT=$(cd ../.. && pwd)
OUT_DIR=$(mkdir -p "${OUT_DIR:-.}" && cd "${OUT_DIR:-.}" && pwd)

VERSION=$(node -p "require('./package.json').version")
rm -rf bundled
rm -f "$OUT_DIR"/keywire-*.vsix

BIN=${KEYWIRE_BUNDLE:-${CARGO_TARGET_DIR:-$ROOT/target}/release/keywire}
TARGET=${VSCE_TARGET:-}
if [ "$BIN" != none ] && [ -f "$BIN" ]; then
  if [ -z "$TARGET" ]; then
    TARGET=$(node -p "process.platform+'-'+process.arch")
  fi
  mkdir -p bundled
  case $TARGET in
    win32-*) DEST=bundled/keywire.exe ;;
    *) DEST=bundled/keywire ;;
  esac
  cp "$BIN" "$DEST"
  chmod 755 "$DEST"
  # the release profile keeps line tables; the bundled copy does not need them (only strip a
  # binary built for this machine)
  [ -z "${VSCE_TARGET:-}" ] && { strip "$DEST" 2>/dev/null || true; }
  echo "bundling $BIN as bundled/keywire (target $TARGET)" >&2
else
  echo "no server binary to bundle ($BIN): packaging a universal .vsix" >&2
fi

if [ -n "$TARGET" ]; then
  OUT=$OUT_DIR/keywire-$TARGET-$VERSION.vsix
  node_modules/.bin/vsce package --no-dependencies --target "$TARGET" --out "$OUT" >&2
else
  OUT=$OUT_DIR/keywire-$VERSION.vsix
  node_modules/.bin/vsce package --no-dependencies --out "$OUT" >&2
fi
echo "$OUT"
