# The two commands of the README: `make run` and `make test`. Both set up everything they need.
PYTHON ?= $(shell command -v python3.12 || command -v python3.11 || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint schema clean-data

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; assert (3, 11) <= sys.version_info[:2] <= (3, 12), "Python 3.11 or 3.12 is needed (Oso has no wheels for 3.13)"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/service serve

test: $(STAMP)
	$(BIN)/ruff check service tests migrations
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check service tests migrations
	$(BIN)/ruff format --check service tests migrations

schema: $(STAMP)
	$(BIN)/service export-schema

clean-data:
	rm -rf .data
