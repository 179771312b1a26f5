#!/usr/bin/env bash
# Evidence upload throughput against raw sequential disk write, same machine,
# same run, same file system:
#   anchor  dd of a random file in 4 MiB blocks with one fdatasync at the end
#           (conv=fdatasync) and with every block synced (oflag=dsync, the
#           durability the tus server gives each chunk); the faster of the
#           two is the anchor;
#   upload  the same file through tus (POST, then 4 MiB PATCHes, each made
#           durable before it is acknowledged), ending with the server's
#           re-hash, move into the blob store and sealing in the log.
# The disk is shared with whatever else the machine does, so anchor and upload
# alternate RUNS times and the medians are compared.
# Prints FIGURE lines and `RATIO evidence_upload_vs_disk_write <upload/dd>`.
# With SIGHTLINE_BENCH_UPLOAD_BASELINE=OTHER_BUILD, each run also uploads
# through OTHER_BUILD's server (same port, one server at a time), so a change
# is compared with its baseline in the same run on the same disk.
#   scripts/bench-upload.sh [BUILD]    (SIGHTLINE_BENCH_UPLOAD_MB, ..._RUNS, ..._PORT, ..._BASELINE)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
PORT=${SIGHTLINE_BENCH_UPLOAD_PORT:-18092}
MB=${SIGHTLINE_BENCH_UPLOAD_MB:-256}
RUNS=${SIGHTLINE_BENCH_UPLOAD_RUNS:-3}
WORK=$(mktemp -d "${SIGHTLINE_BENCH_DIR:-/tmp}/sightline-upload.XXXXXX")
SL_PID=""
cleanup() {
  set +e
  [ -n "$SL_PID" ] && kill "$SL_PID" 2>/dev/null && wait "$SL_PID" 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT INT TERM
ns_now() { date +%s%N; }
CHUNK=$((4 * 1024 * 1024))

echo "== Evidence upload vs raw disk write ($MB MiB, $WORK)"
head -c $((MB * 1024 * 1024)) /dev/urandom >"$WORK/media.bin"
mkdir "$WORK/chunks"
split -b $CHUNK -d -a 4 "$WORK/media.bin" "$WORK/chunks/c"
SHA=$(sha256sum "$WORK/media.bin" | cut -d' ' -f1)
SIZE=$(stat -c %s "$WORK/media.bin")
sync

export SIGHTLINE_DEMO_PASSWORD=bench-password-1
BASELINE=${SIGHTLINE_BENCH_UPLOAD_BASELINE:-}
BASE="http://127.0.0.1:$PORT"
TOKEN=""
# start_server BUILD DATA: serves DATA (made by BUILD's demo the first time)
# and logs the officer in.
start_server() {
  [ -d "$2" ] || "$1/sightline" demo --data "$2" --seed 1 >/dev/null
  "$1/sightline" serve --data "$2" --http "127.0.0.1:$PORT" >>"$WORK/server.log" 2>&1 &
  SL_PID=$!
  until curl -fsS "$BASE/readyz" >/dev/null 2>&1; do sleep 0.01; done
  TOKEN=$(curl -fsS -H 'Content-Type: application/json' -d '{"username":"officer","password":"bench-password-1"}' \
    "$BASE/api/v1/auth/login" | sed -E 's/.*"token":"([^"]+)".*/\1/')
}
stop_server() {
  kill "$SL_PID" && wait "$SL_PID" 2>/dev/null || true
  SL_PID=""
}
b64() { printf '%s' "$1" | base64 -w0; }
META="filename $(b64 bench.mp4),sha256 $(b64 "$SHA"),mode $(b64 bodycam),captured_at $(b64 2026-11-28T10:00:00+08:00)"
META="$META,lon $(b64 120.49),lat $(b64 30.63),accuracy $(b64 10),device $(b64 bench)"

mibs() { awk -v b="$SIZE" -v ns="$1" 'BEGIN { printf "%.1f\n", b / 1048576 / (ns / 1e9) }'; }
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# Raw sequential write of the same bytes: one fdatasync at the end, and (for
# reference) every 4 MiB block synced.
disk_write() {
  local t0 t1 t2
  t0=$(ns_now)
  dd if="$WORK/media.bin" of="$WORK/dd.out" bs=4M conv=fdatasync status=none
  t1=$(ns_now)
  rm -f "$WORK/dd.out"
  dd if="$WORK/media.bin" of="$WORK/dd.out" bs=4M oflag=dsync status=none
  t2=$(ns_now)
  rm -f "$WORK/dd.out"
  echo "$(mibs $((t1 - t0))) $(mibs $((t2 - t1)))"
}

# One tus upload of the file; prints MiB/s. Each run is a new upload (the
# blob is deduplicated, the work is the same: receive, sync, re-hash, seal).
upload() {
  local t3 t4 location offset item args=()
  t3=$(ns_now)
  location=$(curl -fsS -D - -o /dev/null -X POST -H "Authorization: Bearer $TOKEN" -H 'Tus-Resumable: 1.0.0' \
    -H "Upload-Length: $SIZE" -H "Upload-Metadata: $META" "$BASE/api/v1/uploads/" |
    tr -d '\r' | awk 'tolower($1) == "location:" { print $2 }')
  # One curl for all chunks (a keep-alive connection): --next starts each PATCH.
  offset=0
  for f in "$WORK"/chunks/c*; do
    args+=(--next -fsS -o /dev/null -X PATCH -H "Authorization: Bearer $TOKEN" -H 'Tus-Resumable: 1.0.0'
      -H 'Content-Type: application/offset+octet-stream' -H "Upload-Offset: $offset" --data-binary "@$f"
      -D "$WORK/last-headers" "$BASE$location")
    offset=$((offset + $(stat -c %s "$f")))
  done
  curl "${args[@]:1}"
  t4=$(ns_now)
  item=$(tr -d '\r' <"$WORK/last-headers" | awk 'tolower($1) == "evidence-item:" { print $2 }')
  [ -n "$item" ] || { echo "upload did not become an item" >&2; cat "$WORK/last-headers" >&2; exit 1; }
  mibs $((t4 - t3))
}

: >"$WORK/disk"
: >"$WORK/up"
: >"$WORK/up-baseline"
for run in $(seq 1 "$RUNS"); do
  disk_write >>"$WORK/disk"
  start_server "$BUILD" "$WORK/data"
  upload >>"$WORK/up"
  stop_server
  line="run $run: disk $(tail -n1 "$WORK/disk") MiB/s (fdatasync, dsync), upload $(tail -n1 "$WORK/up") MiB/s"
  if [ -n "$BASELINE" ]; then
    start_server "$BASELINE" "$WORK/data-baseline"
    upload >>"$WORK/up-baseline"
    stop_server
    line="$line, baseline upload $(tail -n1 "$WORK/up-baseline") MiB/s"
  fi
  echo "$line"
done
DD_MBS=$(awk '{ print $1 }' "$WORK/disk" | median)
DSYNC_MBS=$(awk '{ print $2 }' "$WORK/disk" | median)
UP_MBS=$(median <"$WORK/up")
echo "FIGURE disk_write_fdatasync_mib_s $DD_MBS"
echo "FIGURE disk_write_dsync_4mib_mib_s $DSYNC_MBS"
echo "FIGURE evidence_upload_mib_s $UP_MBS ($RUNS runs of $MB MiB in 4 MiB chunks, medians)"
# The anchor is the faster of the two raw writes (whichever this disk does better).
ANCHOR=$(awk -v a="$DD_MBS" -v b="$DSYNC_MBS" 'BEGIN { print (a > b ? a : b) }')
echo "RATIO evidence_upload_vs_disk_write $(awk -v u="$UP_MBS" -v d="$ANCHOR" 'BEGIN { printf "%.3f", u / d }')"
if [ -n "$BASELINE" ]; then
  BASE_MBS=$(median <"$WORK/up-baseline")
  echo "FIGURE evidence_upload_baseline_mib_s $BASE_MBS ($BASELINE, same runs)"
  echo "RATIO evidence_upload_baseline_vs_disk_write $(awk -v u="$BASE_MBS" -v d="$ANCHOR" 'BEGIN { printf "%.3f", u / d }')"
fi
