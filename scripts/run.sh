#!/usr/bin/env bash
# `make run`: creates the demo city on first run, then serves it.
set -euo pipefail
cd "$(dirname "$0")/.."
DATA=${1:-data}
BIN=build/sightline
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
exec "$BIN" serve --data "$DATA"
