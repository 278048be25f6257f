#!/usr/bin/env bash
# Builds ramspool (when needed) and runs the edge relay in the foreground on its embedded
# defaults: spool in /dev/shm/ramspool, SMTP on 127.0.0.1:2525, webadmin on 127.0.0.1:8000.
# Ctrl-C stops it; queued mail stays in the spool for the next start.
# Pass --rebuild to build again after a change.
set -euo pipefail
cd "$(dirname "$0")"

HOME_DIR=$(ls -d distribution/target/ramspool-relay-*/ramspool-relay-* 2>/dev/null | head -n 1 || true)
if [[ -z "$HOME_DIR" || "${1:-}" == "--rebuild" ]]; then
    echo "Building ramspool (mvn -B -DskipTests install)"
    mvn -B -q -DskipTests install
    HOME_DIR=$(ls -d distribution/target/ramspool-relay-*/ramspool-relay-* | head -n 1)
fi

SPOOL=/dev/shm/ramspool
mkdir -p "$SPOOL"
echo "Relay installed in $HOME_DIR, spool in $SPOOL"
exec "$HOME_DIR/bin/start.sh" --foreground
