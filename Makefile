# The two commands of the README: `make run` and `make test`. Both set up everything they need.
# The first Python that runs and is 3.11 or 3.12 (Oso has no wheels for 3.13).
PYTHON ?= $(shell for p in python3.12 python3.11 python3; do \
	$$p -c 'import sys; sys.exit(not (3, 11) <= sys.version_info[:2] <= (3, 12))' 2>/dev/null \
	&& command -v $$p && break; done)
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test test-all test-citus lint schema lock clean-data bench

$(STAMP): pyproject.toml
	@test -n "$(PYTHON)" || { echo "Python 3.11 or 3.12 is needed (Oso has no wheels for 3.13)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

# Development mode is never inferred (a deployment without a database URL fails instead).
# GraphiQL's scripts are fetched once from the npm registry and served from this origin, so the
# page works in a closed network too; without the registry the page says so (not fatal).
run: $(STAMP)
	-SERVICE_DEV_MODE=true $(BIN)/service graphiql-assets
	SERVICE_DEV_MODE=true $(BIN)/service serve

test: $(STAMP)
	$(BIN)/ruff check service tests migrations
	$(BIN)/ruff format --check service tests migrations bench
	$(BIN)/pytest

# The same suite with the soak and the fuzzing run long (minutes, not seconds).
test-all: $(STAMP)
	$(BIN)/ruff check service tests migrations
	SOAK_SECONDS=60 FUZZ_EXAMPLES=25 $(BIN)/pytest

# Tenancy, audit, Auskunft and the domains' tests on a real Citus cluster (issue 19; not in `make
# test`): a coordinator and two workers on loopback (deploy/citus/cluster.sh), a fresh database
# migrated and distributed (migrations/citus/distribute.sql). Skips with a message where Citus is
# not installed (deploy/citus/build.sh builds it from source, as root). Results: docs/scale-out.md.
CITUS_TESTS ?= tests/citus tests/tenants tests/audit tests/access_report tests/cases \
	tests/clients tests/referrals tests/consent tests/compiled tests/admin tests/web \
	tests/scenarios tests/indicators tests/diary tests/schema tests/identity tests/policy \
	tests/demo tests/test_not_yours.py
test-citus: $(STAMP)
	deploy/citus/test.sh $(CITUS_TESTS)

lint: $(STAMP)
	$(BIN)/ruff check service tests migrations
	$(BIN)/ruff format --check service tests migrations bench

# The benchmark of issue 8 (bench/): installs wrk (apt-get) and PostGraphile + Node 22 (npm, into
# bench/.peer/) if missing, generates the data, runs everything on loopback, prints one table.
# BENCH_ARGS="--scale 0.1" shrinks every size.
bench: $(STAMP)
	$(BIN)/pip install --quiet -e '.[test,bench]'
	$(BIN)/python -m bench $(BENCH_ARGS)

# The runtime dependencies pinned with their hashes, for the image (deploy/Dockerfile installs
# from it with --require-hashes). Rerun after changing pyproject.toml's dependencies; neither
# `make run` nor `make test` needs it. uv resolves for the image's Python (3.12) on every platform.
lock: $(STAMP)
	$(BIN)/pip install --quiet 'uv>=0.9'
	$(BIN)/uv pip compile pyproject.toml --universal --python-version 3.12 --generate-hashes \
		--quiet --custom-compile-command 'make lock' -o deploy/requirements.lock

schema: $(STAMP)
	$(BIN)/service export-schema

clean-data:
	rm -rf .data
