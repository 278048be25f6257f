#!/usr/bin/env bash
# Builds the relay archive and the load harness, then runs the load benchmark: ramspool, stock
# James 3.8.1 (memory queue; ActiveMQ/KahaDB on disk) and Postfix (queue on tmpfs; on disk, when
# installed and run as root), all relaying to one sink on loopback, rounds interleaved; then the
# scaling curves, the spool reload cost and a JFR profile of ramspool. Results, chart and a
# Markdown summary go to benchmarks/target/load-benchmark/ (--work-dir to change).
#
#   benchmarks/run-load-benchmark.sh                      # full run (about half an hour)
#   benchmarks/run-load-benchmark.sh --quick              # smoke run (a few minutes)
#   benchmarks/run-load-benchmark.sh --messages 10000 --rounds 2 --phases comparison
#
# Every option: see io.ramspool.benchmarks.load.LoadOptions or run with --help.
# RAMSPOOL_SKIP_BUILD=1 reuses the last build; RAMSPOOL_MVN_OPTS adds Maven options (e.g. -o).
# RAMSPOOL_HARNESS_OPTS adds JVM options to the harness, e.g. -Dramspool.jfr.settings=FILE.jfc.
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ "${RAMSPOOL_SKIP_BUILD:-0}" != "1" ]]; then
    echo "Building the relay archive and the harness (mvn -pl benchmarks -am package -DskipTests)"
    mvn -B -q ${RAMSPOOL_MVN_OPTS:-} -pl benchmarks -am package -DskipTests
fi

version=$(sed -n 's:.*<version>\(.*-SNAPSHOT\)</version>.*:\1:p' pom.xml | head -n 1)
relay_home="distribution/target/ramspool-relay-$version/ramspool-relay-$version"
# Built without -am, the classpath would name ramspool jars from ~/.m2, not this tree's.
if grep -q '/io/ramspool/' benchmarks/target/load-harness.classpath; then
    echo "benchmarks/target/load-harness.classpath names ramspool jars outside this tree; rebuild without" \
        "RAMSPOOL_SKIP_BUILD" >&2
    exit 1
fi
classpath="benchmarks/target/classes:$(cat benchmarks/target/load-harness.classpath)"
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
mkdir -p benchmarks/target
echo "Relay: $relay_home, commit $commit"
java ${RAMSPOOL_HARNESS_OPTS:-} -Xmx1g -cp "$classpath" io.ramspool.benchmarks.load.LoadBenchmark \
    --relay-home "$relay_home" --commit "$commit" "$@" 2>&1 | tee benchmarks/target/load-benchmark.txt
