#!/usr/bin/env bash
# Checks Tick's dependencies with cargo-deny against deny.toml: RustSec advisories, bans, sources.
# GitHub is out of reach here, so the advisory database is an offline git bundle, cloned afresh
# each run (it is refreshed in place) into target/advisory-db, deny.toml's db-path. The bundle:
# $TICK_ADVISORY_DB_BUNDLE, else ../shared/advisory-db/, else /work/shared/advisory-db/.
# Without one, CI fails; elsewhere cargo-deny fetches the database itself, and if it cannot,
# only bans and sources are checked, with a warning.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

db_root=target/advisory-db
db_url=https://github.com/rustsec/advisory-db
# The folder cargo-deny 0.20 derives from deny.toml's db-urls entry.
db_dir=$db_root/advisory-db-3157b0e258782691

warn() { printf '\033[1;33mwarning: %s\033[0m\n' "$*" >&2; }
die() { printf '\033[1;31merror: %s\033[0m\n' "$*" >&2; exit 1; }

cargo deny --version >/dev/null 2>&1 || die "cargo-deny is not installed: run scripts/setup.sh (make setup)"

bundle=
if [ -n "${TICK_ADVISORY_DB_BUNDLE:-}" ]; then
  [ -f "$TICK_ADVISORY_DB_BUNDLE" ] || die "TICK_ADVISORY_DB_BUNDLE=$TICK_ADVISORY_DB_BUNDLE: no such file"
  bundle=$TICK_ADVISORY_DB_BUNDLE
else
  for candidate in ../shared/advisory-db/advisory-db.bundle /work/shared/advisory-db/advisory-db.bundle; do
    if [ -f "$candidate" ]; then bundle=$candidate; break; fi
  done
fi
if [ -z "$bundle" ] && [ -n "${CI:-}" ]; then
  die "no RustSec advisory database bundle: set TICK_ADVISORY_DB_BUNDLE, or put it at" \
    "../shared/advisory-db/advisory-db.bundle (beside the repository) or /work/shared/advisory-db/"
fi

# --offline below reads every crate's manifest from the local cargo cache.
cargo fetch --quiet

checks=(advisories bans sources)
if [ -n "$bundle" ]; then
  rm -rf "$db_root"
  mkdir -p "$db_root"
  git -c init.defaultBranch=main clone --quiet "$bundle" "$db_dir"
else
  # A clone of an earlier bundle has no usable origin; cargo-deny clones the real one afresh.
  if [ "$(git -C "$db_dir" remote get-url origin 2>/dev/null)" != "$db_url" ]; then
    rm -rf "$db_root"
  fi
  if ! cargo deny fetch db; then
    warn "no advisory database bundle and $db_url is out of reach:" \
      "SKIPPING the advisories check; checking bans and sources only"
    checks=(bans sources)
  fi
fi

# Inclusion graphs make each duplicate-version warning ~100 lines; `cargo tree -i CRATE@VERSION`
# shows who pulls a version in.
cargo deny --offline check --hide-inclusion-graph "${checks[@]}"
