#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the test suites.
#
#   scripts/pg-cluster.sh start DIR PORT   # prints postgresql://postgres@127.0.0.1:PORT/postgres
#   scripts/pg-cluster.sh stop DIR
#
# DIR becomes the data directory (postmaster.pid, the log and the Unix socket
# live there too). The server listens on 127.0.0.1:PORT only, trusts every
# local connection, and trades durability for speed (fsync, synchronous_commit
# and full_page_writes off): never point it at data you want to keep. As root
# it runs as the `postgres` OS user, since PostgreSQL refuses to run as root.
# Only the url goes to stdout, so `url=$(scripts/pg-cluster.sh start ...)` works;
# progress and errors go to stderr.
set -euo pipefail

die() { echo "pg-cluster: $*" >&2; exit 1; }

pg_bindir() {
  local d
  for d in /usr/lib/postgresql/15/bin $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -rV); do
    [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && { echo "$d"; return; }
  done
  die "no PostgreSQL server binaries under /usr/lib/postgresql (install the postgresql package: scripts/bootstrap.sh)"
}

# Runs a command as the cluster owner, from a directory that user can enter.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    if command -v runuser >/dev/null 2>&1; then
      (cd / && runuser -u postgres -- "$@")
    else
      (cd / && su postgres -s /bin/sh -c '"$0" "$@"' "$@")
    fi
  else
    (cd / && "$@")
  fi
}

postmaster_pid() { [ -f "$1/postmaster.pid" ] && head -n1 "$1/postmaster.pid" | tr -d '[:space:]' || true; }

# A killed postmaster may linger as a zombie until its parent (whoever
# adopted the daemon) reaps it; that counts as gone.
alive() {
  [ -n "$1" ] && kill -0 "$1" 2>/dev/null || return 1
  local state
  state=$(sed -E 's/^.*\) ([A-Za-z]).*$/\1/' "/proc/$1/stat" 2>/dev/null || echo "?")
  [ "$state" != "Z" ]
}

cmd_start() {
  local dir=${1:-} port=${2:-}
  [ -n "$dir" ] && [ -n "$port" ] || die "usage: $0 start DIR PORT"
  [[ "$port" =~ ^[0-9]+$ ]] && [ "$port" -gt 0 ] && [ "$port" -lt 65536 ] || die "bad port '$port'"
  local bin; bin=$(pg_bindir)
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd -P)

  if [ -n "$(ls -A "$dir")" ]; then
    # Wipe only what is recognisably an old throwaway cluster, never an
    # arbitrary directory someone passed by mistake.
    [ -f "$dir/PG_VERSION" ] || die "$dir is not empty and not a PostgreSQL cluster; refusing to touch it"
    alive "$(postmaster_pid "$dir")" && die "a server is already running in $dir (pid $(postmaster_pid "$dir")); stop it first"
    echo "pg-cluster: removing stale cluster in $dir" >&2
    find "$dir" -mindepth 1 -delete
  fi
  if "$bin/pg_isready" -q -h 127.0.0.1 -p "$port" -t 2 >/dev/null 2>&1; then
    die "something already answers on 127.0.0.1:$port; choose another port"
  fi

  if [ "$(id -u)" -eq 0 ]; then
    id postgres >/dev/null 2>&1 || die "no 'postgres' OS user (the postgresql package creates it)"
    chown postgres:postgres "$dir"
    chmod 700 "$dir"
    as_owner test -w "$dir" || die "user postgres cannot write $dir (a parent directory is not traversable?); use a directory under /tmp"
  fi

  echo "pg-cluster: initdb $dir" >&2
  local initlog; initlog=$(mktemp)
  as_owner "$bin/initdb" -D "$dir" -U postgres -A trust -E UTF8 --locale=C --no-sync >"$initlog" 2>&1 ||
    { cat "$initlog" >&2; rm -f "$initlog"; die "initdb failed"; }
  rm -f "$initlog"

  # Local-only trust: the cluster listens on loopback and lives for one run.
  as_owner tee "$dir/pg_hba.conf" >/dev/null <<HBA
local all all trust
host  all all 127.0.0.1/32 trust
HBA
  as_owner tee -a "$dir/postgresql.conf" >/dev/null <<CONF

# --- scripts/pg-cluster.sh: throwaway test cluster ---
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir'
max_connections = 300
fsync = off
synchronous_commit = off
full_page_writes = off
logging_collector = off
log_min_messages = warning
log_min_error_statement = panic
CONF

  echo "pg-cluster: starting on 127.0.0.1:$port" >&2
  # -W: return at once; readiness is checked below with pg_isready.
  as_owner "$bin/pg_ctl" -D "$dir" -l "$dir/server.log" -W start >/dev/null ||
    { cat "$dir/server.log" >&2 2>/dev/null || true; die "pg_ctl start failed"; }

  local started=$SECONDS deadline=$((SECONDS + 30))
  until "$bin/pg_isready" -q -h 127.0.0.1 -p "$port" -t 1 >/dev/null 2>&1; do
    # Give up at once if the server died (port taken by another program,
    # bad setting) instead of waiting out the deadline. The grace period
    # covers the moment before it has written postmaster.pid.
    if [ $((SECONDS - started)) -ge 2 ] && ! alive "$(postmaster_pid "$dir")"; then
      tail -n 30 "$dir/server.log" >&2 2>/dev/null || true
      die "server exited during start-up (see above)"
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      tail -n 30 "$dir/server.log" >&2 2>/dev/null || true
      cmd_stop "$dir" >/dev/null 2>&1 || true
      die "server did not accept connections on 127.0.0.1:$port within 30 s"
    fi
    sleep 0.2
  done
  echo "pg-cluster: ready (pid $(postmaster_pid "$dir"))" >&2
  echo "postgresql://postgres@127.0.0.1:$port/postgres"
}

cmd_stop() {
  local dir=${1:-}
  [ -n "$dir" ] || die "usage: $0 stop DIR"
  [ -d "$dir" ] || return 0
  dir=$(cd "$dir" && pwd -P)
  [ -f "$dir/PG_VERSION" ] || [ -z "$(ls -A "$dir")" ] || die "$dir is not a PostgreSQL cluster; refusing to remove it"
  local pid; pid=$(postmaster_pid "$dir")
  if alive "$pid"; then
    # SIGINT is PostgreSQL's "fast" shutdown: abort sessions, exit cleanly.
    kill -INT "$pid" 2>/dev/null || true
    local i
    for i in $(seq 1 100); do alive "$pid" || break; sleep 0.1; done
    if alive "$pid"; then
      echo "pg-cluster: pid $pid ignored SIGINT for 10 s; killing it" >&2
      kill -KILL "$pid" 2>/dev/null || true
      for i in $(seq 1 50); do alive "$pid" || break; sleep 0.1; done
    fi
  fi
  rm -rf "$dir"
}

case "${1:-}" in
  start) shift; cmd_start "$@" ;;
  stop) shift; cmd_stop "$@" ;;
  *) echo "usage: $0 start DIR PORT | stop DIR" >&2; exit 2 ;;
esac
