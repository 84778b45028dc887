#!/usr/bin/env bash
# A Citus cluster on loopback for trying the schema distributed: one coordinator and two
# workers, each its own PostgreSQL 15 data directory under .data/citus/ (issue 19).
#
#   cluster.sh start            initdb (first time), start the three servers
#   cluster.sh prepare DB       create DB on every node with the citus extension, register the
#                               workers, `service migrate` at the coordinator, distribute.sql
#   cluster.sh drop DB          drop DB on every node
#   cluster.sh url DB           print the owner URL of DB at the coordinator
#   cluster.sh status | stop
#
# Needs the extension built by deploy/citus/build.sh. Exit 3 when Citus is not installed, so
# `make test-citus` can skip with a message. Development only: the nodes trust every loopback
# connection (the service role has no password here); a production cluster authenticates the
# nodes to each other (citus.node_conninfo, .pgpass or certificates), see docs/scale-out.md.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
PG_MAJOR=${PG_MAJOR:-15}
PGBIN=/usr/lib/postgresql/$PG_MAJOR/bin
DATA=${CITUS_DATA_DIR:-$ROOT/.data/citus}
PORT=${CITUS_PORT:-9700}   # coordinator; workers on the next two ports
NODES=(coordinator worker1 worker2)
OWNER=${CITUS_OWNER:-postgres}
SERVICE=${SERVICE_BIN:-$ROOT/.venv/bin/service}

port_of() { case $1 in coordinator) echo "$PORT" ;; worker1) echo $((PORT + 1)) ;; worker2) echo $((PORT + 2)) ;; esac; }

# PostgreSQL refuses to run as root: then the servers run as the `postgres` account.
as_pg() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

psql_at() { # node database sql...
    local node=$1 db=$2; shift 2
    as_pg "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$(port_of "$node")" -U "$OWNER" -d "$db" "$@"
}

require_citus() {
    if [ ! -f "$("$PGBIN/pg_config" --pkglibdir 2>/dev/null)/citus.so" ]; then
        echo "Citus is not installed for PostgreSQL $PG_MAJOR: run deploy/citus/build.sh (as root) first" >&2
        exit 3
    fi
}

start() {
    require_citus
    mkdir -p "$DATA"
    [ "$(id -u)" = 0 ] && chown postgres: "$DATA"
    for node in "${NODES[@]}"; do
        local dir=$DATA/$node
        if [ ! -f "$dir/PG_VERSION" ]; then
            as_pg mkdir -p "$dir"
            as_pg "$PGBIN/initdb" -D "$dir" -U "$OWNER" --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
            cat >>"$dir/postgresql.conf" <<CONF

# deploy/citus/cluster.sh
port = $(port_of "$node")
listen_addresses = '127.0.0.1'
unix_socket_directories = '$dir'
shared_preload_libraries = 'citus'
max_connections = 300
# The tenant is bound with SET LOCAL app.tenant_id in every transaction; Citus forwards
# SET LOCAL (and only that, not set_config()) to the workers it talks to.
citus.propagate_set_commands = 'local'
# 8 shards a table instead of 32: 30 tables, a test database made per run, DDL on every shard.
citus.shard_count = 8
log_min_messages = warning
CONF
        fi
        if ! as_pg "$PGBIN/pg_ctl" -D "$dir" status >/dev/null 2>&1; then
            as_pg "$PGBIN/pg_ctl" -D "$dir" -l "$dir/server.log" -w start >/dev/null
        fi
        echo "$node: running on 127.0.0.1:$(port_of "$node") ($dir)"
    done
}

stop() {
    for node in "${NODES[@]}"; do
        local dir=$DATA/$node
        if [ -f "$dir/postmaster.pid" ]; then
            as_pg "$PGBIN/pg_ctl" -D "$dir" -m fast -w stop >/dev/null && echo "$node: stopped"
        fi
    done
}

status() {
    for node in "${NODES[@]}"; do
        if as_pg "$PGBIN/pg_ctl" -D "$DATA/$node" status >/dev/null 2>&1; then
            echo "$node: running on 127.0.0.1:$(port_of "$node")"
        else
            echo "$node: stopped"
        fi
    done
}

url() { echo "postgresql://$OWNER@127.0.0.1:$PORT/$1"; }

prepare() {
    local db=$1
    require_citus
    for node in "${NODES[@]}"; do
        psql_at "$node" postgres -c "CREATE DATABASE \"$db\""
        psql_at "$node" "$db" -c "CREATE EXTENSION citus"
    done
    # Metadata is per database: register the nodes in this one.
    psql_at coordinator "$db" <<SQL
SELECT citus_set_coordinator_host('127.0.0.1', $PORT);
SELECT citus_add_node('127.0.0.1', $((PORT + 1)));
SELECT citus_add_node('127.0.0.1', $((PORT + 2)));
SQL
    # The token settings are required by every production start; migrate checks no token.
    DATABASE_URL=$(url "$db") SERVICE_DEV_MODE=false \
        TOKEN_ISSUER=${TOKEN_ISSUER:-https://idp.invalid} \
        TOKEN_JWKS_URL=${TOKEN_JWKS_URL:-https://idp.invalid/certs} "$SERVICE" migrate
    psql_at coordinator "$db" -f - <"$ROOT/migrations/citus/distribute.sql"
    echo "$db: migrated and distributed over $(psql_at coordinator "$db" -At -c \
        "SELECT count(*) FROM pg_dist_node WHERE noderole = 'primary' AND groupid <> 0") workers"
}

drop() {
    local db=$1
    for node in "${NODES[@]}"; do
        psql_at "$node" postgres -c "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)"
    done
}

case ${1:-} in
    start) start ;;
    stop) stop ;;
    status) status ;;
    prepare) prepare "${2:?database name}" ;;
    drop) drop "${2:?database name}" ;;
    url) url "${2:?database name}" ;;
    *) echo "usage: $0 start|stop|status|prepare DB|drop DB|url DB" >&2; exit 2 ;;
esac
