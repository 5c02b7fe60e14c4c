#!/usr/bin/env bash
# A real single-node KRaft Kafka broker from Maven Central jars (no Docker, no tarball download).
# Usage: kafka.sh start|stop|status   Env: SAE_HOME, SAE_KAFKA_PORT (default 19092).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SAE_HOME="${SAE_HOME:-$(cd "$HERE/../../.." && pwd)/.sae}"
PORT="${SAE_KAFKA_PORT:-19092}"
CONTROLLER_PORT="${SAE_KAFKA_CONTROLLER_PORT:-$((PORT + 1))}"
DIR="$SAE_HOME/kafka"
PIDFILE="$DIR/broker.pid"

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
running() { [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; }

fetch_jars() {
  if [ ! -f "$DIR/libs/.complete" ]; then
    echo "kafka: fetching broker jars from Maven Central into $DIR/libs" >&2
    rm -rf "$DIR/libs"
    mvn -q -B -f "$HERE/pom.xml" dependency:copy-dependencies \
      -DoutputDirectory="$DIR/libs" -DincludeScope=runtime >&2
    touch "$DIR/libs/.complete"
  fi
}

write_config() {
  mkdir -p "$DIR/data"
  cat > "$DIR/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.bootstrap.servers=127.0.0.1:$CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$PORT,CONTROLLER://127.0.0.1:$CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$PORT
controller.listener.names=CONTROLLER
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs=$DIR/data
num.partitions=1
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=true
# The log cleaner's default 128 MiB dedupe buffer is wasted on a laptop broker.
log.cleaner.dedupe.buffer.size=4194304
log.retention.hours=24
PROPS
}

start() {
  if running; then echo "kafka: already running (pid $(cat "$PIDFILE")) on 127.0.0.1:$PORT"; return 0; fi
  if port_open "$PORT"; then
    echo "error: port $PORT is busy (not our broker); set SAE_KAFKA_PORT or stop what uses it" >&2; exit 1
  fi
  command -v java >/dev/null || { echo "error: java not found" >&2; exit 1; }
  mkdir -p "$DIR"
  fetch_jars
  write_config
  local cp="$DIR/libs/*"
  if [ ! -f "$DIR/data/meta.properties" ]; then
    java -cp "$cp" -Dlog4j2.configurationFile="$HERE/log4j2.properties" -Dkafka.logs.file="$DIR/broker.log" \
      kafka.tools.StorageTool format -t "$(java -cp "$cp" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -1)" \
      -c "$DIR/server.properties" --standalone >"$DIR/format.log" 2>&1 \
      || { echo "error: kafka storage format failed, see $DIR/format.log" >&2; exit 1; }
  fi
  nohup java -Xmx768m -XX:+UseG1GC -cp "$cp" -Dlog4j2.configurationFile="$HERE/log4j2.properties" \
    -Dkafka.logs.file="$DIR/broker.log" kafka.Kafka "$DIR/server.properties" \
    >"$DIR/stdout.log" 2>&1 < /dev/null &
  echo $! > "$PIDFILE"
  for _ in $(seq 1 120); do
    if port_open "$PORT"; then echo "kafka: up on 127.0.0.1:$PORT (pid $(cat "$PIDFILE"), data $DIR/data)"; return 0; fi
    running || { echo "error: kafka exited; see $DIR/stdout.log and $DIR/broker.log" >&2; tail -20 "$DIR/stdout.log" >&2; exit 1; }
    sleep 0.5
  done
  echo "error: kafka did not open port $PORT within 60 s; see $DIR/broker.log" >&2; exit 1
}

stop() {
  if running; then
    local pid; pid=$(cat "$PIDFILE")
    kill "$pid"
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -9 "$pid" 2>/dev/null || true
    echo "kafka: stopped"
  fi
  rm -f "$PIDFILE"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) if running; then echo "kafka: running (pid $(cat "$PIDFILE")) on 127.0.0.1:$PORT"; else echo "kafka: stopped"; exit 3; fi ;;
  reset) stop; rm -rf "$DIR/data" ;;
  *) echo "usage: kafka.sh start|stop|status|reset" >&2; exit 2 ;;
esac
