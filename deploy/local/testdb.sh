# The database `./sae test` gives the test JVMs. Sourced by launcher.sh and by the launcher test.
# A PostgreSQL that answers on SAE_TEST_PG_PROBE (default 127.0.0.1:5432: the development and CI
# machines run one, database `test`) is used as it is; otherwise an embedded one is started with its
# own port (SAE_TEST_PG_PORT, default SAE_PG_PORT + 1) and data directory (instance "postgres-test"),
# so it never meets the demo's. An explicit SAE_DB_URL wins over both.
TESTDB_PG="${TESTDB_PG:-$ROOT/deploy/local/postgres/postgres.sh}"
TEST_DB_STARTED=0

choose_test_database() {
  if [ -n "${SAE_DB_URL:-}" ]; then echo "database: $SAE_DB_URL (configured)"; return 0; fi
  local probe="${SAE_TEST_PG_PROBE:-127.0.0.1:5432}"
  if (exec 3<>"/dev/tcp/${probe%:*}/${probe##*:}") 2>/dev/null; then
    export SAE_DB_URL="jdbc:postgresql://$probe/test" SAE_DB_USER="${SAE_DB_USER:-postgres}" SAE_DB_PASSWORD="${SAE_DB_PASSWORD:-}"
    echo "database: the PostgreSQL answering on $probe (database test)"
  else
    local port="${SAE_TEST_PG_PORT:-$(( ${SAE_PG_PORT:-15432} + 1 ))}"
    echo "database: nothing answers on $probe; starting an embedded PostgreSQL on 127.0.0.1:$port"
    SAE_PG_NAME=postgres-test SAE_PG_PORT="$port" bash "$TESTDB_PG" start
    TEST_DB_STARTED=1
    export SAE_DB_URL="jdbc:postgresql://127.0.0.1:$port/postgres" SAE_DB_USER=postgres SAE_DB_PASSWORD=
  fi
}

stop_test_database() {
  if [ "$TEST_DB_STARTED" = 1 ]; then
    SAE_PG_NAME=postgres-test bash "$TESTDB_PG" stop || true
    TEST_DB_STARTED=0
  fi
}
