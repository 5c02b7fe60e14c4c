#!/usr/bin/env bash
# Local stack for `./sae demo|down|test|kafka|status`.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
source "$ROOT/deploy/local/env.sh"
KAFKA="$ROOT/deploy/local/kafka/kafka.sh"

run_tests() {
  # Tests talk to a real broker and a real PostgreSQL; start the broker if it is not already up.
  local started=0
  if ! bash "$KAFKA" status >/dev/null 2>&1; then bash "$KAFKA" start; started=1; fi
  export KAFKA_BOOTSTRAP_SERVERS="127.0.0.1:${SAE_KAFKA_PORT:-19092}"
  local rc=0
  (cd "$ROOT" && mvn -B verify "$@") || rc=$?
  if [ "$started" = 1 ] && [ "${SAE_KEEP_KAFKA:-0}" != 1 ]; then bash "$KAFKA" stop; fi
  return $rc
}

cmd="${1:-}"; shift || true
case "$cmd" in
  test) run_tests "$@" ;;
  kafka) exec bash "$KAFKA" "${1:-status}" ;;
  *) echo "sae $cmd: not implemented yet" >&2; exit 2 ;;
esac
