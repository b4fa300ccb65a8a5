#!/usr/bin/env bash
# A throwaway PostgreSQL server for the tests that need one (the PostgreSQL ledger, several runners on one run).
#   scripts/test-postgres.sh start   installs Debian's postgresql if it is missing (root only), creates a cluster in a
#                                    temp folder, starts it on loopback with trust authentication, and prints the line
#                                    to eval:  export KB_TEST_POSTGRES=postgresql://postgres@127.0.0.1:PORT/postgres
#   scripts/test-postgres.sh stop    stops it and removes the folder.
# The tests create a fresh database each (CREATE DATABASE) and drop it afterwards. Nothing here touches the system's own
# cluster (pg_lsclusters): the server lives in KB_PG_DIR (default /tmp/kb-test-postgres) on KB_PG_PORT (default 55432).
set -euo pipefail
DIR=${KB_PG_DIR:-/tmp/kb-test-postgres}
PORT=${KB_PG_PORT:-55432}

bin_dir() {
  ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1
}

# As root the cluster belongs to the postgres user (the server refuses to run as root); otherwise to whoever runs this.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "${1:-}" in
  start)
    if [ -z "$(bin_dir)" ]; then
      if [ "$(id -u)" -ne 0 ]; then
        echo "test-postgres: PostgreSQL is not installed: apt-get install postgresql" >&2; exit 1
      fi
      echo "test-postgres: installing postgresql" >&2
      apt-get update -qq >/dev/null
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    fi
    BIN=$(bin_dir)
    if [ -f "$DIR/data/postmaster.pid" ] && as_owner "$BIN/pg_ctl" -D "$DIR/data" status >/dev/null 2>&1; then
      echo "export KB_TEST_POSTGRES=postgresql://postgres@127.0.0.1:$PORT/postgres"
      exit 0
    fi
    rm -rf "$DIR"
    mkdir -p "$DIR"
    [ "$(id -u)" -eq 0 ] && chown postgres: "$DIR"
    as_owner "$BIN/initdb" -D "$DIR/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$DIR/initdb.log" 2>&1 \
      || { cat "$DIR/initdb.log" >&2; exit 1; }
    # Loopback only; the socket in the cluster's own folder. fsync and synchronous_commit stay on (the defaults): the
    # ledger's durability tests read them back.
    as_owner "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w -t 60 \
      -o "-p $PORT -k $DIR -c listen_addresses=127.0.0.1 -c max_connections=300" start >/dev/null \
      || { cat "$DIR/server.log" >&2; exit 1; }
    echo "export KB_TEST_POSTGRES=postgresql://postgres@127.0.0.1:$PORT/postgres"
    ;;
  stop)
    BIN=$(bin_dir)
    if [ -n "$BIN" ] && [ -d "$DIR/data" ]; then
      as_owner "$BIN/pg_ctl" -D "$DIR/data" -m fast -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$DIR"
    ;;
  *)
    echo "usage: $0 start|stop" >&2; exit 2
    ;;
esac
