#!/usr/bin/env bash
# JT/T 808 ingest over loopback TCP: the same simulator (`sightline simulate
# trucks`, closed loop: each truck sends its next fix as soon as the previous
# one is answered) drives first a bare epoll server in C that only answers
# each frame (the physical ceiling of this machine), then `sightline serve`
# with every rule on and every fix stored. Prints FIGURE lines and
#   RATIO jt808_ingest_vs_bare_tcp <sightline fixes/s / bare round trips/s>
# and the alarm latency p99 (fix received → alarm published on the bus).
# Both servers get the same number of I/O threads (SIGHTLINE_BENCH_THREADS,
# default 2: Sightline's default for the terminal listener).
#   scripts/bench-jt808.sh [build=build] [trucks=10000] [seconds=10]
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
TRUCKS=${2:-10000}
SECONDS_RUN=${3:-10}
THREADS=${SIGHTLINE_BENCH_THREADS:-2}
WORK=$(mktemp -d /tmp/sightline-bench-jt808.XXXXXX)
BARE_PORT=${SIGHTLINE_BENCH_BARE_PORT:-18808}
SL_HTTP=${SIGHTLINE_BENCH_PORT:-18090}
SL_PORT=${SIGHTLINE_BENCH_JT808_PORT:-18809}
BARE_PID=""
SL_PID=""
cleanup() {
  set +e
  [ -n "$BARE_PID" ] && kill "$BARE_PID" 2>/dev/null && wait "$BARE_PID" 2>/dev/null
  [ -n "$SL_PID" ] && kill "$SL_PID" 2>/dev/null && wait "$SL_PID" 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT INT TERM
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

wait_port() { for _ in $(seq 1 200); do (exec 3<>/dev/tcp/127.0.0.1/"$1") 2>/dev/null && return 0; sleep 0.05; done; return 1; }
figure() { sed -n "s/^FIGURE $1 //p" "$2"; }

cc -O2 -o "$WORK/bare" bench/bare_jt808_server.c -lpthread
"$WORK/bare" "$BARE_PORT" "$THREADS" &
BARE_PID=$!
wait_port "$BARE_PORT"
echo "== bare epoll server ($THREADS threads), $TRUCKS trucks, ${SECONDS_RUN}s"
"$BUILD/sightline" simulate trucks --count "$TRUCKS" --jt808 "127.0.0.1:$BARE_PORT" --seconds "$SECONDS_RUN" \
  --interval-ms 0 --first-phone 13600000000 | tee "$WORK/bare.txt"
kill "$BARE_PID"; wait "$BARE_PID" 2>/dev/null || true; BARE_PID=""

SIGHTLINE_JT808_THREADS=$THREADS "$BUILD/sightline" serve --data "$WORK/data" --http "127.0.0.1:$SL_HTTP" --jt808 "127.0.0.1:$SL_PORT" \
  >"$WORK/server.log" 2>&1 &
SL_PID=$!
wait_port "$SL_PORT"
rss_idle=$(awk '/VmRSS/ {print $2}' /proc/$SL_PID/status)
echo "== sightline serve (SQLite, all rules, $THREADS terminal threads), $TRUCKS trucks, ${SECONDS_RUN}s"
( sleep $(( SECONDS_RUN / 2 + 5 )); awk '/VmRSS/ {print $2}' /proc/$SL_PID/status >"$WORK/rss_busy" ) &
RSS_PID=$!
"$BUILD/sightline" simulate trucks --count "$TRUCKS" --jt808 "127.0.0.1:$SL_PORT" --seconds "$SECONDS_RUN" \
  --interval-ms 0 --first-phone 13600000000 | tee "$WORK/sl.txt"
wait "$RSS_PID" || true
rss_busy=$(cat "$WORK/rss_busy" 2>/dev/null || echo "$rss_idle")
# Alarm latency (fix received → alarm published on the bus) from the server's
# own histogram: every truck here is unknown, so each raises
# unregistered_vehicle on its first fix, all in the first second of the drive.
metrics=$(curl -fsS "http://127.0.0.1:$SL_HTTP/metrics" || true)
alarm_p99=$(printf '%s\n' "$metrics" | sed -n 's/^sightline_fleet_alarm_latency_ms{quantile="0.99"} //p')
alarm_count=$(printf '%s\n' "$metrics" | sed -n 's/^sightline_fleet_alarm_latency_ms_count //p')

kill "$SL_PID"; wait "$SL_PID" 2>/dev/null || true; SL_PID=""

# The same load from registered trucks with permits: the demo fleet scaled to
# $TRUCKS trucks, each driving its own permit corridor (5 % of them 300 m
# beside it), so every fix is looked up in the geofence index and checked
# against its permits (sites, corridor, hours) and the manifests follow loads.
SIGHTLINE_DEMO_PASSWORD=bench "$BUILD/sightline" demo --data "$WORK/demo" --seed 7 --subjects 100 \
  --trucks "$TRUCKS" >/dev/null
SIGHTLINE_JT808_THREADS=$THREADS "$BUILD/sightline" serve --data "$WORK/demo" --http "127.0.0.1:$SL_HTTP" \
  --jt808 "127.0.0.1:$SL_PORT" >"$WORK/server-demo.log" 2>&1 &
SL_PID=$!
wait_port "$SL_PORT"
echo "== sightline serve (SQLite, demo fleet with permits), $TRUCKS trucks, ${SECONDS_RUN}s"
"$BUILD/sightline" simulate trucks --count "$TRUCKS" --jt808 "127.0.0.1:$SL_PORT" --seconds "$SECONDS_RUN" \
  --interval-ms 0 --demo-routes --demo-seed 7 --off-route-rate 0.05 | tee "$WORK/sl-demo.txt"
demo_metrics=$(curl -fsS "http://127.0.0.1:$SL_HTTP/metrics" || true)

bare=$(figure jt808_round_trips_per_s "$WORK/bare.txt")
ours=$(figure jt808_round_trips_per_s "$WORK/sl.txt")
echo "FIGURE jt808_bare_round_trips_per_s $bare"
echo "FIGURE jt808_sightline_fixes_per_s $ours"
echo "FIGURE jt808_sightline_latency_p99_ms $(figure jt808_latency_p99_ms "$WORK/sl.txt")"
echo "FIGURE jt808_alarm_latency_p99_ms ${alarm_p99:-unknown} (alarms: ${alarm_count:-0})"
awk -v b="$rss_busy" -v i="$rss_idle" -v n="$TRUCKS" 'BEGIN {printf "FIGURE jt808_rss_kib_per_connected_vehicle %.1f\n", (b - i) / n}'
awk -v a="$ours" -v b="$bare" 'BEGIN {printf "RATIO jt808_ingest_vs_bare_tcp %.3f\n", a / b}'
demo=$(figure jt808_round_trips_per_s "$WORK/sl-demo.txt")
echo "FIGURE jt808_sightline_demo_fleet_fixes_per_s $demo"
echo "FIGURE jt808_sightline_demo_fleet_latency_p99_ms $(figure jt808_latency_p99_ms "$WORK/sl-demo.txt")"
echo "FIGURE jt808_demo_fleet_stored_fixes $(printf '%s\n' "$demo_metrics" | sed -n 's/^sightline_fleet_fixes_stored_total //p')"
awk -v a="$demo" -v b="$bare" 'BEGIN {printf "RATIO jt808_ingest_demo_fleet_vs_bare_tcp %.3f\n", a / b}'
