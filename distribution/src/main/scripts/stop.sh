#!/usr/bin/env bash
# Stops the ramspool relay with SIGTERM and waits for it; queued mail stays in the spool directory.
# RAMSPOOL_STOP_TIMEOUT (seconds, default 120): how long to wait, which must cover the dump at
# stop when dumpOnStop=true (docs/dump-and-reload.md gives measured dump times).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/ramspool-env.sh"

PID="$(relay_pid)"
if [[ -z "$PID" ]]; then
    echo "ramspool relay is not running (no live pid in $RAMSPOOL_PID_FILE)"
    exit 0
fi
echo "Stopping ramspool relay, pid $PID"
kill -TERM "$PID"
TIMEOUT="${RAMSPOOL_STOP_TIMEOUT:-120}"
for _ in $(seq 1 $((TIMEOUT * 2))); do
    if ! kill -0 "$PID" 2>/dev/null; then
        rm -f "$RAMSPOOL_PID_FILE"
        echo "ramspool relay stopped; queued mail stays in $(property ramspool.properties directory /dev/shm/ramspool)"
        exit 0
    fi
    sleep 0.5
done
echo "ramspool relay (pid $PID) did not stop within $TIMEOUT s; it is still running (see $RAMSPOOL_LOG_DIR/james.log)"
exit 1
