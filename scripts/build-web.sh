#!/usr/bin/env bash
# Builds the web front end into web/dist when its sources are newer than the build.
set -euo pipefail
cd "$(dirname "$0")/../web"
[ -f package.json ] || exit 0
stamp=dist/.build-stamp
if [ -f "$stamp" ] && [ -z "$(find . -path ./node_modules -prune -o -path ./dist -prune -o -type f -newer "$stamp" -print -quit)" ]; then
  exit 0
fi
npx --no-install vite build --logLevel warn
touch "$stamp"
