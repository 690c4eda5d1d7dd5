#!/usr/bin/env bash
# `make bench`: Tick against examples/baseline (hand-written axum+sqlx doing the same work on
# the same SQLite file), one after the other on this machine, with examples/bench_load (open
# loop at a fixed rate, latency counted from when each request was due; or closed loop at full
# speed). Scenarios: mixed (1,000 users, nine page loads to one change), read-only, cache miss
# (rows kept, as after a change), cold (every row rendered too),
# JSON API list and create, log-in and a log-in flood; a list shared by three; big data
# (10,000 users, 1,000,000 to-dos, SQLite and PostgreSQL); live sync (1,000 streams). Prints
# one table of ratios and writes every figure to target/bench/bench-<time>.json.
# A benchmark, not a test: it reports. Needs a release build (`make build`).
#
# Settings (environment): USERS (1000), TODOS (50), BENCH_SECONDS (10 per run), CONNECTIONS (32),
# BIG_USERS (10000), BIG_TODOS (100), BIG=0 skips big data, EVENTS=0 skips live sync.
set -euo pipefail
cd "$(dirname "$0")/.."

USERS=${USERS:-1000}
TODOS=${TODOS:-50}
SECONDS_EACH=${BENCH_SECONDS:-10}
CONNECTIONS=${CONNECTIONS:-32}
BIG_USERS=${BIG_USERS:-10000}
BIG_TODOS=${BIG_TODOS:-100}
TICK_PORT=3210
BASE_PORT=3211
MISS_PORT=3212 # the same app with its page cache off: every request renders the page
COLD_PORT=3215 # and with its row cache off too: every row is rendered as well
BIG_PORT=3214
PASSWORD="benchmark pass phrase"
PG=postgres://postgres@127.0.0.1:5432

cargo build --release --no-default-features --features ssr \
  --example baseline --example bench_load --example bench_seed --example bench_events
load=target/release/examples/bench_load
seed=target/release/examples/bench_seed

work=$(mktemp -d)
pids=()
big_db=
cleanup() {
  [ ${#pids[@]} -gt 0 ] && kill "${pids[@]}" 2>/dev/null
  wait 2>/dev/null
  [ -n "$big_db" ] && psql "$PG/postgres" -qc "DROP DATABASE IF EXISTS \"$big_db\" WITH (FORCE)"
  rm -rf "$work"
}
trap cleanup EXIT
step() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
wait_for() { for _ in $(seq 200); do curl -fs -o /dev/null "$1" && return 0; sleep 0.1; done; echo "$1 did not answer" >&2; exit 1; }
results="$work/results.jsonl"
: >"$results"

# start_tick PORT DATA_DIR [VAR=value ...]: a release Tick in the background.
start_tick() {
  local port=$1 dir=$2
  shift 2
  env TICK_ADDR=127.0.0.1:$port TICK_DATA_DIR="$dir" TICK_LOG=warn LEPTOS_SITE_ROOT=target/site \
    TICK_SIGNUPS_PER_ADDRESS=0 "$@" target/release/tick &
  pids+=($!)
  wait_for "http://127.0.0.1:$port/healthz"
}

# sign_up URL USERNAME: a new account with the bench password.
sign_up() {
  curl -fs -o /dev/null --data-urlencode "username=$2" --data-urlencode "password=$PASSWORD" \
    "$1/fn/account/sign_up"
}

# sign_in URL USERNAME: prints the session cookie of a fresh log-in.
sign_in() {
  curl -fs -o /dev/null -c - --data-urlencode "username=$2" --data-urlencode "password=$PASSWORD" \
    "$1/fn/account/log_in" | awk '$6 == "tick_session" { print $7 }'
}

# users_file URL PREFIX COUNT [TOKENS]: logs each seeded user in, making a token for the first
# TOKENS of them; writes "username<TAB>cookie<TAB>token" lines to stdout.
users_file() {
  local url=$1 prefix=$2 count=$3 tokens=${4:-0}
  for i in $(seq "$count"); do
    local name="$prefix$i" cookie token=-
    cookie=$(sign_in "$url" "$name")
    if [ "$i" -le "$tokens" ]; then
      token=$(curl -fs -b "tick_session=$cookie" -d "name=bench" "$url/fn/tokens/create" |
        sed -E 's/.*"secret":"([^"]+)".*/\1/')
    fi
    printf '%s\t%s\t%s\n' "$name" "$cookie" "$token"
  done
}

# run LABEL SCENARIO URL USERS_FILE [bench_load options]: one run, its JSON kept.
run() {
  local label=$1 scenario=$2 url=$3 users=$4
  shift 4
  "$load" "$scenario" --target "$url" --users "$users" --seconds "$SECONDS_EACH" \
    --connections "$CONNECTIONS" --password "$PASSWORD" --label "$label" "$@" |
    tee -a "$results" >&2
}
rps_of() { tail -n 1 "$results" | python3 -c 'import json, sys; print(json.load(sys.stdin)["rps"])'; }

step "Tick and the baseline on one SQLite file: $USERS users with $TODOS to-dos each"
start_tick $TICK_PORT "$work"
sign_up "http://127.0.0.1:$TICK_PORT" bench
"$seed" "sqlite://$work/tick.db" bench bench "$USERS" "$TODOS"
users_file "http://127.0.0.1:$TICK_PORT" bench "$USERS" 100 >"$work/users"
head -n 100 "$work/users" >"$work/api-users"
start_tick $MISS_PORT "$work" TICK_NO_PAGE_CACHE=true
start_tick $COLD_PORT "$work" TICK_NO_PAGE_CACHE=true TICK_NO_ROW_CACHE=true
target/release/examples/baseline "$work/tick.db" "127.0.0.1:$BASE_PORT" &
pids+=($!)
# Any answer will do (signed out, the page is refused).
for _ in $(seq 200); do curl -s -o /dev/null "http://127.0.0.1:$BASE_PORT/" && break; sleep 0.1; done
tick=http://127.0.0.1:$TICK_PORT base=http://127.0.0.1:$BASE_PORT miss=http://127.0.0.1:$MISS_PORT
cold=http://127.0.0.1:$COLD_PORT

step "read-only: each user's page (Tick keeps pages until they change)"
for target in "tick $tick" "baseline $base"; do
  set -- $target
  "$load" page --target "$2" --users "$work/users" --seconds 2 >/dev/null # warm up
  run "$1" page "$2" "$work/users"
done
# The baseline never keeps pages: its read-only run above is what these compare with.
step "cache miss: every page rendered, rows kept as after a change (Tick with --no-page-cache)"
"$load" page --target "$miss" --users "$work/users" --seconds 3 >/dev/null # rows kept once
run tick page "$miss" "$work/users" --name Miss
step "cold: every page and every row rendered (--no-page-cache --no-row-cache)"
run tick page "$cold" "$work/users" --name Cold
step "mixed: nine page loads to one change, as fast as each answers"
run tick mixed "$tick" "$work/users"
run baseline mixed "$base" "$work/users"
base_mixed=$(rps_of)
rate=$(python3 -c "print(max(1, round($base_mixed / 2)))")
step "mixed at $rate requests/s (half the baseline's maximum): latency"
run tick mixed "$tick" "$work/users" --rate "$rate" --name MixedAtRate
run baseline mixed "$base" "$work/users" --rate "$rate" --name MixedAtRate
step "JSON API with a token: list, then create"
for scenario in api-list api-create; do
  run tick "$scenario" "$tick" "$work/api-users"
  run baseline "$scenario" "$base" "$work/api-users"
done
step "log-in (argon2id), and pages at 100/s alone and during a log-in flood"
run tick log-in "$tick" "$work/users" --connections 4
run baseline log-in "$base" "$work/users" --connections 4
# Every page kept first (the changes above made them stale), so that both runs below see the
# same cache and differ only by the flood.
"$load" page --target "$tick" --users "$work/users" --seconds 3 >/dev/null
run tick page "$tick" "$work/users" --rate 100 --connections 8 --name PageIdle
"$load" log-in --target "$tick" --users "$work/users" --seconds "$SECONDS_EACH" --connections 8 >/dev/null &
flood=$!
run tick page "$tick" "$work/users" --rate 100 --connections 8 --name PageDuringLogInFlood
wait "$flood"
# One argon2id hash, timed here: log-in's ceiling is cores ÷ that time.
"$load" argon2 | tee -a "$results" >&2

step "a list of $TODOS to-dos shared by three users, as its viewer sees it"
owner=$(head -n 1 "$work/users" | cut -f 2)
shared=$(curl -fs -b "tick_session=$owner" -d "name=Shared" "$tick/fn/lists/create" | sed -E 's/.*"id":([0-9]+).*/\1/')
for n in $(seq "$TODOS"); do
  curl -fs -o /dev/null -b "tick_session=$owner" -d "list=$shared&title=Shared to-do $n with a realistic title" "$tick/fn/todos/add"
done
for member in "bench2 editor" "bench3 viewer"; do
  set -- $member
  curl -fs -o /dev/null -b "tick_session=$owner" -d "list=$shared&username=$1&role=$2" "$tick/fn/lists/share"
done
sed -n 3p "$work/users" >"$work/viewer"
run tick page "$tick" "$work/viewer" --path "/lists/$shared" --name SharedList
run tick page "$miss" "$work/viewer" --path "/lists/$shared" --name SharedListMiss
kill "${pids[@]}" 2>/dev/null; wait 2>/dev/null || true; pids=()

if [ "${BIG:-1}" != 0 ]; then
  for database in sqlite postgres; do
    step "big data on $database: $BIG_USERS users, $((BIG_USERS * BIG_TODOS)) to-dos; list page p99 at 100/s"
    dir="$work/big-$database"
    mkdir -p "$dir"
    extra=()
    url="sqlite://$dir/tick.db"
    if [ "$database" = postgres ]; then
      scripts/ensure-postgres.sh
      big_db=tick_bench_big_$$
      psql "$PG/postgres" -qc "CREATE DATABASE \"$big_db\""
      url="$PG/$big_db"
      extra=(DATABASE_URL="$url")
    fi
    start_tick $BIG_PORT "$dir" TICK_NO_PAGE_CACHE=true "${extra[@]}"
    sign_up "http://127.0.0.1:$BIG_PORT" big
    "$seed" "$url" big big "$BIG_USERS" "$BIG_TODOS"
    # A hundred users spread over the whole table.
    for i in $(seq 1 $((BIG_USERS / 100)) "$BIG_USERS"); do
      printf 'big%s\t%s\t-\n' "$i" "$(sign_in "http://127.0.0.1:$BIG_PORT" "big$i")"
    done >"$dir/users"
    run "tick-$database" page "http://127.0.0.1:$BIG_PORT" "$dir/users" --rate 100 --connections 8 \
      --seconds $((SECONDS_EACH * 2)) --name BigData
    kill "${pids[@]}" 2>/dev/null; wait 2>/dev/null || true; pids=()
    if [ "$database" = postgres ]; then
      psql "$PG/postgres" -qc "DROP DATABASE IF EXISTS \"$big_db\" WITH (FORCE)"
      big_db=
    fi
  done
fi

if [ "${EVENTS:-1}" != 0 ]; then
  step "live sync: 1,000 open streams, one change"
  scripts/bench-events.sh | tee "$work/events.txt" >&2
  tail -n 1 "$work/events.txt" >>"$results"
fi

mkdir -p target/bench
out="target/bench/bench-$(date -u +%Y%m%dT%H%M%SZ).json"
python3 scripts/bench-report.py "$results" "$out"
