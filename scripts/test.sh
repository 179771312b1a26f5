#!/usr/bin/env bash
# The whole test suite: unit and integration suites on both stores (ctest),
# then the browser tests against a real server with a demo city.
#
# Starts its own PostgreSQL cluster on a private loopback port and stops it by
# PID on exit, whatever happens. Test output (logs, screenshots) goes to
# test-output/.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
ROOT=$(pwd)
OUT="$ROOT/test-output"
rm -rf "$OUT"
mkdir -p "$OUT"
WORK=$(mktemp -d /tmp/sightline-test.XXXXXX)
chmod 755 "$WORK"
PG_PORT=${SIGHTLINE_TEST_PG_PORT:-55432}
HTTP_PORT=${SIGHTLINE_TEST_HTTP_PORT:-18089}
JT808_PORT=${SIGHTLINE_TEST_JT808_PORT:-18088}
MQTT_PORT=${SIGHTLINE_TEST_MQTT_PORT:-18830}
SERVER_PID=""
SIM_PID=""
MQTT_PID=""
PARKING_PID=""

cleanup() {
  set +e
  [ -n "$SIM_PID" ] && kill "$SIM_PID" 2>/dev/null && wait "$SIM_PID" 2>/dev/null
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null
  [ -n "$PARKING_PID" ] && kill "$PARKING_PID" 2>/dev/null && wait "$PARKING_PID" 2>/dev/null
  [ -n "$MQTT_PID" ] && kill "$MQTT_PID" 2>/dev/null && wait "$MQTT_PID" 2>/dev/null
  scripts/pg-cluster.sh stop "$WORK/pg" >/dev/null 2>&1
  rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

echo "== PostgreSQL: throwaway cluster on 127.0.0.1:$PG_PORT"
SIGHTLINE_TEST_PG_URL=$(scripts/pg-cluster.sh start "$WORK/pg" "$PG_PORT" | tail -n 1)
export SIGHTLINE_TEST_PG_URL

echo "== Unit and integration suites (SQLite and PostgreSQL)"
(cd "$BUILD" && ctest --output-on-failure -j 2 --timeout 900)

echo "== Browser tests (Chromium, demo city on SQLite)"
DATA="$WORK/data"
export SIGHTLINE_DEMO_PASSWORD=browser-test-pass
"$BUILD/sightline" demo --data "$DATA" --seed 7 --parking-sessions 300000 | tee "$OUT/demo.log"
# Parking sensors reach the server through a real Mosquitto broker.
mkdir -p "$WORK/mqtt" && chmod 777 "$WORK/mqtt"
printf 'listener %s 127.0.0.1\nallow_anonymous true\npersistence false\nlog_dest file %s/mosquitto.log\n' \
  "$MQTT_PORT" "$WORK/mqtt" >"$WORK/mqtt/mosquitto.conf"
/usr/sbin/mosquitto -c "$WORK/mqtt/mosquitto.conf" &
MQTT_PID=$!
"$BUILD/sightline" serve --data "$DATA" --http "127.0.0.1:$HTTP_PORT" --jt808 "127.0.0.1:$JT808_PORT" \
  --mqtt "mqtt://127.0.0.1:$MQTT_PORT" >"$OUT/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$HTTP_PORT/readyz" >/dev/null 2>&1 && break
  sleep 0.1
done
# The demo's trucks drive on the private terminal port while the browser tests
# run (stopped below), so the screen and the fleet pages see live trucks.
"$BUILD/sightline" simulate trucks --demo-routes --count 517 --demo-seed 7 --jt808 "127.0.0.1:$JT808_PORT" \
  --interval-ms 1000 --seconds 3600 >"$OUT/simulator.log" 2>&1 &
SIM_PID=$!
"$BUILD/sightline" simulate parking --mqtt "mqtt://127.0.0.1:$MQTT_PORT" --demo-seed 7 --rate 50 --seconds 3600 \
  >"$OUT/parking-simulator.log" 2>&1 &
PARKING_PID=$!
export SIGHTLINE_BUILD="$BUILD"  # the field test runs `sightline verify` on a downloaded bundle
SIGHTLINE_TEST_TRUCKS=1 SIGHTLINE_TEST_PARKING=1 SIGHTLINE_URL="http://127.0.0.1:$HTTP_PORT" SIGHTLINE_TEST_OUTPUT="$OUT" node --test tests/browser/
# Open311 GeoReport v2 checked by an independent client (Python standard library).
python3 tests/open311_client.py "http://127.0.0.1:$HTTP_PORT"
kill -TERM "$SIM_PID" 2>/dev/null || true
wait "$SIM_PID" 2>/dev/null || true
SIM_PID=""
kill -TERM "$PARKING_PID" 2>/dev/null || true
wait "$PARKING_PID" 2>/dev/null || true
PARKING_PID=""
kill -TERM "$SERVER_PID"
wait "$SERVER_PID"
SERVER_PID=""
kill -TERM "$MQTT_PID" 2>/dev/null || true
wait "$MQTT_PID" 2>/dev/null || true
MQTT_PID=""
echo "== All suites passed; screenshots in test-output/"
