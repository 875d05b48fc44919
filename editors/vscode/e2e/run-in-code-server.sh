#!/bin/sh
# One isolated code-server run: fresh user-data, extensions and XDG folders, the .vsix installed,
# served on 127.0.0.1 (free port, no auth, telemetry/update checks/workspace trust off), then
#   node TEST.js PORT WORKSPACE [args...]
# and everything stopped. Usage:
#   run-in-code-server.sh CODE_SERVER_BIN EXTENSION.vsix WORKSPACE_DIR TEST.js [test args...]
# RUN_DIR (optional) is where the run's files go (else a new temp dir); E2E_OUT=$RUN_DIR/out is
# passed to the test for screenshots. Exit status: the test's.
set -u
CS=$1; VSIX=$2; WS=$3; TEST=$4; shift 4
HERE=$(cd "$(dirname "$0")" && pwd)
RUN=${RUN_DIR:-$(mktemp -d)}
mkdir -p "$RUN"
# code-server writes to ~/.config and ~/.local/share unless told otherwise
export XDG_CONFIG_HOME=$RUN/xdg/config XDG_DATA_HOME=$RUN/xdg/data XDG_CACHE_HOME=$RUN/xdg/cache
mkdir -p "$RUN/user-data/User" && cp "$HERE/settings.json" "$RUN/user-data/User/"
printf 'bind-addr: 127.0.0.1:0\nauth: none\ncert: false\n' > "$RUN/config.yaml"
ARGS="--config $RUN/config.yaml --user-data-dir $RUN/user-data --extensions-dir $RUN/extensions"
$CS $ARGS --install-extension "$VSIX" > "$RUN/install.log" 2>&1 || { cat "$RUN/install.log"; exit 1; }
PORT=$(node -e 's=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
setsid $CS $ARGS --bind-addr 127.0.0.1:$PORT --auth none --disable-telemetry --disable-update-check \
  --disable-workspace-trust --disable-getting-started-override --ignore-last-opened > "$RUN/cs.log" 2>&1 &
PID=$!
i=0; until curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null; do
  i=$((i+1)); [ $i -gt 300 ] && { echo "code-server did not start"; cat "$RUN/cs.log"; kill -- -$PID; exit 1; }
  sleep 0.2; done
E2E_OUT=$RUN/out node "$TEST" "$PORT" "$WS" "$@"
RC=$?
# code-server runs in its own process group: stop it, then reap the file watchers (and the
# language server) that outlive the main process by a few seconds
kill -- -$PID 2>/dev/null; wait $PID 2>/dev/null
i=0; while pgrep -g $PID >/dev/null && [ $i -lt 50 ]; do sleep 0.2; i=$((i+1)); done
pgrep -g $PID >/dev/null && kill -KILL -- -$PID
exit $RC
