#!/usr/bin/env bash
# Parking benchmarks:
#  1. analytics: the dashboard queries over the demo's 8 million sessions
#     against SQLite in the same run (bench/parking_bench.cc; prints
#     RATIO parking_analytics_vs_sqlite);
#  2. ingest: sensor messages per second end to end through a real Mosquitto
#     broker into Sightline (every message decoded, judged and counted on
#     /metrics), beside the transport's own ceiling with the same publisher
#     and mosquitto_sub as the consumer, and mosquitto_pub -> mosquitto_sub
#     alone. Prints RATIO parking_ingest_vs_mosquitto_sub.
# The broker and the server run on private loopback ports and are stopped by
# PID. SIGHTLINE_BENCH_PARKING_MESSAGES sets the ingest message count.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
WORK=$(mktemp -d /tmp/sightline-bench-parking.XXXXXX)
chmod 755 "$WORK"
MQTT_PORT=${SIGHTLINE_BENCH_MQTT_PORT:-18832}
HTTP_PORT=${SIGHTLINE_BENCH_PARKING_HTTP_PORT:-18093}
N=${SIGHTLINE_BENCH_PARKING_MESSAGES:-200000}
BROKER_PID=""
SERVER_PID=""
SUB_PID=""
cleanup() {
  set +e
  [ -n "$SUB_PID" ] && kill "$SUB_PID" 2>/dev/null
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null
  [ -n "$BROKER_PID" ] && kill "$BROKER_PID" 2>/dev/null && wait "$BROKER_PID" 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT INT TERM
ms_now() { date +%s%3N; }

echo "== Parking analytics: column store vs SQLite over the same sessions"
if [ "${SIGHTLINE_BENCH_PARKING_ANALYTICS:-1}" != 0 ]; then
  "$BUILD/micro_bench" --benchmark_filter=ParkingAnalyticsVsSqlite | grep -E '^(FIGURE|RATIO|CHECK)'
fi

echo "== Parking ingest through Mosquitto ($N messages, QoS 0, loopback)"
cat >"$WORK/mosquitto.conf" <<CONF
listener $MQTT_PORT 127.0.0.1
allow_anonymous true
persistence false
log_dest file $WORK/mosquitto.log
max_queued_messages 0
max_inflight_messages 1000
CONF
chmod 777 "$WORK"
/usr/sbin/mosquitto -c "$WORK/mosquitto.conf" &
BROKER_PID=$!
until (exec 3<>/dev/tcp/127.0.0.1/$MQTT_PORT) 2>/dev/null; do sleep 0.05; done

# 1. mosquitto_pub -> mosquitto_sub: the tools alone, one topic.
for i in $(seq 1 "$N"); do echo '{"occupied":true,"time":"2026-11-28T10:00:00+08:00"}'; done >"$WORK/lines"
mosquitto_sub -p "$MQTT_PORT" -h 127.0.0.1 -t 'sightline/parking/#' -C "$N" >/dev/null &
SUB_PID=$!
sleep 0.3
t0=$(ms_now)
mosquitto_pub -p "$MQTT_PORT" -h 127.0.0.1 -t sightline/parking/txp00001 -l <"$WORK/lines"
wait "$SUB_PID"
SUB_PID=""
t1=$(ms_now)
TOOLS=$(awk -v n="$N" -v ms=$((t1 - t0)) 'BEGIN {printf "%.0f", n * 1000 / ms}')
echo "FIGURE parking_mosquitto_pub_sub_msgs_per_s $TOOLS"

# 2. The simulator (demo sensors, one topic each) -> mosquitto_sub.
mosquitto_sub -p "$MQTT_PORT" -h 127.0.0.1 -t 'sightline/parking/#' -t 'application/+/device/+/event/up' -C "$N" \
  >/dev/null &
SUB_PID=$!
sleep 0.3
t0=$(ms_now)
"$BUILD/sightline" simulate parking --mqtt "mqtt://127.0.0.1:$MQTT_PORT" --rate 0 --count "$N" >/dev/null
wait "$SUB_PID"
SUB_PID=""
t1=$(ms_now)
CEILING=$(awk -v n="$N" -v ms=$((t1 - t0)) 'BEGIN {printf "%.0f", n * 1000 / ms}')
echo "FIGURE parking_broker_ceiling_msgs_per_s $CEILING"

# 3. The same publisher -> Sightline (demo sensors; no flood limit for the bench).
export SIGHTLINE_DEMO_PASSWORD=bench-password-1
"$BUILD/sightline" demo --data "$WORK/data" --seed 1 --subjects 100 --parking-sessions 0 >/dev/null
printf '[parking]\nflood_limit = 1000000\n' >"$WORK/data/sightline.toml"
"$BUILD/sightline" serve --data "$WORK/data" --http "127.0.0.1:$HTTP_PORT" --jt808 127.0.0.1:0 \
  --mqtt "mqtt://127.0.0.1:$MQTT_PORT" >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
until curl -fsS "http://127.0.0.1:$HTTP_PORT/readyz" >/dev/null 2>&1; do sleep 0.05; done
counted() {
  curl -fsS "http://127.0.0.1:$HTTP_PORT/metrics" |
    awk '/^sightline_parking_messages_total/ {s += $2} END {print s + 0}'
}
until [[ "$(curl -fsS "http://127.0.0.1:$HTTP_PORT/metrics")" == *$'\nsightline_parking_mqtt_connected 1'* ]]; do
  sleep 0.05
done
before=$(counted)
t0=$(ms_now)
"$BUILD/sightline" simulate parking --mqtt "mqtt://127.0.0.1:$MQTT_PORT" --rate 0 --count "$N" >/dev/null
target=$((before + N))
last=-1
while :; do
  c=$(counted)
  [ "$c" -ge "$target" ] && break
  if [ "$c" = "$last" ]; then break; fi  # nothing more arriving
  last=$c
  sleep 0.2
done
t1=$(ms_now)
got=$(( $(counted) - before ))
OURS=$(awk -v n="$got" -v ms=$((t1 - t0)) 'BEGIN {printf "%.0f", n * 1000 / ms}')
echo "FIGURE parking_ingest_messages $got of $N"
echo "FIGURE parking_ingest_msgs_per_s $OURS"
awk -v a="$OURS" -v b="$CEILING" 'BEGIN {printf "RATIO parking_ingest_vs_mosquitto_sub %.3f\n", a / b}'
