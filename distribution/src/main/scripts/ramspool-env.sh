#!/usr/bin/env bash
# Shared by the ramspool scripts: locate the install directory and read a few configured values.
set -euo pipefail

RAMSPOOL_HOME="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RAMSPOOL_LOG_DIR="${RAMSPOOL_LOG_DIR:-$RAMSPOOL_HOME/logs}"
RAMSPOOL_PID_FILE="${RAMSPOOL_PID_FILE:-$RAMSPOOL_HOME/var/ramspool.pid}"
RAMSPOOL_HEAP="${RAMSPOOL_HEAP:-512m}"
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
RAMSPOOL_JIT="${RAMSPOOL_JIT:-auto}"

# jit_options: the JVM's JIT compiler options for RAMSPOOL_JIT (auto, c1 or tiered). On two CPUs
# or fewer, auto means c1: the C2 compiler would take one of the two cores for minutes after each
# start, while C1 alone reaches nearly the same rate at once (docs/performance.md).
jit_options() {
    local mode="$RAMSPOOL_JIT"
    if [[ "$mode" == "auto" ]]; then
        mode=tiered
        if (( $(nproc 2>/dev/null || echo 4) <= 2 )); then
            mode=c1
        fi
    fi
    case "$mode" in
        c1) echo "-XX:TieredStopAtLevel=1" ;;
        tiered) echo "" ;;
        *) echo "RAMSPOOL_JIT must be auto, c1 or tiered, not '$RAMSPOOL_JIT'" >&2; return 1 ;;
    esac
}

# property FILE KEY DEFAULT: the value of KEY in a .properties file of conf/, or DEFAULT.
property() {
    local value
    value="$(sed -n "s/^[[:space:]]*$2[[:space:]]*=[[:space:]]*//p" "$RAMSPOOL_HOME/conf/$1" 2>/dev/null | tail -n 1)"
    echo "${value:-$3}"
}

# element FILE NAME DEFAULT: the text of the first <NAME> element of an XML file of conf/, or DEFAULT.
element() {
    local value
    value="$(sed -n "s:.*<$2>\(.*\)</$2>.*:\1:p" "$RAMSPOOL_HOME/conf/$1" 2>/dev/null | head -n 1)"
    echo "${value:-$3}"
}

relay_pid() {
    if [[ -f "$RAMSPOOL_PID_FILE" ]] && kill -0 "$(cat "$RAMSPOOL_PID_FILE")" 2>/dev/null; then
        cat "$RAMSPOOL_PID_FILE"
    fi
}

print_locations() {
    echo "  home:     $RAMSPOOL_HOME"
    echo "  spool:    $(property ramspool.properties directory /dev/shm/ramspool)" \
        "($(property ramspool.properties durability ramdisk))"
    echo "  logs:     $RAMSPOOL_LOG_DIR/james.log, $RAMSPOOL_LOG_DIR/console.log"
    echo "  smtp:     $(element smtpserver.xml bind 0.0.0.0:25)"
    echo "  webadmin: http://$(property webadmin.properties host 127.0.0.1):$(property webadmin.properties port 8000)"
    echo "  jmx:      $(property jmx.properties jmx.address 127.0.0.1):$(property jmx.properties jmx.port 9999)" \
        "(bin/james-cli.sh)"
}
