#!/usr/bin/env bash
# Local stack: demo, down, test, kafka. (Filled in by the launcher issue.)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
source "$ROOT/deploy/local/env.sh"
case "${1:-}" in
  test)
    shift
    cd "$ROOT" && exec mvn -B verify "$@" ;;
  *) echo "sae ${1:-}: not implemented yet" >&2; exit 2 ;;
esac
