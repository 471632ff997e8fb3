#!/usr/bin/env bash
# Measures the authenticated contact list (GET /contacts, page 1 of a
# workspace of 10,000 contacts) with wrk on SQLite and on PostgreSQL, next
# to two baseline handlers of chatalott-bench that run the same list query
# without sessions, middleware or templates. docs/benchmarks.md records the
# results and explains each handler.
#
# Every server listens on 127.0.0.1 only, every wrk run is bounded by
# --duration, and a trap stops every process the script started.
#
# Usage: scripts/bench-contact-list.sh [sqlite] [postgres]   (default: both)
#
# Environment:
#   DURATION      length of each measured wrk run (default 15s)
#   WARMUP        length of the unrecorded wrk run before each one (default 3s)
#   THREADS       wrk threads (default 2)
#   CONNECTIONS   wrk connections (default 32)
#   IDLE_WAIT     maximum seconds to wait before each run for other processes
#                 to leave the CPUs idle (default 300)
#   SERVE_PORT    HTTPS port of chatalott serve (default 18443)
#   BARE_PORT     HTTPS port of chatalott-bench bare (default 18444)
#   PG_ADMIN_URL  PostgreSQL server URL without a database name
#                 (default postgres://postgres@127.0.0.1:5432)
#   PG_DB         database that the script creates there and drops at the end
#                 (default chatalott_bench); the script stops if it already exists
#   PREBUILT      folder with chatalott and chatalott-bench binaries to use
#                 instead of building them from this checkout
#   OUT           folder for binaries, data, server logs and wrk output
#                 (default: a new temporary folder, kept and printed at the end)
set -euo pipefail

DURATION=${DURATION:-15s}
WARMUP=${WARMUP:-3s}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-32}
IDLE_WAIT=${IDLE_WAIT:-300}
TICKS=$(getconf CLK_TCK)
SERVE_PORT=${SERVE_PORT:-18443}
BARE_PORT=${BARE_PORT:-18444}
PG_ADMIN_URL=${PG_ADMIN_URL:-postgres://postgres@127.0.0.1:5432}
PG_DB=${PG_DB:-chatalott_bench}
OUT=${OUT:-$(mktemp -d -t chatalott-bench-XXXXXX)}
EMAIL=bench@chatalott.example
PASSWORD=bench-password-1
CONTACTS=10000

engines=("$@")
if [ ${#engines[@]} -eq 0 ]; then
  engines=(sqlite postgres)
fi

repo=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$OUT"
pids=()
pg_created=0

log() { printf '[bench] %s\n' "$*" >&2; }

cleanup() {
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${pids[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  if [ "$pg_created" = 1 ]; then
    psql "$PG_ADMIN_URL/postgres" -qc "DROP DATABASE IF EXISTS $PG_DB" || log "could not drop database $PG_DB; drop it by hand"
  fi
}
trap cleanup EXIT
trap 'log "command failed at line $LINENO: $BASH_COMMAND"' ERR
trap 'exit 130' INT TERM

# stop_server PID stops one background server and removes it from pids.
stop_server() {
  kill "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
  local keep=()
  for pid in "${pids[@]}"; do
    [ "$pid" = "$1" ] || keep+=("$pid")
  done
  pids=("${keep[@]+"${keep[@]}"}")
}

# wait_for_url URL waits up to 30 seconds for URL to return any HTTP status.
wait_for_url() {
  for _ in $(seq 1 150); do
    if curl -ks -o /dev/null --max-time 1 "$1"; then
      return 0
    fi
    sleep 0.2
  done
  log "no response from $1 after 30 s"
  return 1
}

# cpu_busy_ticks prints the busy clock ticks of all CPUs since boot, from
# /proc/stat (user, nice, system, irq, softirq and steal).
cpu_busy_ticks() {
  awk '$1 == "cpu" {print $2 + $3 + $4 + $7 + $8 + $9}' /proc/stat
}

# process_ticks PID prints the CPU clock ticks that PID has used (utime + stime).
process_ticks() {
  awk '{print $14 + $15}' "/proc/$1/stat"
}

# postgres_ticks prints the CPU clock ticks used by every running process
# named postgres, which includes the sessions of other clients of the server.
# A process that ends between the glob and the read makes cat fail, which
# must not end the script under pipefail.
postgres_ticks() {
  { cat /proc/[0-9]*/stat 2>/dev/null || true; } | awk '$2 == "(postgres)" {sum += $14 + $15} END {print sum + 0}'
}

# children_ticks prints the CPU clock ticks of this script's children that
# have ended, which includes every finished wrk run (cutime + cstime).
children_ticks() {
  awk '{print $16 + $17}' "/proc/$$/stat"
}

# wait_for_idle waits up to IDLE_WAIT seconds until all CPUs together are
# busy less than a fifth of one CPU's time, because other programs on the
# machine, such as test runs, distort the figures.
wait_for_idle() {
  local deadline=$((SECONDS + IDLE_WAIT)) before after
  while :; do
    before=$(cpu_busy_ticks)
    sleep 2
    after=$(cpu_busy_ticks)
    if [ $((after - before)) -lt $((2 * TICKS / 5)) ]; then
      return 0
    fi
    if [ $SECONDS -ge $deadline ]; then
      log "the CPUs are still busy $(((after - before) * 50 / TICKS))% of one CPU's time after ${IDLE_WAIT}s; measuring anyway"
      return 0
    fi
  done
}

# measure NAME URL SERVER_PID [COOKIE] runs a warm-up and a measured wrk run
# against URL. It writes wrk's output to $OUT/NAME.wrk, the CPU of the
# PostgreSQL server during the measured run to $OUT/NAME.pg, and the CPU of
# every other process but the benchmark server and wrk to $OUT/NAME.other,
# each in percent of one CPU.
measure() {
  local name=$1 url=$2 server_pid=$3 cookie=${4:-}
  local header=()
  if [ -n "$cookie" ]; then
    header=(-H "Cookie: $cookie")
  fi
  wait_for_idle
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$WARMUP" "${header[@]}" "$url" >/dev/null

  log "wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency $url"
  local busy0 server0 children0 pg0 start=$SECONDS
  busy0=$(cpu_busy_ticks) server0=$(process_ticks "$server_pid") children0=$(children_ticks) pg0=$(postgres_ticks)
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "${header[@]}" "$url" >"$OUT/$name.wrk"
  local busy1 server1 children1 pg1 seconds=$((SECONDS - start))
  busy1=$(cpu_busy_ticks) server1=$(process_ticks "$server_pid") children1=$(children_ticks) pg1=$(postgres_ticks)
  seconds=$((seconds > 0 ? seconds : 1))
  echo $(((pg1 - pg0) * 100 / TICKS / seconds)) >"$OUT/$name.pg"
  echo $((((busy1 - busy0) - (server1 - server0) - (children1 - children0) - (pg1 - pg0)) * 100 / TICKS / seconds)) >"$OUT/$name.other"

  if grep -q 'Non-2xx or 3xx responses' "$OUT/$name.wrk"; then
    log "$name: some responses were not 2xx or 3xx; see $OUT/$name.wrk"
    cat "$OUT/$name.wrk" >&2
    return 1
  fi
}

# summary_row ENGINE HANDLER NAME BASE prints one table row from NAME.wrk,
# with req/s as a fraction of BASE.wrk and the CPU figures of measure.
summary_row() {
  local rps p50 p99 base
  rps=$(awk '/^Requests\/sec:/ {print $2}' "$OUT/$3.wrk")
  p50=$(awk '$1 == "50%" {print $2}' "$OUT/$3.wrk")
  p99=$(awk '$1 == "99%" {print $2}' "$OUT/$3.wrk")
  base=$(awk '/^Requests\/sec:/ {print $2}' "$OUT/$4.wrk")
  printf '| %s | %s | %s | %s | %s | %s | %s%% | %s%% |\n' "$1" "$2" "$rps" "$p50" "$p99" \
    "$(awk -v a="$rps" -v b="$base" 'BEGIN {printf "%.2f", a / b}')" "$(cat "$OUT/$3.pg")" "$(cat "$OUT/$3.other")"
}

log "output folder: $OUT"
if [ -n "${PREBUILT:-}" ]; then
  log "using the binaries in $PREBUILT"
  cp "$PREBUILT/chatalott" "$PREBUILT/chatalott-bench" "$OUT/"
else
  log "building chatalott and chatalott-bench"
  (cd "$repo" && go build -o "$OUT/chatalott" ./cmd/chatalott && go build -o "$OUT/chatalott-bench" ./internal/benchserver/cmd/chatalott-bench)
fi

for engine in "${engines[@]}"; do
  data="$OUT/data-$engine"
  mkdir -p "$data"
  case "$engine" in
    sqlite) unset DATABASE_URL ;;
    postgres)
      if [ -n "$(psql "$PG_ADMIN_URL/postgres" -tAc "SELECT 1 FROM pg_database WHERE datname = '$PG_DB'")" ]; then
        log "database $PG_DB already exists; drop it (dropdb $PG_DB) or set PG_DB to a new name"
        exit 1
      fi
      psql "$PG_ADMIN_URL/postgres" -qc "CREATE DATABASE $PG_DB"
      pg_created=1
      export DATABASE_URL="$PG_ADMIN_URL/$PG_DB?sslmode=disable"
      ;;
    *) log "unknown engine $engine; use sqlite or postgres"; exit 2 ;;
  esac

  log "$engine: seeding $CONTACTS contacts"
  "$OUT/chatalott-bench" seed --data "$data" --email "$EMAIL" --password "$PASSWORD" --contacts "$CONTACTS" 2>"$OUT/$engine-seed.log"
  tail -n 1 "$OUT/$engine-seed.log" >&2

  log "$engine: starting chatalott serve on 127.0.0.1:$SERVE_PORT"
  "$OUT/chatalott" serve --data "$data" --addr "127.0.0.1:$SERVE_PORT" --http-addr "" >/dev/null 2>"$OUT/$engine-serve.log" &
  serve_pid=$!
  pids+=("$serve_pid")
  wait_for_url "https://127.0.0.1:$SERVE_PORT/healthz"

  headers=$(curl -ks --max-time 10 -o /dev/null -D - \
    --data-urlencode "email=$EMAIL" --data-urlencode "password=$PASSWORD" --data-urlencode "next=/contacts" \
    "https://127.0.0.1:$SERVE_PORT/login")
  cookie=$(printf '%s\n' "$headers" | tr -d '\r' | sed -n 's/^[Ss]et-[Cc]ookie: \(__Host-chatalott_session=[^;]*\).*/\1/p' | head -n 1)
  if [ -z "$cookie" ]; then
    log "$engine: log-in returned no session cookie; response headers were:"
    printf '%s\n' "$headers" >&2
    exit 1
  fi
  rows=$(curl -ks --max-time 10 -H "Cookie: $cookie" "https://127.0.0.1:$SERVE_PORT/contacts" | grep -c '<a href="/contacts/[0-9a-f-]*">' || true)
  if [ "$rows" != 50 ]; then
    log "$engine: GET /contacts showed $rows contacts, expected 50"
    exit 1
  fi

  measure "$engine-app" "https://127.0.0.1:$SERVE_PORT/contacts" "$serve_pid" "$cookie"
  stop_server "$serve_pid"

  log "$engine: starting chatalott-bench bare on 127.0.0.1:$BARE_PORT"
  "$OUT/chatalott-bench" bare --data "$data" --email "$EMAIL" --addr "127.0.0.1:$BARE_PORT" 2>"$OUT/$engine-bare.log" &
  bare_pid=$!
  pids+=("$bare_pid")
  wait_for_url "https://127.0.0.1:$BARE_PORT/raw"
  raw_rows=$(curl -ks --max-time 10 "https://127.0.0.1:$BARE_PORT/raw" | wc -l)
  store_rows=$(curl -ks --max-time 10 "https://127.0.0.1:$BARE_PORT/store" | wc -l)
  if [ "$raw_rows" != 51 ] || [ "$store_rows" != 50 ]; then
    log "$engine: /raw returned $raw_rows rows (expected 51) and /store $store_rows (expected 50)"
    exit 1
  fi
  measure "$engine-raw" "https://127.0.0.1:$BARE_PORT/raw" "$bare_pid"
  measure "$engine-store" "https://127.0.0.1:$BARE_PORT/store" "$bare_pid"
  stop_server "$bare_pid"

  if [ "$engine" = postgres ]; then
    unset DATABASE_URL
  fi
done

echo
echo "wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency; ratio = req/s of the handler / req/s of bare /raw on the same engine;"
echo "postgres CPU = CPU of all PostgreSQL server processes during the run; other CPU = CPU of every other process"
echo "but the benchmark server and wrk; both in % of one CPU"
echo
echo '| engine | handler | req/s | p50 | p99 | ratio | postgres CPU | other CPU |'
echo '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |'
for engine in "${engines[@]}"; do
  summary_row "$engine" 'bare `/raw`' "$engine-raw" "$engine-raw"
  summary_row "$engine" 'bare `/store`' "$engine-store" "$engine-raw"
  summary_row "$engine" 'chatalott `/contacts`' "$engine-app" "$engine-raw"
done
echo
echo "wrk output, server logs and binaries: $OUT"
