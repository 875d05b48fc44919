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
# Prints the .vsix path on its last line.
set -eu
cd "$(dirname "$0")/.."
ROOT=$(cd ../.. && pwd)

VERSION=$(node -p "require('./package.json').version")
rm -rf bundled
rm -f keywire-*.vsix

BIN=${KEYWIRE_BUNDLE:-${CARGO_TARGET_DIR:-$ROOT/target}/release/keywire}
TARGET=${VSCE_TARGET:-}
if [ "$BIN" != none ] && [ -x "$BIN" ]; then
  mkdir -p bundled
  cp "$BIN" bundled/keywire
  chmod 755 bundled/keywire
  # the release profile keeps line tables; the bundled copy does not need them
  strip bundled/keywire 2>/dev/null || true
  if [ -z "$TARGET" ]; then
    TARGET=$(node -p "({linux:'linux',darwin:'darwin',win32:'win32'}[process.platform]||process.platform)+'-'+process.arch")
  fi
  echo "bundling $BIN as bundled/keywire (target $TARGET)" >&2
else
  echo "no server binary to bundle ($BIN): packaging a universal .vsix" >&2
fi

if [ -n "$TARGET" ]; then
  OUT=keywire-$TARGET-$VERSION.vsix
  node_modules/.bin/vsce package --no-dependencies --target "$TARGET" --out "$OUT" >&2
else
  OUT=keywire-$VERSION.vsix
  node_modules/.bin/vsce package --no-dependencies --out "$OUT" >&2
fi
echo "$PWD/$OUT"
