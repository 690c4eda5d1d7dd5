#!/usr/bin/env bash
# Reports the release hydrate .wasm, raw and gzipped, and fails when it is over the budget.
set -euo pipefail
cd "$(dirname "$0")/.."

# The budget: 190,000 bytes gzipped. The goal was 180,000; live sync (the event stream shared
# between tabs, and merging the list when it changes elsewhere) did not fit in it, and the
# issue that added it allowed the guard to move this far (see the README's Measurements).
# Only the islands are in the Wasm (the to-do list and the token copy button).
BUDGET_GZIP_BYTES=${BUDGET_GZIP_BYTES:-190000}

wasm=$(ls -t target/site/pkg/*.wasm 2>/dev/null | head -n 1 || true)
if [ -z "$wasm" ]; then
  echo "no release build: run 'make build' first" >&2
  exit 1
fi
raw=$(stat -c %s "$wasm")
gz=$(gzip -9 -c "$wasm" | wc -c)
printf 'hydrate wasm: %s\n  raw:  %6d bytes (%d KiB)\n  gzip: %6d bytes (%d KiB), budget %d bytes\n' \
  "$wasm" "$raw" $((raw / 1024)) "$gz" $((gz / 1024)) "$BUDGET_GZIP_BYTES"
if [ "$gz" -gt "$BUDGET_GZIP_BYTES" ]; then
  echo "the hydrate wasm is over its gzip budget" >&2
  exit 1
fi
