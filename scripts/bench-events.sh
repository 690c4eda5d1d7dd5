#!/usr/bin/env bash
# Live sync under load: 1,000 open event streams on one release build of Tick (SQLite), then
# one change. Reports the server's memory per open stream and the time until every stream has
# the change. A benchmark, not a test: it reports.
set -euo pipefail
cd "$(dirname "$0")/.."

STREAMS=${STREAMS:-1000}
PORT=3213

ulimit -n 8192 2>/dev/null || ulimit -n "$(ulimit -Hn)"
cargo build --release --example bench_events --no-default-features --features ssr

work=$(mktemp -d)
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

TICK_ADDR=127.0.0.1:$PORT TICK_DATA_DIR="$work" TICK_LOG=warn LEPTOS_SITE_ROOT=target/site \
  TICK_MAX_STREAMS_PER_USER=$((STREAMS + 10)) TICK_MAX_CONNECTIONS=$((STREAMS + 100)) \
  target/release/tick & pid=$!
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.1; done

jar="$work/cookies"
curl -fs -o /dev/null -c "$jar" -d "username=bench&password=benchmark%20pass%20phrase" \
  "http://127.0.0.1:$PORT/fn/account/sign_up"
session=$(awk '$6 == "tick_session" { print $7 }' "$jar")
token=$(curl -fs -b "$jar" -d "name=bench" "http://127.0.0.1:$PORT/fn/tokens/create" |
  sed -E 's/.*"secret":"([^"]+)".*/\1/')

# The password hash of the sign-up ran on a blocking thread, whose memory goes back to the
# system when the thread ends, ten seconds later: wait for that, so memory stays still.
sleep 12
target/release/examples/bench_events "http://127.0.0.1:$PORT" "tick_session=$session" \
  "$token" "$pid" "$STREAMS"
