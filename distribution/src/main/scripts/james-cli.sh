#!/usr/bin/env bash
# Runs James's command line client against the local relay over JMX, e.g. bin/james-cli.sh ListDomains
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/ramspool-env.sh"

# ServerCmd reads conf/jmxremote.password relative to the current directory.
cd "$RAMSPOOL_HOME"
exec "$JAVA" -cp "$RAMSPOOL_HOME/lib/*" org.apache.james.cli.ServerCmd \
    -h "$(property jmx.properties jmx.address 127.0.0.1)" -p "$(property jmx.properties jmx.port 9999)" "$@"
