#!/bin/sh
# npm ci in DIR, from its committed package-lock.json, unless node_modules was already installed
# from that same lockfile (a stamp with the lockfile's sha256). Usage: npm-ci.sh DIR
set -eu
DIR=${1:?usage: npm-ci.sh DIR}
STAMP=$DIR/node_modules/.keywire-lock.sha256
WANT=$(sha256sum "$DIR/package-lock.json" | cut -d' ' -f1)
if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$WANT" ]; then
  echo "$DIR: node_modules matches package-lock.json"
  exit 0
fi
(cd "$DIR" && npm ci --no-audit --no-fund --loglevel=error)
echo "$WANT" > "$STAMP"
