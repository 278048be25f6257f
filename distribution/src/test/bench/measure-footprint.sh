#!/usr/bin/env bash
# Start-up time and RSS of the ramspool relay and of James's stock memory app, measured the same
# way: same archive libs, same heap (-Xmx1g), same edge configuration except the queue, relaying
# N messages (default 10000) to a local SMTP sink. Needs a built distribution and python3.
# Usage: distribution/src/test/bench/measure-footprint.sh [N]
set -euo pipefail
N="${1:-10000}"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
DIST="$(ls -d "$HERE"/../../../target/ramspool-relay-*/ramspool-relay-* | head -n 1)"
WORK="$(mktemp -d)"
SPOOL="/dev/shm/ramspool-measure-$$"
SINK_PORT=23025 SMTP_PORT=23026 WEB_PORT=23027 JMX_PORT=23028
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$WORK" "$SPOOL"' EXIT

python3 "$HERE/smtp_sink.py" "$SINK_PORT" "$WORK/count" &

prepare() {  # prepare DIR: a working directory from the archive's edge profile
    mkdir -p "$1/logs" "$1/var" "$1/extensions-jars"
    cp -r "$DIST/conf" "$1/conf"
    sed -i "s#<bind>[^<]*</bind>#<bind>127.0.0.1:$SMTP_PORT</bind>#" "$1/conf/smtpserver.xml"
    sed -i "s#port=8000#port=$WEB_PORT#" "$1/conf/webadmin.properties"
    sed -i "s#jmx.port=9999#jmx.port=$JMX_PORT#" "$1/conf/jmx.properties"
    sed -i "s#/dev/shm/ramspool#$SPOOL#" "$1/conf/ramspool.properties" "$1/conf/mailrepositorystore.xml"
    # Mail for remote.example goes to the sink through OneShotRemoteDelivery's static route.
    replace "$1/conf/mailetcontainer.xml" '<outgoingQueue>oneshot-outgoing</outgoingQueue>' \
        "<outgoingQueue>oneshot-outgoing</outgoingQueue><routes>remote.example=127.0.0.1:$SINK_PORT</routes>"
}

replace() {  # replace FILE OLD NEW: fails loudly when OLD is not in FILE, so a profile change breaks this script
    grep -qF -- "$2" "$1" || { echo "measure-footprint: '$2' not found in $1" >&2; exit 1; }
    OLD="$2" NEW="$3" perl -0pi -e 's/\Q$ENV{OLD}\E/$ENV{NEW}/g' "$1"
}

run() {  # run NAME MAINCLASS DIR
    echo 0 > "$WORK/count"
    local start pid
    start=$(date +%s%N)
    (cd "$3" && exec java -Xms1g -Xmx1g -Dworking.directory="$3" -Dlogback.configurationFile="$3/conf/logback.xml" \
        -Dramspool.log.dir="$3/logs" -cp "$DIST/lib/*" "$2" > "$3/logs/console.log" 2>&1) &
    pid=$!
    until (exec 3<>/dev/tcp/127.0.0.1/$SMTP_PORT) 2>/dev/null; do
        kill -0 "$pid" 2>/dev/null || { echo "$1 did not start; see $3/logs" >&2; exit 1; }
        sleep 0.05
    done
    local startup_ms=$(( ($(date +%s%N) - start) / 1000000 ))
    sleep 2
    local rss_start; rss_start=$(ps -o rss= -p "$(pgrep -P $pid java || echo $pid)" | tr -d ' ')
    local sent_start; sent_start=$(date +%s%N)
    python3 - "$SMTP_PORT" "$N" <<'PY'
import smtplib, sys
port, n = int(sys.argv[1]), int(sys.argv[2])
smtp = smtplib.SMTP("127.0.0.1", port)
for i in range(n):
    smtp.sendmail("bench@client.test", ["rcpt@remote.example"],
                  f"Subject: bench {i}\r\nMessage-ID: <bench-{i}@client.test>\r\n\r\n" + "x" * 2000 + "\r\n")
smtp.quit()
PY
    local waited=0
    until [[ "$(cat "$WORK/count")" -ge "$N" ]]; do
        sleep 0.2; waited=$((waited + 1))
        if (( waited > 3000 )); then
            echo "$1: only $(cat "$WORK/count") of $N mails reached the sink after 600 s; see $3/logs" >&2
            exit 1
        fi
    done
    local seconds=$(( ($(date +%s%N) - sent_start) / 1000000 ))
    local rss_end; rss_end=$(ps -o rss= -p "$(pgrep -P $pid java || echo $pid)" | tr -d ' ')
    printf '%-22s startup %5d ms   RSS after start %4d MB   after %d msgs %4d MB   (%d ms end to end)\n' \
        "$1" "$startup_ms" $((rss_start / 1024)) "$N" $((rss_end / 1024)) "$seconds"
    kill "$pid"; wait "$pid" 2>/dev/null || true
}

mkdir -p "$SPOOL"
prepare "$WORK/ramspool"
run "ramspool relay" io.ramspool.distribution.RamspoolRelayMain "$WORK/ramspool"

prepare "$WORK/stock"
# The stock memory app keeps James's memory queue; its repositories go to memory:// as well.
cat > "$WORK/stock/conf/mailrepositorystore.xml" <<'XML'
<mailrepositorystore><defaultProtocol>memory</defaultProtocol><mailrepositories>
<mailrepository class="org.apache.james.mailrepository.memory.MemoryMailRepository">
<protocols><protocol>memory</protocol></protocols></mailrepository></mailrepositories></mailrepositorystore>
XML
sed -i 's#ramdisk://#memory://#g' "$WORK/stock/conf/mailetcontainer.xml"
# Stock James delivers with its own RemoteDelivery through the sink as gateway.
OLD='(?s)<mailet match="relay-allowed" class="io\.ramspool\.mailets\.OneShotRemoteDelivery">.*?</mailet>' \
NEW="<mailet match=\"relay-allowed\" class=\"RemoteDelivery\"><outgoingQueue>outgoing</outgoingQueue>\
<gateway>127.0.0.1</gateway><gatewayPort>$SINK_PORT</gatewayPort><deliveryThreads>4</deliveryThreads>\
<bounceProcessor>bounces</bounceProcessor></mailet>" perl -0pi -e 's/$ENV{OLD}/$ENV{NEW}/' "$WORK/stock/conf/mailetcontainer.xml"
grep -q 'class="RemoteDelivery"' "$WORK/stock/conf/mailetcontainer.xml" || { echo "stock mailet not set" >&2; exit 1; }
rm "$WORK/stock/conf/ramspool.properties" "$WORK/stock/conf/relay.properties"
# Stock James has no spool capacity hook.
replace "$WORK/stock/conf/smtpserver.xml" '<handler class="io.ramspool.mailets.smtp.SpoolCapacityHook"/>' ''

run "stock James memory app" org.apache.james.MemoryJamesServerMain "$WORK/stock"
