#!/usr/bin/env bash
# Tells whether the ramspool relay runs and where its spool, logs and ports are.
# Exit status 0 when it runs, 3 when it does not (the LSB convention for init scripts).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/ramspool-env.sh"

PID="$(relay_pid)"
if [[ -z "$PID" ]]; then
    echo "ramspool relay is not running"
    print_locations
    exit 3
fi
echo "ramspool relay is running, pid $PID"
print_locations
