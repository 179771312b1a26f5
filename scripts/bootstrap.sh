#!/usr/bin/env bash
# Installs what Sightline needs on Debian 12, idempotently: apt-get only for
# packages that are missing, `npm ci` only when web/package-lock.json changed.
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(
  build-essential cmake ninja-build ccache pkg-config
  libboost1.81-dev libboost-json1.81-dev
  libssl-dev libsqlite3-dev sqlite3 libpq-dev postgresql
  libargon2-dev libcli11-dev libcpp-httplib-dev
  libgtest-dev libgmock-dev libbenchmark-dev libgeos-dev
  libxlsxwriter-dev libqrencode-dev
  chromium fonts-wqy-microhei
  wrk nginx-light curl
  libmosquitto-dev mosquitto mosquitto-clients
  libexiv2-dev
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Node.js may come from another Debian-format package (e.g. nodejs from a vendor
# repository that bundles npm); ask Debian for it only when no npm is on PATH.
command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)
if ((${#missing[@]})); then
  echo "bootstrap: installing ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  # The nginx package starts a system nginx on port 80; the benchmark runs its
  # own instance on a private port, so the system one is not needed.
  if [[ " ${missing[*]} " == *" nginx-light "* ]]; then
    $SUDO systemctl disable --now nginx >/dev/null 2>&1 || $SUDO service nginx stop >/dev/null 2>&1 || true
  fi
fi

# Web dependencies: reinstall only when the lock file changed.
if [ -f web/package-lock.json ]; then
  stamp=web/node_modules/.lock-sha256
  want=$(sha256sum web/package-lock.json | cut -d' ' -f1)
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    echo "bootstrap: npm ci (web)"
    (cd web && npm ci --no-audit --no-fund --loglevel=error)
    echo "$want" >"$stamp"
  fi
fi
