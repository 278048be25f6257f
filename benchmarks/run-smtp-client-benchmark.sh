#!/usr/bin/env bash
# Builds the benchmark jar and runs the SMTP client benchmark: JavaMail's SMTPTransport set up as
# the one-shot delivery mailet sets it up, the same with TCP_NODELAY, and a minimal pipelining
# client on Netty's SMTP codec, each delivering 2 KiB and 100 KiB mails to an in-JVM sink on
# loopback over 1 and 4 persistent connections. Every JMH pass covers all of them; RUNS passes
# (default 3) run one after the other, so load from other processes on a shared machine spreads
# over all clients. Prints the median score of each case, the ratios Netty/JavaMail of the
# medians and, in brackets, the lowest and highest ratio of single passes. Extra arguments go to
# JMH, e.g. -p replyDelayMicros=1000 -p messageBytes=2048 for a server 1 ms away, or
# -wi 0 -i 1 -r 1 with RUNS=1 for a quick look.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-3}

echo "Building benchmarks/target/benchmarks.jar"
mvn -B -q -pl benchmarks -am package -DskipTests

results=()
for run in $(seq 1 "$runs"); do
    csv="benchmarks/target/smtp-client-benchmark-$run.csv"
    echo "Pass $run of $runs, results in $csv"
    java -jar benchmarks/target/benchmarks.jar SmtpClientBenchmark -rf csv -rff "$csv" "$@"
    results+=("$csv")
done

echo
echo "Mails per second, median of $runs passes; ratios Netty/JavaMail (same passes):"
printf "%-16s %7s %9s %10s %9s  %-20s %-20s\n" benchmark bytes javamail jm-nodelay netty \
    netty/javamail netty/jm-nodelay
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
function spread(key, client,    file, ratio, low, high) {
    low = 0; high = 0;
    for (file in files) {
        if (pass[key, file, client] > 0) {
            ratio = pass[key, file, "netty"] / pass[key, file, client];
            low = (low == 0 || ratio < low) ? ratio : low;
            high = ratio > high ? ratio : high;
        }
    }
    return sprintf("[%.2f-%.2f]", low, high);
}
function median(list,    values, count, i, j, swap) {
    count = split(list, values, " ");
    for (i = 2; i <= count; i++) {
        for (j = i; j > 1 && values[j - 1] + 0 > values[j] + 0; j--) {
            swap = values[j]; values[j] = values[j - 1]; values[j - 1] = swap;
        }
    }
    return count % 2 ? values[(count + 1) / 2] : (values[count / 2] + values[count / 2 + 1]) / 2;
}
{ gsub(/["\r]/, ""); }
FNR == 1 {
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
    keys[key] = 1;
    scores[key, $clientColumn] = scores[key, $clientColumn] " " $scoreColumn;
    pass[key, FILENAME, $clientColumn] = $scoreColumn;
    files[FILENAME] = 1;
}
END {
    for (key in keys) {
        split(key, part, SUBSEP);
        javamail = median(scores[key, "javamail"]);
        nodelay = median(scores[key, "javamail-nodelay"]);
        netty = median(scores[key, "netty"]);
        printf "%-16s %7d %9.0f %10.0f %9.0f  %5.2f %-14s %5.2f %-14s\n", part[1], part[2],
            javamail, nodelay, netty, (javamail > 0 ? netty / javamail : 0), spread(key, "javamail"),
            (nodelay > 0 ? netty / nodelay : 0), spread(key, "javamail-nodelay");
    }
}' "${results[@]}" | sort -k1,1 -k2,2n
