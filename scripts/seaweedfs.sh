#!/usr/bin/env bash
# Runs SeaweedFS (`weed mini`, installed by scripts/setup.sh) in the foreground as the S3 store
# of `make cluster` and the benchmarks: data in DIR, S3 on 127.0.0.1:PORT (its other ports are
# PORT+2 … PORT+16), the bucket BUCKET created, the admin keys from AWS_ACCESS_KEY_ID and
# AWS_SECRET_ACCESS_KEY. Usage: scripts/seaweedfs.sh DIR PORT BUCKET
set -euo pipefail
dir=$1 port=$2 bucket=$3
weed=${TICK_WEED:-$HOME/.local/share/tick/seaweedfs/bin/weed}
[ -x "$weed" ] || { echo "no SeaweedFS at $weed: run scripts/setup.sh" >&2; exit 1; }
mkdir -p "$dir"
p=$((port + 1))
exec "$weed" mini -dir="$dir" -ip=127.0.0.1 -ip.bind=127.0.0.1 -master.telemetry=false \
  -admin.ui=false -webdav=false -bucket="$bucket" -s3.port="$port" -s3.port.grpc=$((p + 10)) \
  -s3.port.iceberg=0 -s3.port.lance=0 -master.port=$((p + 1)) -master.port.grpc=$((p + 11)) \
  -volume.port=$((p + 2)) -volume.port.grpc=$((p + 12)) -filer.port=$((p + 3)) \
  -filer.port.grpc=$((p + 13)) -admin.port=$((p + 4)) -admin.port.grpc=$((p + 14)) \
  -debug.port=$((p + 5)) -s3.debug.port=$((p + 6))
