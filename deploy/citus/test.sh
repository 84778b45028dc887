#!/usr/bin/env bash
# `make test-citus`: start the loopback cluster, prepare a fresh database (migrations and
# distribute.sql), run the given tests against it, drop it. Skips (exit 0, with a message)
# where Citus is not installed; the servers are left running for the next run
# (`deploy/citus/cluster.sh stop` stops them).
set -uo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
CLUSTER=$HERE/cluster.sh

"$CLUSTER" start
rc=$?
if [ $rc = 3 ]; then
    echo "SKIPPED: Citus is not installed here (deploy/citus/build.sh builds it); no Citus tests ran"
    exit 0
elif [ $rc != 0 ]; then
    exit $rc
fi

DB=casework_citus_$(date +%s)_$$
trap '"$CLUSTER" drop "$DB" >/dev/null 2>&1' EXIT
"$CLUSTER" prepare "$DB" || exit 1

cd "$ROOT"
CITUS_TEST_DATABASE_URL=$("$CLUSTER" url "$DB") \
DATABASE_URL=$("$CLUSTER" url postgres) \
    "$ROOT/.venv/bin/pytest" -p no:cacheprovider "$@"
