#!/usr/bin/env bash
# Dump and reload speed of the RAM spool next to `cp -a` of the same directory, and the
# throughput cost of the continuous checkpoint, in one run each (see docs/dump-and-reload.md).
# Usage: benchmarks/run-dump-benchmark.sh [MAILS [BODY_BYTES]]   (defaults 10000 and 10240)
# The spool goes to /dev/shm, dumps to RAMSPOOL_DISK (default: benchmarks/target, on the disk
# that holds the checkout). RAMSPOOL_MVN_OPTS adds Maven options (e.g. -o for offline).
set -euo pipefail
cd "$(dirname "$0")/.."
MAILS="${1:-10000}"
BODY="${2:-10240}"
DISK="${RAMSPOOL_DISK:-$PWD/benchmarks/target/dump-benchmark}"
mkdir -p "$DISK"

echo "Building the spool and tool test classes"
mvn -B -q ${RAMSPOOL_MVN_OPTS:-} -pl tools -am test-compile
classpath() {  # classpath MODULE: its test-scope dependencies (through a file: Maven's output has colour codes)
    mvn -B -q ${RAMSPOOL_MVN_OPTS:-} -pl "$1" dependency:build-classpath -Dmdep.outputFile=target/dump-benchmark.cp \
        -Dmdep.includeScope=test > /dev/null
    cat "$1/target/dump-benchmark.cp"
}
SPOOL_CP="spool-repository/target/test-classes:spool-repository/target/classes:$(classpath spool-repository)"
TOOLS_CP="tools/target/test-classes:tools/target/classes:$SPOOL_CP:$(classpath tools)"

echo "== Dump and reload of $MAILS mails of $BODY bytes, next to cp -a (spool /dev/shm, disk $DISK)"
java -Xmx1g -cp "$TOOLS_CP" io.ramspool.tools.DumpReloadMeasurement /dev/shm "$DISK" "$MAILS" "$BODY"

echo "== Checkpoint cost: mails/s through a RAM spool without and with the checkpoint (disk $DISK)"
java -Xmx1g -cp "$SPOOL_CP" io.ramspool.spool.dump.CheckpointThroughputMeasurement /dev/shm "$DISK" 5 3 "$BODY"
