#!/usr/bin/env bash
# Requests per second of Tick's list page against a minimal axum+sqlx handler rendering the
# same 50 to-dos as plain HTML (examples/baseline.rs). Both are release builds on one SQLite
# file, loaded by wrk on loopback, one after the other. Then a list of 50 to-dos shared by three
# users, as one of its members sees it. A benchmark, not a test: it reports.
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-32}
TICK_PORT=3210
BASE_PORT=3211
# The same app with its page cache off: every request renders the page.
RENDER_PORT=3212

if ! command -v wrk >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then apt-get install -y wrk >/dev/null || { apt-get update && apt-get install -y wrk; }
  else sudo apt-get install -y wrk; fi
fi
cargo build --release --example baseline --no-default-features --features ssr

work=$(mktemp -d)
pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

wait_for() { for _ in $(seq 100); do curl -fs "$1" >/dev/null && return 0; sleep 0.1; done; echo "$1 did not answer" >&2; exit 1; }

TICK_ADDR=127.0.0.1:$TICK_PORT TICK_DATA_DIR="$work" TICK_LOG=warn LEPTOS_SITE_ROOT=target/site \
  target/release/tick & pids+=($!)
wait_for "http://127.0.0.1:$TICK_PORT/healthz"
# One account; its session cookie goes with every request, as a signed-in browser's would.
jar="$work/cookies"
curl -fs -o /dev/null -c "$jar" -d "username=bench&password=benchmark%20pass%20phrase" \
  "http://127.0.0.1:$TICK_PORT/fn/account/sign_up"
for n in $(seq 50); do
  curl -fs -o /dev/null -b "$jar" -X POST -d "title=To-do number $n with a realistic title" \
    "http://127.0.0.1:$TICK_PORT/fn/todos/add"
done
session=$(awk '$6 == "tick_session" { print $7 }' "$jar")
# A list of 50 to-dos that the bench user shares with an editor and a viewer; the viewer loads it.
shared=$(curl -fs -b "$jar" -d "name=Shared" "http://127.0.0.1:$TICK_PORT/fn/lists/create" |
  sed -E 's/.*"id":([0-9]+).*/\1/')
for n in $(seq 50); do
  curl -fs -o /dev/null -b "$jar" -X POST -d "list=$shared&title=Shared to-do $n with a realistic title" \
    "http://127.0.0.1:$TICK_PORT/fn/todos/add"
done
for member in editor viewer; do
  curl -fs -o /dev/null -c "$work/$member" \
    -d "username=bench-$member&password=benchmark%20pass%20phrase" \
    "http://127.0.0.1:$TICK_PORT/fn/account/sign_up"
  curl -fs -o /dev/null -b "$jar" -d "list=$shared&username=bench-$member&role=$member" \
    "http://127.0.0.1:$TICK_PORT/fn/lists/share"
done
viewer=$(awk '$6 == "tick_session" { print $7 }' "$work/viewer")
target/release/examples/baseline "$work/tick.db" "127.0.0.1:$BASE_PORT" & pids+=($!)
wait_for "http://127.0.0.1:$BASE_PORT/"
TICK_ADDR=127.0.0.1:$RENDER_PORT TICK_DATA_DIR="$work" TICK_LOG=warn TICK_NO_PAGE_CACHE=true \
  LEPTOS_SITE_ROOT=target/site target/release/tick & pids+=($!)
wait_for "http://127.0.0.1:$RENDER_PORT/healthz"

rps() { wrk -t2 -c"$CONNECTIONS" -d"$DURATION" -H "Cookie: tick_session=$session" "$1" | awk '/Requests\/sec/ { print $2 }'; }
wrk -t2 -c8 -d2s -H "Cookie: tick_session=$session" "http://127.0.0.1:$TICK_PORT/" >/dev/null # warm up
wrk -t2 -c8 -d2s "http://127.0.0.1:$BASE_PORT/" >/dev/null
wrk -t2 -c8 -d2s -H "Cookie: tick_session=$session" "http://127.0.0.1:$RENDER_PORT/" >/dev/null
base=$(rps "http://127.0.0.1:$BASE_PORT/")
tick=$(rps "http://127.0.0.1:$TICK_PORT/")
render=$(rps "http://127.0.0.1:$RENDER_PORT/")
# As browsers ask: gzip. Kept pages go out pre-compressed; the baseline never compresses.
gzip=$(wrk -t2 -c"$CONNECTIONS" -d"$DURATION" -H "Cookie: tick_session=$session" \
  -H "Accept-Encoding: gzip, deflate, br" "http://127.0.0.1:$TICK_PORT/" | awk '/Requests\/sec/ { print $2 }')
shared_rps() { wrk -t2 -c"$CONNECTIONS" -d"$DURATION" -H "Cookie: tick_session=$viewer" "$1" | awk '/Requests\/sec/ { print $2 }'; }
wrk -t2 -c8 -d2s -H "Cookie: tick_session=$viewer" "http://127.0.0.1:$TICK_PORT/lists/$shared" >/dev/null
shared_kept=$(shared_rps "http://127.0.0.1:$TICK_PORT/lists/$shared")
shared_render=$(shared_rps "http://127.0.0.1:$RENDER_PORT/lists/$shared")
echo "baseline (axum+sqlx, plain HTML): $base req/s"
echo "tick (Leptos SSR page, signed in, page cache on): $tick req/s"
echo "tick (the same, rendering every request): $render req/s"
echo "tick (page cache on, gzip as browsers ask): $gzip req/s"
echo "tick, a list of 50 shared by 3 users, as its viewer (page cache on): $shared_kept req/s"
echo "tick, the same, rendering every request: $shared_render req/s"
awk -v t="$tick" -v r="$render" -v b="$base" -v s="$shared_kept" -v sr="$shared_render" 'BEGIN {
  printf "tick / baseline: %.0f%% (target: at least 70%%); rendering every request: %.0f%%\n", 100 * t / b, 100 * r / b
  printf "shared list / baseline: %.0f%%; rendering every request: %.0f%%\n", 100 * s / b, 100 * sr / b }'
