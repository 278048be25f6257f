#!/usr/bin/env bash
# Builds the benchmark jar and runs the queue benchmark: ramspool on /dev/shm, James's memory
# queue and ramspool durable on disk, side by side in one JMH run. Prints each score and its
# ratio to the memory queue of the same run. Extra arguments go to JMH (e.g. -i 1 -r 2 for a
# quick look).
set -euo pipefail
cd "$(dirname "$0")/.."

echo "Building benchmarks/target/benchmarks.jar"
mvn -B -q -pl benchmarks -am package -DskipTests

results=benchmarks/target/queue-benchmark.csv
echo "Running QueueBenchmark, results in $results"
java -jar benchmarks/target/benchmarks.jar QueueBenchmark -rf csv -rff "$results" "$@"

echo
echo "Ratios against the memory queue of the same run:"
awk -F, 'NR > 1 {
    gsub(/["\r]/, "");
    name = $1; sub(/.*\./, "", name);
    score[name "," $9] = $5;
    names[name] = 1;
}
END {
    for (name in names) {
        base = score[name ",memory"];
        for (q in score) {
            split(q, parts, ",");
            if (parts[1] == name && base > 0) {
                printf "%-22s %-13s %12.0f ops/s  %6.2fx memory\n", name, parts[2], score[q], score[q] / base;
            }
        }
    }
}' "$results" | sort
