#!/usr/bin/env bash
# CPU time of a running JVM by thread group (user and system, from /proc), over a window: where a
# relay's cores go, without a profiler's sampling bias. Thread names are grouped by replacing
# digits with N (spooler-3 -> spooler-N).
#
#   benchmarks/thread-cpu.sh PID [SECONDS]          # default window 10 s
#   benchmarks/thread-cpu.sh "$(pgrep -f RamspoolRelayMain)" 12
#
# Prints, per group, the cores it kept busy on average and its share of the process's CPU.
# Threads that end during the window are left out (their time is gone from /proc).
set -euo pipefail
pid="${1:?usage: thread-cpu.sh PID [SECONDS]}"
window="${2:-10}"
ticks_per_second="$(getconf CLK_TCK)"

snapshot() {
    for task in /proc/"$pid"/task/*; do
        local name stat
        name="$(tr ' ' '_' < "$task/comm" 2>/dev/null | sed 's/[0-9][0-9]*/N/g')" || continue
        stat="$(cat "$task/stat" 2>/dev/null)" || continue
        # Fields after the ")" closing the name: utime and stime are the 12th and 13th.
        echo "${task##*/} $name ${stat##*) }"
    done | awk '{ print $1, $2, $14, $15 }'
}

before="$(snapshot)"
sleep "$window"
after="$(snapshot)"

printf "%-24s %8s %8s %8s %7s\n" "threads" "user" "system" "cores" "share"
# Per thread id: a thread started during the window counts from zero; one that ended is missing.
awk -v hz="$ticks_per_second" -v window="$window" '
    NR == FNR { user0[$1] = $3; sys0[$1] = $4; next }
    { user = $3 - user0[$1]; sys = $4 - sys0[$1]; u[$2] += user; s[$2] += sys; total += user + sys }
    END {
        for (n in u) {
            if (u[n] + s[n] == 0) continue
            printf "%-24s %8.3f %8.3f %8.3f %6.1f%%\n", n, u[n] / hz / window, s[n] / hz / window,
                (u[n] + s[n]) / hz / window, 100 * (u[n] + s[n]) / total
        }
        printf "%-24s %8s %8s %8.3f\n", "(process)", "", "", total / hz / window
    }' <(echo "$before") <(echo "$after") | sort -k4 -rn
