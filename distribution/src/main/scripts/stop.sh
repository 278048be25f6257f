#!/usr/bin/env bash
# Stops the ramspool relay with SIGTERM and waits for it; queued mail stays in the spool directory.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/ramspool-env.sh"

PID="$(relay_pid)"
if [[ -z "$PID" ]]; then
    echo "ramspool relay is not running (no live pid in $RAMSPOOL_PID_FILE)"
    exit 0
fi
echo "Stopping ramspool relay, pid $PID"
kill -TERM "$PID"
for _ in $(seq 1 60); do
    if ! kill -0 "$PID" 2>/dev/null; then
        rm -f "$RAMSPOOL_PID_FILE"
        echo "ramspool relay stopped; queued mail stays in $(property ramspool.properties directory /dev/shm/ramspool)"
        exit 0
    fi
    sleep 0.5
done
echo "ramspool relay (pid $PID) did not stop within 30 s; it is still running"
exit 1
