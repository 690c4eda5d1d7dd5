#!/usr/bin/env bash
# Makes sure a PostgreSQL server answers for the integration tests (TICK_TEST_POSTGRES_URL,
# default postgres://postgres@127.0.0.1:5432/test). Starts an installed cluster that is down;
# on a machine without PostgreSQL, installs Debian's and lets local TCP connections in.
set -euo pipefail

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
ready() { pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; }

ready && exit 0

if ! command -v pg_ctlcluster >/dev/null 2>&1; then
  echo "==> installing PostgreSQL from Debian for the tests"
  as_root apt-get update
  as_root apt-get install -y postgresql
  version=$(ls /etc/postgresql | sort -V | tail -n 1)
  hba=/etc/postgresql/$version/main/pg_hba.conf
  # Test machine only: trust local TCP connections, as the CI machines do.
  as_root sed -i '1i host all all 127.0.0.1/32 trust' "$hba"
  as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start
  for _ in $(seq 30); do ready && break; sleep 1; done
  as_root su postgres -c "createdb -h 127.0.0.1 test" || true
else
  echo "==> starting PostgreSQL"
  for version in $(ls /etc/postgresql); do
    as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  done
fi

for _ in $(seq 30); do ready && exit 0; sleep 1; done
echo "PostgreSQL does not answer on 127.0.0.1:5432" >&2
exit 1
