#!/usr/bin/env bash
# The cost of the balancer and of the shared state: two Tick nodes behind haproxy (the
# `make cluster` set-up: PostgreSQL, SeaweedFS, deploy/haproxy.cfg) against one of those nodes
# reached directly, on this machine. Load: a signed-in user's list page (50 to-dos) at a fixed
# rate with oha (`-q`, `--latency-correction`, so a slow answer counts for the requests it
# held up), then the same over a single node. Reports throughput and p50/p99 of each.
# A benchmark, not a test: it reports. Needs a release build (`make build`).
set -euo pipefail
cd "$(dirname "$0")/.."

OHA_VERSION=1.16.0
RATE=${RATE:-400}
DURATION=${DURATION:-20s}
CONNECTIONS=${CONNECTIONS:-32}
LB=127.0.0.1:3230
NODES="3231 3232"
export PATH="$HOME/.cargo/bin:$PATH"

if ! oha --version 2>/dev/null | grep -q " $OHA_VERSION"; then
  echo "==> installing oha $OHA_VERSION (a few minutes)"
  cargo install oha --locked --version "$OHA_VERSION"
fi

work=$(mktemp -d)
db=tick_bench_$$
cluster=
cleanup() {
  [ -n "$cluster" ] && kill "$cluster" 2>/dev/null && wait "$cluster" 2>/dev/null
  psql postgres://postgres@127.0.0.1:5432/postgres -qc "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" || true
  rm -rf "$work"
}
trap cleanup EXIT

TICK_LB_ADDR=$LB TICK_NODE_PORTS=$NODES TICK_CLUSTER_DB=$db TICK_CLUSTER_DIR="$work" \
  TICK_S3_PORT=3250 TICK_LOG=warn scripts/cluster.sh >"$work/cluster.log" 2>&1 &
cluster=$!
for _ in $(seq 240); do curl -fs -o /dev/null "http://$LB/healthz" && break; sleep 0.25; done
curl -fs -o /dev/null "http://$LB/healthz" || { cat "$work/cluster.log"; exit 1; }

jar="$work/cookies"
curl -fs -o /dev/null -c "$jar" -d "username=bench&password=benchmark%20pass%20phrase" \
  "http://$LB/fn/account/sign_up"
for n in $(seq 50); do
  curl -fs -o /dev/null -b "$jar" -X POST -d "title=To-do number $n with a realistic title" \
    "http://$LB/fn/todos/add"
done
session=$(awk '$6 == "tick_session" { print $7 }' "$jar")

load() { # URL → "rps p50 p99" (milliseconds)
  oha --no-tui -q "$RATE" -z "$DURATION" -c "$CONNECTIONS" --latency-correction \
    --output-format json -H "Cookie: tick_session=$session" "$1" |
    python3 -c 'import json, sys
r = json.load(sys.stdin)
s, p = r["summary"], r["latencyPercentiles"]
codes = r.get("statusCodeDistribution", {})
print("%.0f %.2f %.2f %s" % (s["requestsPerSec"], p["p50"] * 1000, p["p99"] * 1000,
      ",".join("%s:%s" % kv for kv in sorted(codes.items()))))'
}
direct_port=${NODES%% *}
oha --no-tui -z 3s -c 8 -H "Cookie: tick_session=$session" "http://$LB/" >/dev/null # warm up
read -r d_rps d_p50 d_p99 d_codes < <(load "http://127.0.0.1:$direct_port/")
read -r b_rps b_p50 b_p99 b_codes < <(load "http://$LB/")
echo "list page at $RATE req/s for $DURATION ($CONNECTIONS connections), latency-corrected:"
printf '  one node direct:        %5s req/s  p50 %6s ms  p99 %7s ms  (%s)\n' "$d_rps" "$d_p50" "$d_p99" "$d_codes"
printf '  two nodes via haproxy:  %5s req/s  p50 %6s ms  p99 %7s ms  (%s)\n' "$b_rps" "$b_p50" "$b_p99" "$b_codes"
