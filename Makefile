# Tick's two commands: `make run` starts the app on SQLite, `make test` runs every test.
# Both install what is missing first (idempotent, quick when everything is there).

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

# Tools found here win over anything else on PATH (wasm-opt from binaryen@132, Playwright).
export PATH := $(CURDIR)/end2end/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)

ADDR ?= 127.0.0.1:3000

.PHONY: help setup run build test lint deny unit e2e wasm-size screenshots e2e-cluster cluster bench bench-events bench-upload bench-cluster clean

help:
	@echo "make run    build and start Tick at http://$(ADDR) (SQLite in ./data)"
	@echo "make test   lint, deny, unit + integration tests (SQLite and PostgreSQL), Playwright"
	@echo "            (one node, then two behind haproxy with one killed mid-run)"
	@echo "make cluster  PostgreSQL, SeaweedFS (S3), two Tick nodes and haproxy on http://$(ADDR)"
	@echo "make deny   cargo-deny: RustSec advisories, one sqlx version, crates.io sources only"
	@echo "make screenshots  the README's pictures (docs/screenshots/), not part of make test"
	@echo "make bench  Tick against hand-written axum+sqlx: mixed load, latency at a fixed rate,"
	@echo "            cache misses, API, log-in, a million to-dos, live sync (~15 min)"
	@echo "make bench-events  1,000 open event streams: memory each, delivery of one change"
	@echo "make bench-upload  a 1 GiB upload: throughput and server memory growth (STORE=s3)"
	@echo "make bench-cluster  two nodes behind haproxy against one node direct (oha)"

## Install what is missing: wasm32 target, cargo-leptos, wasm-bindgen-cli, cargo-deny, Chromium,
## npm packages.
setup:
	@scripts/setup.sh

## Release build of both halves (server binary + hydrate Wasm) with cargo-leptos.
build: setup
	cargo leptos build --release

run: build
	TICK_ADDR=$(ADDR) LEPTOS_SITE_ROOT=target/site target/release/tick

test: setup lint deny unit e2e e2e-cluster wasm-size

lint:
	cargo fmt --all -- --check
	cargo clippy --features ssr --all-targets -- -D warnings
	cargo clippy --lib --target wasm32-unknown-unknown --no-default-features --features hydrate -- -D warnings

## Dependency checks (deny.toml): RustSec advisories from the offline snapshot, bans, sources.
deny:
	@scripts/deny.sh

## Unit tests and the integration suite, which runs every case on SQLite and on PostgreSQL.
unit:
	@scripts/ensure-postgres.sh
	cargo test --features ssr

e2e: build
	@scripts/ensure-postgres.sh
	cd end2end && npx playwright test

## The multi-node run: the shared specs against two nodes behind haproxy (on PostgreSQL and
## SeaweedFS), a node killed with SIGKILL under an open page, the specs again on the survivor.
e2e-cluster: build
	cd end2end && npx playwright test --config cluster.config.ts

## Several nodes as in production, in the foreground (Ctrl-C stops all): PostgreSQL, SeaweedFS
## as the S3 store, two release nodes on :3001 and :3002, haproxy in front on $(ADDR).
cluster: build
	TICK_LB_ADDR=$(ADDR) scripts/cluster.sh

## Reports the release hydrate .wasm size, raw and gzipped, and fails over the budget.
wasm-size:
	@scripts/wasm-size.sh

## The README's screenshots: a sample list at 390 and 1100 px, light and dark, written to
## docs/screenshots/. Starts its own server on a fresh SQLite database (end2end/screenshots.config.ts).
screenshots: build
	cd end2end && npx playwright test --config screenshots.config.ts

bench: build
	@scripts/bench.sh

## 1,000 open event streams: memory per stream, and how long one change takes to reach all.
bench-events: build
	@scripts/bench-events.sh

## Uploads a 1 GiB file; reports throughput and the server's peak memory growth.
bench-upload: build
	@scripts/bench-upload.sh

## Two nodes behind haproxy against one node direct: list-page throughput and p99 (oha).
bench-cluster: build
	@scripts/bench-cluster.sh

clean:
	cargo clean
	rm -rf end2end/node_modules end2end/test-results
