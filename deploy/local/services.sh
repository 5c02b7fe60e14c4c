# Process management for the local stack (sourced by launcher.sh). Each service runs from its
# Quarkus fast-jar with a pid file and a log file under $SAE_HOME; `down` stops exactly those pids
# (checking that the pid still runs that jar, so a recycled pid is never killed).
RUN_DIR="$SAE_HOME/run"
LOG_DIR="$SAE_HOME/logs"
SERVICES=(collector-service trainer-service evaluator-service viz-service neuronpedia-service)

service_port() {
  case "$1" in
    collector-service) echo "${SAE_COLLECTOR_PORT:-18081}" ;;
    trainer-service) echo "${SAE_TRAINER_PORT:-18082}" ;;
    evaluator-service) echo "${SAE_EVALUATOR_PORT:-18083}" ;;
    viz-service) echo "${SAE_VIZ_PORT:-18084}" ;;
    neuronpedia-service) echo "${SAE_NEURONPEDIA_PORT:-18085}" ;;
  esac
}

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

service_jar() { echo "$ROOT/$1/target/quarkus-app/quarkus-run.jar"; }

service_running() {
  local pidfile="$RUN_DIR/$1.pid"
  [ -f "$pidfile" ] || return 1
  local pid; pid=$(cat "$pidfile")
  kill -0 "$pid" 2>/dev/null && tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -q "$(service_jar "$1")"
}

start_service() { # name, then extra KEY=VALUE env pairs
  local name=$1; shift
  local port; port=$(service_port "$name")
  local jar; jar=$(service_jar "$name")
  mkdir -p "$RUN_DIR" "$LOG_DIR"
  if service_running "$name"; then echo "$name: already running on :$port"; return 0; fi
  [ -f "$jar" ] || { echo "error: $jar is missing; run: mvn -B install -DskipTests" >&2; return 1; }
  if port_busy "$port"; then
    echo "error: port $port for $name is busy; set SAE_${name%%-*}_PORT (upper case) to another port" >&2
    return 1
  fi
  env HTTP_PORT="$port" "$@" nohup java ${SAE_SERVICE_JAVA_OPTS:--Xmx3g} $SAE_JVM_FLAGS \
    -jar "$jar" >"$LOG_DIR/$name.log" 2>&1 < /dev/null &
  echo $! > "$RUN_DIR/$name.pid"
}

wait_healthy() { # name [timeout_s]
  local name=$1 timeout=${2:-120} port; port=$(service_port "$1")
  for _ in $(seq 1 $((timeout * 2))); do
    if curl -fsS "http://127.0.0.1:$port/q/health/ready" >/dev/null 2>&1; then return 0; fi
    service_running "$name" || { echo "error: $name exited; last lines of $LOG_DIR/$name.log:" >&2; tail -25 "$LOG_DIR/$name.log" >&2; return 1; }
    sleep 0.5
  done
  echo "error: $name not healthy after ${timeout}s; see $LOG_DIR/$name.log" >&2; return 1
}

stop_service() {
  local name=$1 pidfile="$RUN_DIR/$1.pid"
  if service_running "$name"; then
    local pid; pid=$(cat "$pidfile")
    kill "$pid"
    for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    kill -9 "$pid" 2>/dev/null || true
    echo "$name: stopped"
  fi
  rm -f "$pidfile"
}
