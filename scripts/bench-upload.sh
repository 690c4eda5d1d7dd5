#!/usr/bin/env bash
# Uploads one 1 GiB file to a release build of Tick and reports the server's peak memory
# growth and the upload throughput. A benchmark, not a test: it reports, it does not judge.
# STORE=s3 keeps the attachment in SeaweedFS (S3, started here) instead of a local folder.
set -euo pipefail
cd "$(dirname "$0")/.."

SIZE_MIB=${SIZE_MIB:-1024}
STORE=${STORE:-local}
PORT=3212
S3_PORT=3240
work=$(mktemp -d)
pid=
weed=
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null
  [ -n "$weed" ] && kill "$weed" 2>/dev/null && wait "$weed" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

if [ "$STORE" = s3 ]; then
  export AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench-secret AWS_REGION=us-east-1
  export AWS_ENDPOINT_URL=http://127.0.0.1:$S3_PORT AWS_ALLOW_HTTP=true TICK_STORAGE=s3://bench/tick
  scripts/seaweedfs.sh "$work/seaweedfs" "$S3_PORT" bench >"$work/seaweedfs.log" 2>&1 &
  weed=$!
  for _ in $(seq 240); do curl -s -o /dev/null "$AWS_ENDPOINT_URL/" && break; sleep 0.25; done
  sleep 3 # the volume server joins a moment after the S3 port opens
fi

TICK_ADDR=127.0.0.1:$PORT TICK_DATA_DIR="$work/data" TICK_LOG=warn LEPTOS_SITE_ROOT=target/site \
  TICK_MAX_FILE_SIZE=$((SIZE_MIB + 1))MiB TICK_USER_QUOTA=$((SIZE_MIB * 2))MiB "${TICK_BIN:-target/release/tick}" &
pid=$!
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.1; done

jar="$work/cookies"
curl -fs -o /dev/null -c "$jar" -d "username=uploader&password=benchmark%20pass%20phrase" \
  "http://127.0.0.1:$PORT/fn/account/sign_up"
todo=$(curl -fs -b "$jar" -d "title=big file" "http://127.0.0.1:$PORT/fn/todos/add" | sed 's/.*"id":\([0-9]*\).*/\1/')
head -c "$((SIZE_MIB * 1024 * 1024))" /dev/urandom > "$work/big.bin"

rss_kib() { awk -v key="$1" '$1 == key":" { print $2 }' "/proc/$pid/status"; }
# Reset the kernel's peak-RSS mark, so VmHWM afterwards is the peak during the upload.
echo 5 > "/proc/$pid/clear_refs" 2>/dev/null || echo "note: cannot reset the peak mark; it includes start-up" >&2
before=$(rss_kib VmRSS)
start=$(date +%s.%N)
status=$(curl -s -o "$work/reply" -w '%{http_code}' -b "$jar" -F "file=@$work/big.bin" \
  "http://127.0.0.1:$PORT/todos/$todo/attachments")
end=$(date +%s.%N)
peak=$(rss_kib VmHWM)
[ "$status" = 201 ] || { echo "upload failed: HTTP $status: $(cat "$work/reply")" >&2; exit 1; }
if [ "$STORE" = s3 ]; then
  stored=$(sed -E 's/.*"size_bytes":([0-9]+).*/\1/' "$work/reply")
else
  stored=$(find "$work/data/attachments/files" -type f -printf '%s\n')
fi

awk -v size="$SIZE_MIB" -v store="$STORE" -v s="$start" -v e="$end" -v b="$before" -v p="$peak" -v stored="$stored" 'BEGIN {
  printf "uploaded %d MiB to the %s store in %.1f s: %.0f MiB/s\n", size, store, e - s, size / (e - s)
  printf "server memory: %.1f MiB before, %.1f MiB peak: grew %.1f MiB\n", b / 1024, p / 1024, (p - b) / 1024
  printf "stored file: %d bytes\n", stored
}'
