#!/usr/bin/env bash
# Build and install the Citus extension from source against Debian's PostgreSQL 15, so that
# deploy/citus/cluster.sh can run a coordinator and two workers on loopback (issue 19).
# Citus is not packaged by Debian; its own apt repository is not reachable from every build
# machine, so this compiles the release tag below. Idempotent: does nothing when that version
# is already installed. Run as root (apt-get, `make install` into PostgreSQL's lib dir).
#
# Where the source comes from, first match wins:
#   CITUS_SRC=/path/to/tree          an unpacked source tree
#   CITUS_GIT_DIR=/path/to/repo.git  a (bare) clone: the tag is taken with `git archive`
#   otherwise                         the release tarball from GitHub, or `git clone --branch`
#                                     if curl cannot fetch it
# Environment: CITUS_VERSION (tag without the v, default 13.2.2: the newest line supporting
# PostgreSQL 15 — 14.x needs 16 to 18), PG_MAJOR (15), BUILD_DIR (.data/citus/build),
# MAKE_JOBS (2). The compile runs under `nice -n 10`: it shares the machine with test runs.
set -euo pipefail

CITUS_VERSION=${CITUS_VERSION:-13.2.2}
PG_MAJOR=${PG_MAJOR:-15}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD_DIR=${BUILD_DIR:-$ROOT/.data/citus/build}
MAKE_JOBS=${MAKE_JOBS:-2}
PG_CONFIG=/usr/lib/postgresql/$PG_MAJOR/bin/pg_config
TARBALL_URL=https://github.com/citusdata/citus/archive/refs/tags/v$CITUS_VERSION.tar.gz
GIT_URL=https://github.com/citusdata/citus.git

installed_version() {
    local control
    control="$("$PG_CONFIG" --sharedir 2>/dev/null)/extension/citus.control"
    [ -f "$control" ] && sed -n "s/^default_version = '\(.*\)'/\1/p" "$control"
    return 0
}

if [ -x "$PG_CONFIG" ] && [ -f "$("$PG_CONFIG" --pkglibdir)/citus.so" ] \
    && [ "$(installed_version)" = "${CITUS_VERSION%.*}-1" ]; then
    echo "citus $CITUS_VERSION already installed for PostgreSQL $PG_MAJOR ($("$PG_CONFIG" --pkglibdir)/citus.so)"
    exit 0
fi

# Build dependencies: the server headers (they pull in the -dev packages PGXS links against),
# lz4 and zstd (columnar compression), the Kerberos headers (libpq-be.h includes gssapi.h).
# No libcurl: configured --without-libcurl below.
PACKAGES=(build-essential postgresql-$PG_MAJOR postgresql-server-dev-$PG_MAJOR
    liblz4-dev libzstd-dev libkrb5-dev curl ca-certificates git)
missing=()
for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "installing: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

SRC=$BUILD_DIR/citus-$CITUS_VERSION
mkdir -p "$BUILD_DIR"
if [ -n "${CITUS_SRC:-}" ]; then
    SRC=$CITUS_SRC
elif [ ! -f "$SRC/configure" ]; then
    rm -rf "$SRC" && mkdir -p "$SRC"
    if [ -n "${CITUS_GIT_DIR:-}" ]; then
        git --git-dir="$CITUS_GIT_DIR" archive "v$CITUS_VERSION" | tar -x -C "$SRC"
    elif curl -fsSL --retry 3 "$TARBALL_URL" -o "$BUILD_DIR/citus-$CITUS_VERSION.tar.gz"; then
        tar -xzf "$BUILD_DIR/citus-$CITUS_VERSION.tar.gz" -C "$SRC" --strip-components=1
    else
        rm -rf "$SRC"
        git clone --depth 1 --branch "v$CITUS_VERSION" "$GIT_URL" "$SRC"
    fi
fi

cd "$SRC"
# PostgreSQL 15.20's server headers declare have_createdb_privilege() (commands/dbcommands.h),
# which Citus 13.2.2 still defines itself for PostgreSQL < 16: "static declaration follows
# non-static declaration" in commands/database.c. Use the server's function where it exists.
if grep -q 'have_createdb_privilege' "$("$PG_CONFIG" --includedir-server)/commands/dbcommands.h"; then
    perl -0pi -e 's/static inline bool\nhave_createdb_privilege\(void\)\n\{.*?\n\}\n//s' \
        src/include/pg_version_compat.h
fi
if [ ! -f config.status ]; then
    # --without-libcurl: no anonymous usage statistics sent home from a jobcenter's network.
    PG_CONFIG=$PG_CONFIG ./configure --without-libcurl
fi
# with_llvm=no: no LLVM bitcode for JIT inlining of Citus' own functions, which would compile
# every file a second time with clang (the build took twice as long for no use here).
nice -n 10 make -j"$MAKE_JOBS" with_llvm=no
make install with_llvm=no
echo "citus $CITUS_VERSION installed for PostgreSQL $PG_MAJOR ($("$PG_CONFIG" --pkglibdir)/citus.so)"
