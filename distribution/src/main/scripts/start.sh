#!/usr/bin/env bash
# Starts the ramspool relay in the background (or in the foreground with --foreground).
# Environment: RAMSPOOL_HEAP (default 512m), RAMSPOOL_LOG_DIR (default <home>/logs), JAVA_HOME,
# RAMSPOOL_JAVA_OPTS (extra JVM options), RAMSPOOL_JIT (auto, c1 or tiered; default auto: C1
# only on two CPUs or fewer, see docs/performance.md).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/ramspool-env.sh"

if [[ -n "$(relay_pid)" ]]; then
    echo "ramspool relay is already running, pid $(relay_pid)"
    exit 1
fi

JIT_OPTIONS="$(jit_options)"
cd "$RAMSPOOL_HOME"
mkdir -p "$RAMSPOOL_LOG_DIR" "$(dirname "$RAMSPOOL_PID_FILE")"
COMMAND=("$JAVA" "-Xms$RAMSPOOL_HEAP" "-Xmx$RAMSPOOL_HEAP" -XX:+ExitOnOutOfMemoryError ${JIT_OPTIONS}
    "-Dworking.directory=$RAMSPOOL_HOME"
    "-Dlogback.configurationFile=$RAMSPOOL_HOME/conf/logback.xml"
    "-Dramspool.log.dir=$RAMSPOOL_LOG_DIR"
    ${RAMSPOOL_JAVA_OPTS:-}
    -cp "$RAMSPOOL_HOME/lib/*" io.ramspool.distribution.RamspoolRelayMain)

echo "Starting ramspool relay (heap $RAMSPOOL_HEAP, JIT ${JIT_OPTIONS:-tiered C1+C2})"
print_locations
if [[ "${1:-}" == "--foreground" ]]; then
    exec "${COMMAND[@]}"
fi

# Only log lines written after this point tell about this start.
LOG_OFFSET=$(( $(stat -c %s "$RAMSPOOL_LOG_DIR/james.log" 2>/dev/null || echo 0) + 1 ))
nohup "${COMMAND[@]}" > "$RAMSPOOL_LOG_DIR/console.log" 2>&1 &
PID=$!
echo "$PID" > "$RAMSPOOL_PID_FILE"
for _ in $(seq 1 120); do
    if ! kill -0 "$PID" 2>/dev/null; then
        rm -f "$RAMSPOOL_PID_FILE"
        echo "ramspool relay failed to start:"
        tail -n 5 "$RAMSPOOL_LOG_DIR/console.log"
        exit 1
    fi
    if tail -c "+$LOG_OFFSET" "$RAMSPOOL_LOG_DIR/james.log" 2>/dev/null | grep -q "ramspool relay started"; then
        echo "ramspool relay started, pid $PID"
        exit 0
    fi
    sleep 0.5
done
echo "ramspool relay (pid $PID) has not reported start-up after 60 s; see $RAMSPOOL_LOG_DIR"
exit 1
