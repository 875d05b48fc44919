#!/bin/sh
# Installs code-server (VS Code served to a browser) from the npm registry, without the internet
# downloads its dependencies' post-install steps otherwise make. Usage: install-code-server.sh PREFIX
# Afterwards: PREFIX/node_modules/.bin/code-server. Does nothing when that version is already there.
#
# Needs (Debian): build-essential pkg-config libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev ripgrep
# (test-vscode-e2e.sh installs them). Adapted from a recipe verified on machines that reach the
# package registries but not github.com.
set -eu
PREFIX=${1:?usage: install-code-server.sh PREFIX}
VERSION=${CODE_SERVER_VERSION:-4.100.3}   # newest code-server whose engines field accepts Node 20 (VS Code 1.100.3)

if [ -x "$PREFIX/node_modules/.bin/code-server" ] &&
   [ "$(node -p "require('$PREFIX/node_modules/code-server/package.json').version" 2>/dev/null)" = "$VERSION" ]; then
  exit 0
fi

RG_VERSION_DIR=vscode-ripgrep-cache-1.15.11
RG_TARBALL=ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz
# @vscode/ripgrep's post-install downloads ripgrep from GitHub unless a cached tarball is already in
# $TMPDIR/$RG_VERSION_DIR: seed that cache with Debian's rg (the same ripgrep 13).
CACHE=$(mktemp -d)
STAGE=$(mktemp -d)
trap 'rm -rf "$CACHE" "$STAGE"' EXIT
mkdir -p "$CACHE/$RG_VERSION_DIR"
cp "$(command -v rg)" "$STAGE/rg"
tar czf "$CACHE/$RG_VERSION_DIR/$RG_TARBALL" -C "$STAGE" rg
# node-pty's post-install runs `npx node-gyp`: let npx fetch it from the registry (npm_config_yes)
# and build against the installed Node headers (npm_config_nodedir) instead of downloading them.
# unsafe_perm: the post-install steps must run when installing as root.
mkdir -p "$PREFIX"
TMPDIR="$CACHE" npm_config_yes=true npm_config_nodedir=/usr npm_config_unsafe_perm=true \
  npm install --no-audit --no-fund --no-save --prefix "$PREFIX" "code-server@$VERSION"
"$PREFIX/node_modules/.bin/code-server" --version >/dev/null
