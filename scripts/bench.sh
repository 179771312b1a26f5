#!/usr/bin/env bash
# `make bench`: micro benchmarks (Google Benchmark) and the HTTP comparison:
# wrk against Sightline's /healthz and an authenticated JSON route, and against
# nginx serving a static file of the same size, all in the same run on this
# machine, with ratios printed against the nginx anchor.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
ROOT=$(pwd)
WORK=$(mktemp -d /tmp/sightline-bench.XXXXXX)
chmod 755 "$WORK"
SL_PORT=${SIGHTLINE_BENCH_PORT:-18090}
NGINX_PORT=${SIGHTLINE_BENCH_NGINX_PORT:-18091}
DURATION=${SIGHTLINE_BENCH_SECONDS:-10}
CONNECTIONS=64
SL_PID=""
NGINX_PID=""
cleanup() {
  set +e
  [ -n "$SL_PID" ] && kill "$SL_PID" 2>/dev/null && wait "$SL_PID" 2>/dev/null
  [ -n "$NGINX_PID" ] && kill "$NGINX_PID" 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

ms_now() { date +%s%3N; }

echo "== Micro benchmarks"
if [ -x "$BUILD/micro_bench" ]; then
  # SIGHTLINE_BENCH_FILTER picks benchmarks by regex (all by default).
  "$BUILD/micro_bench" --benchmark_min_time=0.2 --benchmark_filter="${SIGHTLINE_BENCH_FILTER:-.}"
fi

echo "== Demo city generation (SQLite)"
export SIGHTLINE_DEMO_PASSWORD=bench-password-1
"$BUILD/sightline" demo --data "$WORK/data" --seed 1

echo "== Server start on the demo city"
t0=$(ms_now)
"$BUILD/sightline" serve --data "$WORK/data" --http "127.0.0.1:$SL_PORT" >"$WORK/server.log" 2>&1 &
SL_PID=$!
until curl -fsS "http://127.0.0.1:$SL_PORT/readyz" >/dev/null 2>&1; do sleep 0.01; done
t1=$(ms_now)
echo "FIGURE server_start_ms $((t1 - t0))"
sleep 1
echo "FIGURE idle_rss_kib $(awk '/VmRSS/ {print $2}' /proc/$SL_PID/status)"

TOKEN=$(curl -fsS -H 'Content-Type: application/json' \
  -d '{"username":"commander","password":"bench-password-1"}' \
  "http://127.0.0.1:$SL_PORT/api/v1/auth/login" | sed -E 's/.*"token":"([^"]+)".*/\1/')
ROUTE=/api/v1/me
BODY=$(curl -fsS -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$SL_PORT$ROUTE")
mkdir -p "$WORK/www"
printf '%s' "$BODY" >"$WORK/www/static.json"
echo "authenticated route $ROUTE: ${#BODY} bytes; nginx serves a static file of the same size"

cat >"$WORK/nginx.conf" <<CONF
worker_processes 2;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log;
daemon off;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:$NGINX_PORT;
    root $WORK/www;
    default_type application/json;
  }
}
CONF
/usr/sbin/nginx -c "$WORK/nginx.conf" &
NGINX_PID=$!
until curl -fsS "http://127.0.0.1:$NGINX_PORT/static.json" >/dev/null 2>&1; do sleep 0.05; done

run_wrk() {  # name url [header]
  local name=$1 url=$2 header=${3:-}
  local out
  if [ -n "$header" ]; then
    out=$(wrk -t2 -c$CONNECTIONS -d${DURATION}s --latency -H "$header" "$url")
  else
    out=$(wrk -t2 -c$CONNECTIONS -d${DURATION}s --latency "$url")
  fi
  local rps p99 non2xx
  rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  p99=$(echo "$out" | awk '$1 == "99%" {print $2}')
  non2xx=$(echo "$out" | awk '/Non-2xx/ {print $5}')
  echo "FIGURE ${name}_rps $rps"
  echo "FIGURE ${name}_p99 $p99"
  [ -z "$non2xx" ] || { echo "bench: $name had $non2xx non-2xx responses" >&2; exit 1; }
  eval "RPS_$name=$rps"
}

echo "== HTTP: wrk -t2 -c$CONNECTIONS -d${DURATION}s on loopback (2 cores shared by client and server)"
run_wrk nginx_static "http://127.0.0.1:$NGINX_PORT/static.json"
run_wrk healthz "http://127.0.0.1:$SL_PORT/healthz"
run_wrk auth_route "http://127.0.0.1:$SL_PORT$ROUTE" "Authorization: Bearer $TOKEN"
awk -v a="$RPS_auth_route" -v n="$RPS_nginx_static" 'BEGIN {printf "RATIO auth_route_vs_nginx_static %.3f\n", a / n}'
awk -v a="$RPS_healthz" -v n="$RPS_nginx_static" 'BEGIN {printf "RATIO healthz_vs_nginx_static %.3f\n", a / n}'
echo "FIGURE rss_after_load_kib $(awk '/VmRSS/ {print $2}' /proc/$SL_PID/status)"

# Smart parking: ingest through Mosquitto (the analytics comparison with
# SQLite ran above among the micro benchmarks).
SIGHTLINE_BENCH_PARKING_ANALYTICS=0 scripts/bench-parking.sh "$BUILD"
echo "== Urban event routes over the demo history (sequential requests, p50/p95)"
python3 bench/events_bench.py "http://127.0.0.1:$SL_PORT" bench-password-1 40

# Field evidence: tus upload throughput against raw disk write (own server).
scripts/bench-upload.sh "$BUILD"
