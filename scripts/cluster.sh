#!/usr/bin/env bash
# `make cluster`: Tick as several nodes run it, on this machine, in the foreground: PostgreSQL
# (scripts/ensure-postgres.sh), SeaweedFS as the S3 store, two release nodes, and Debian's
# haproxy in front (deploy/haproxy.cfg: round robin, health-checked on /healthz). Ctrl-C stops
# everything it started, and so does PostgreSQL's, SeaweedFS's or haproxy's end; a node that
# dies is reported and the others carry on, as in production. Needs a release build.
#
# Settings (environment): TICK_LB_ADDR (127.0.0.1:3000), TICK_NODE_PORTS ("3001 3002"),
# TICK_CLUSTER_DB (tick_cluster: a PostgreSQL database, created if missing),
# TICK_CLUSTER_DIR (data/cluster: the nodes' and SeaweedFS's files), TICK_S3_PORT (8333),
# TICK_BIN (target/release/tick), TICK_CLUSTER_FRESH (1: drop the database and the files first,
# as the multi-node browser tests do). Each node's pid is written to TICK_CLUSTER_DIR/nodeN.pid.
set -euo pipefail
cd "$(dirname "$0")/.."

LB_ADDR=${TICK_LB_ADDR:-127.0.0.1:3000}
read -r -a NODE_PORTS <<<"${TICK_NODE_PORTS:-3001 3002}"
DB_NAME=${TICK_CLUSTER_DB:-tick_cluster}
DIR=${TICK_CLUSTER_DIR:-data/cluster}
S3_PORT=${TICK_S3_PORT:-8333}
PG=postgres://postgres@127.0.0.1:5432
BUCKET=tick

step() { printf '\033[1m==> %s\033[0m\n' "$*"; }
die() { printf '\033[1;31merror: %s\033[0m\n' "$*" >&2; exit 1; }

TICK_BIN=${TICK_BIN:-target/release/tick}
[ -x "$TICK_BIN" ] || die "no $TICK_BIN: run 'make build'"
[ -d target/site/pkg ] || printf 'warning: no target/site/pkg: pages will have no Wasm (make build)\n' >&2
command -v haproxy >/dev/null 2>&1 || die "no haproxy: run scripts/setup.sh"

pids=()
node_pids=()
stop_all() {
  trap - EXIT INT TERM
  [ ${#pids[@]} -gt 0 ] && kill "${pids[@]}" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap stop_all EXIT
trap 'exit 130' INT TERM

wait_for() { # URL, what, tries of 0.25 s
  for _ in $(seq "${3:-120}"); do curl -fs -o /dev/null "$1" 2>/dev/null && return 0; sleep 0.25; done
  die "$2 did not answer at $1"
}

scripts/ensure-postgres.sh
if [ "${TICK_CLUSTER_FRESH:-0}" = 1 ]; then
  psql "$PG/postgres" -qc "DROP DATABASE IF EXISTS \"$DB_NAME\" WITH (FORCE)"
  rm -rf "$DIR"
fi
if ! psql "$PG/postgres" -Atc "SELECT 1 FROM pg_database WHERE datname = '$DB_NAME'" | grep -q 1; then
  psql "$PG/postgres" -qc "CREATE DATABASE \"$DB_NAME\""
fi
mkdir -p "$DIR"

# SeaweedFS's admin identity has these keys; the nodes use the same.
export AWS_ACCESS_KEY_ID=${AWS_ACCESS_KEY_ID:-tick-cluster} AWS_SECRET_ACCESS_KEY=${AWS_SECRET_ACCESS_KEY:-tick-cluster-secret}
step "SeaweedFS (S3) on 127.0.0.1:$S3_PORT"
scripts/seaweedfs.sh "$DIR/seaweedfs" "$S3_PORT" "$BUCKET" >"$DIR/seaweedfs.log" 2>&1 &
pids+=($!)
# Up when its S3 port answers (an unsigned request gets an S3 error); a node that starts
# before its volume server has joined cannot reach the bucket, and is started again.
for _ in $(seq 240); do
  curl -s -o /dev/null "http://127.0.0.1:$S3_PORT/" 2>/dev/null && break
  sleep 0.25
done

export DATABASE_URL=$PG/$DB_NAME TICK_STORAGE=s3://$BUCKET/attachments
export AWS_ENDPOINT_URL=http://127.0.0.1:$S3_PORT AWS_ALLOW_HTTP=true AWS_REGION=us-east-1
export TICK_TRUSTED_PROXIES=127.0.0.1 LEPTOS_SITE_ROOT=target/site TICK_LOG=${TICK_LOG:-info}
nodes=()
for i in "${!NODE_PORTS[@]}"; do
  port=${NODE_PORTS[$i]}
  step "Tick node $((i + 1)) on 127.0.0.1:$port"
  mkdir -p "$DIR/node$((i + 1))"
  # The object store may still be joining its volume server: a node that cannot reach it
  # exits at start-up; try again.
  for attempt in 1 2 3 4 5 6 7 8; do
    TICK_ADDR=127.0.0.1:$port TICK_DATA_DIR="$DIR/node$((i + 1))" "$TICK_BIN" \
      >>"$DIR/node$((i + 1)).log" 2>&1 &
    pid=$!
    for _ in $(seq 40); do
      curl -fs -o /dev/null "http://127.0.0.1:$port/healthz" 2>/dev/null && break 2
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.25
    done
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    [ "$attempt" = 8 ] && die "node $((i + 1)) did not start; see $DIR/node$((i + 1)).log"
    sleep 1
  done
  pids+=("$pid")
  node_pids+=("$pid")
  echo "$pid" >"$DIR/node$((i + 1)).pid"
  nodes+=("127.0.0.1:$port")
done

step "haproxy on http://$LB_ADDR (deploy/haproxy.cfg)"
TICK_LB_ADDR=$LB_ADDR TICK_NODE_1=${nodes[0]} TICK_NODE_2=${nodes[1]:-${nodes[0]}} \
  haproxy -db -f deploy/haproxy.cfg &
pids+=($!)
wait_for "http://$LB_ADDR/healthz" haproxy
step "Tick runs at http://$LB_ADDR on ${#nodes[@]} nodes; logs in $DIR; Ctrl-C stops everything"
printf '%s\n' "${pids[@]}" >"$DIR/pids"
# Until Ctrl-C, or until the store or the balancer ends. A node that ends is only reported.
running=("${pids[@]}")
while true; do
  ended=
  wait -n -p ended "${running[@]}" || true
  [ -n "$ended" ] || continue
  if [[ " ${node_pids[*]} " == *" $ended "* ]]; then
    printf '\033[1;33mwarning: node (pid %s) ended; the others carry on\033[0m\n' "$ended" >&2
    running=("${running[@]/$ended/}")
    read -r -a running <<<"${running[*]}"
    continue
  fi
  die "SeaweedFS or haproxy (pid $ended) ended; stopping the rest"
done
