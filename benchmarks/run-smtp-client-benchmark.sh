#!/usr/bin/env bash
# Builds the benchmark jar and runs the SMTP client benchmark: JavaMail's SMTPTransport set up as
# the one-shot delivery mailet sets it up, the same with TCP_NODELAY, and a minimal pipelining
# client on Netty's SMTP codec, each delivering 2 KiB and 100 KiB mails to an in-JVM sink on
# loopback over 1 and 4 persistent connections, in one JMH run. Prints each score and the ratios
# Netty/JavaMail. Extra arguments go to JMH (e.g. -wi 0 -i 1 -r 1 for a quick look).
set -euo pipefail
cd "$(dirname "$0")/.."

echo "Building benchmarks/target/benchmarks.jar"
mvn -B -q -pl benchmarks -am package -DskipTests

results=benchmarks/target/smtp-client-benchmark.csv
echo "Running SmtpClientBenchmark, results in $results"
java -jar benchmarks/target/benchmarks.jar SmtpClientBenchmark -rf csv -rff "$results" "$@"

echo
echo "Mails per second and ratios (same run):"
printf "%-16s %8s %10s %10s %10s %14s %14s\n" benchmark bytes javamail jm-nodelay netty \
    netty/javamail netty/nodelay
awk -F, '
function column(name,    i) {
    for (i = 1; i <= NF; i++) {
        if ($i == name) {
            return i;
        }
    }
    print "missing column " name > "/dev/stderr";
    exit 1;
}
{ gsub(/["\r]/, ""); }
NR == 1 {
    benchmarkColumn = column("Benchmark");
    scoreColumn = column("Score");
    clientColumn = column("Param: client");
    sizeColumn = column("Param: messageBytes");
    next;
}
{
    name = $benchmarkColumn;
    sub(/.*\./, "", name);
    key = name SUBSEP $sizeColumn;
    score[key, $clientColumn] = $scoreColumn;
    keys[key] = 1;
}
END {
    for (key in keys) {
        split(key, part, SUBSEP);
        javamail = score[key, "javamail"];
        nodelay = score[key, "javamail-nodelay"];
        netty = score[key, "netty"];
        printf "%-16s %8d %10.0f %10.0f %10.0f %14.2f %14.2f\n", part[1], part[2], javamail, nodelay,
            netty, (javamail > 0 ? netty / javamail : 0), (nodelay > 0 ? netty / nodelay : 0);
    }
}' "$results" | sort -k1,1 -k2,2n
