#!/usr/bin/env bash
# `make run`: creates the demo city on first run, then serves it, with the
# demo's 517 trucks driving their permit corridors (`sightline simulate trucks
# --demo-routes` against the served instance) so the big screen shows them
# moving. The simulator starts once the server is ready and is stopped by PID
# when the server exits. SIGHTLINE_RUN_TRUCKS=0: no simulator.
# Parking: a local Mosquitto broker on a private loopback port
# (SIGHTLINE_RUN_MQTT_PORT, default 18831) carries the demo's sensor traffic
# from `sightline simulate parking` to the server; it is stopped by PID too.
# SIGHTLINE_RUN_PARKING=0: no broker and no parking simulator.
set -euo pipefail
cd "$(dirname "$0")/.."
DATA=${1:-data}
BIN=${SIGHTLINE_BIN:-build/sightline}
# The marker is written only after the demo finished, so an interrupted first
# run starts over instead of serving half a city.
if [ ! -f "$DATA/.demo-created" ]; then
  echo "First run: creating the demo city in $DATA/"
  rm -f "$DATA/sightline.db" "$DATA/sightline.db-wal" "$DATA/sightline.db-shm"
  "$BIN" demo --data "$DATA" --seed 1
  touch "$DATA/.demo-created"
fi
echo "Demo accounts: admin, commander, officer, auxiliary, reviewer, leader, supervisor,"
echo "  partner-police, partner-procuratorate, partner-court"
if [ -n "${SIGHTLINE_DEMO_PASSWORD:-}" ]; then
  echo "  password: from SIGHTLINE_DEMO_PASSWORD"
else
  echo "  password: see $DATA/demo-credentials.txt"
fi
HTTP_ADDR=${SIGHTLINE_HTTP:-127.0.0.1:8080}
JT808_ADDR=${SIGHTLINE_JT808:-127.0.0.1:6808}
MQTT_PID=""
PARKING_PID=""
MQTT_ARGS=()
if [ "${SIGHTLINE_RUN_PARKING:-1}" != 0 ] && [ -x /usr/sbin/mosquitto ]; then
  MQTT_PORT=${SIGHTLINE_RUN_MQTT_PORT:-18831}
  MQTT_DIR=$(mktemp -d /tmp/sightline-mqtt.XXXXXX)
  chmod 777 "$MQTT_DIR"
  printf 'listener %s 127.0.0.1\nallow_anonymous true\npersistence false\nlog_dest file %s/mosquitto.log\n' \
    "$MQTT_PORT" "$MQTT_DIR" >"$MQTT_DIR/mosquitto.conf"
  /usr/sbin/mosquitto -c "$MQTT_DIR/mosquitto.conf" &
  MQTT_PID=$!
  MQTT_ARGS=(--mqtt "mqtt://127.0.0.1:$MQTT_PORT")
  echo "Parking: MQTT broker on 127.0.0.1:$MQTT_PORT (sensor traffic log: $DATA/parking-simulator.log)"
fi
"$BIN" serve --data "$DATA" "${MQTT_ARGS[@]}" &
SERVER_PID=$!
SIM_PID=""
# Ctrl-C reaches the server itself (same process group; it handles SIGINT even
# though bash starts background jobs with SIGINT ignored), so INT only keeps
# this script alive to clean up; TERM sent to the script is passed on. One
# signal each: a second one while the server shuts down could cut it short.
trap ':' INT
trap 'kill -TERM "$SERVER_PID" 2>/dev/null || true' TERM
if [ "${SIGHTLINE_RUN_TRUCKS:-1}" != 0 ]; then
  for _ in $(seq 1 300); do
    curl -fsS "http://$HTTP_ADDR/readyz" >/dev/null 2>&1 && break
    kill -0 "$SERVER_PID" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$SERVER_PID" 2>/dev/null; then
    echo "Trucks: 517 simulated terminals driving the demo routes (log: $DATA/simulator.log)"
    "$BIN" simulate trucks --demo-routes --count 517 --demo-seed 1 --jt808 "$JT808_ADDR" \
      --interval-ms 2000 --seconds 31536000 --overspeed-rate 0.05 >"$DATA/simulator.log" 2>&1 &
    SIM_PID=$!
  fi
fi
if [ -n "$MQTT_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
  for _ in $(seq 1 300); do
    curl -fsS "http://$HTTP_ADDR/readyz" >/dev/null 2>&1 && break
    sleep 0.1
  done
  "$BIN" simulate parking --mqtt "mqtt://127.0.0.1:$MQTT_PORT" --demo-seed 1 --rate 20 --seconds 31536000 \
    >"$DATA/parking-simulator.log" 2>&1 &
  PARKING_PID=$!
fi
# A trapped signal interrupts `wait`; wait again until the server has exited.
status=0
while :; do
  status=0
  wait "$SERVER_PID" || status=$?
  kill -0 "$SERVER_PID" 2>/dev/null || break
done
if [ -n "$SIM_PID" ]; then
  kill -TERM "$SIM_PID" 2>/dev/null || true
  wait "$SIM_PID" 2>/dev/null || true
fi
for pid in $PARKING_PID $MQTT_PID; do
  kill -TERM "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
done
[ -n "$MQTT_PID" ] && rm -rf "$MQTT_DIR"
exit "$status"
