# Questlog — the commands a developer and CI use. Each target creates .venv when missing.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000

.DEFAULT_GOAL := help
.PHONY: help run test lint format bench docs contracts clean

help:
	@echo "make run    - install and serve the all-in-one on http://$(HOST):$(PORT) (SQLite, no servers needed)"
	@echo "make test   - install dev extras and run the whole test suite"
	@echo "make lint   - ruff (lint + format check), mypy --strict on src/, import-linter"
	@echo "make bench  - run the benchmarks in bench/ and print their figures"
	@echo "make docs   - build the documentation site with mkdocs --strict"
	@echo "make contracts - regenerate contracts/ (OpenAPI and event schemas)"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# A stamp per install profile, redone when pyproject.toml changes.
$(VENV)/.run-installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[server,worker,redis]'
	@touch $@

$(VENV)/.dev-installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev,docs]'
	@touch $@ $(VENV)/.run-installed

run: $(VENV)/.run-installed
	$(BIN)/questlog serve --host $(HOST) --port $(PORT)

# axe-core for the web client's browser tests (tests/e2e/web), redone when its lock changes.
E2E_WEB := tests/e2e/web
$(E2E_WEB)/node_modules/.installed: $(E2E_WEB)/package-lock.json
	npm ci --prefix $(E2E_WEB) --no-audit --no-fund
	@touch $@

# worksteal: a worker that runs out of tests takes some of the other's, so the slow e2e tests
# do not leave one core idle at the end (with it the test time summed over both workers, /2,
# equals the wall time: 534 s against 532 s in one run)
test: $(VENV)/.dev-installed $(E2E_WEB)/node_modules/.installed
	$(BIN)/python -m pytest -n 2 --dist worksteal

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

format: $(VENV)/.dev-installed
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: $(VENV)/.dev-installed
	@for b in bench/bench_*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

docs: $(VENV)/.dev-installed
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict

contracts: $(VENV)/.dev-installed
	$(BIN)/python -m apps.contracts

clean:
	rm -rf $(VENV) site .pytest_cache .mypy_cache .ruff_cache .hypothesis .artifacts $(E2E_WEB)/node_modules
