#!/usr/bin/env bash
# Builds the relay archive and the harness, then measures end-to-end relay throughput: the
# assembled ramspool relay (edge profile) with OneShotRemoteDelivery and with stock
# RemoteDelivery in gateway mode, same sink, same load, rounds interleaved in one run.
# Extra arguments go to the harness, e.g. --messages 2000 --rounds 1 for a quick look;
# RAMSPOOL_MVN_OPTS adds Maven options to the build (e.g. -o for offline).
set -euo pipefail
cd "$(dirname "$0")/.."

echo "Building the relay archive and benchmarks/target/classes"
mvn -B -q ${RAMSPOOL_MVN_OPTS:-} -pl benchmarks -am package -DskipTests

version=$(sed -n 's:.*<version>\(.*-SNAPSHOT\)</version>.*:\1:p' pom.xml | head -n 1)
relay_home="distribution/target/ramspool-relay-$version/ramspool-relay-$version"
echo "Relay: $relay_home"
java -cp benchmarks/target/classes io.ramspool.benchmarks.relay.RelayThroughputHarness \
    --relay-home "$relay_home" "$@" | tee benchmarks/target/relay-benchmark.txt
