# One target per stage; CI calls the same targets. Everything installs from pyproject.toml + constraints.txt.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

# `airflow standalone` starts its components as `airflow ...` subprocesses found on PATH: the venv's first.
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)
export AIRFLOW_HOME ?= $(CURDIR)/.airflow
export AIRFLOW__CORE__DAGS_FOLDER := $(CURDIR)/dags
export AIRFLOW__CORE__LOAD_EXAMPLES := False
export AIRFLOW__CORE__PARALLELISM := 4
export AIRFLOW__CORE__DAGBAG_IMPORT_TIMEOUT := 120
# Nothing phones home: this warehouse runs on machines without internet.
export AIRFLOW__USAGE_DATA_COLLECTION__ENABLED := False
export AIRFLOW__COSMOS__ENABLE_TELEMETRY := False
export DO_NOT_TRACK := 1
export SCARF_ANALYTICS := false
export GX_ANALYTICS_ENABLED := false
export DBT_SEND_ANONYMOUS_USAGE_STATS := False

DBT_SOURCES := $(shell find dbt_project/models dbt_project/macros dbt_project/tests -type f 2>/dev/null) dbt_project/dbt_project.yml

.PHONY: setup system-packages demo test test-airflow test-accurate test-spark airflow sandbox check-credentials bench lint dbt-docs clean

## setup: Debian packages, virtual environment from the lock file, Airflow's metadata database, dbt's manifest
setup: system-packages $(VENV)/.installed $(AIRFLOW_HOME)/airflow.db dbt_project/target/manifest.json

# pango draws the reports' PDFs (weasyprint); chromium runs the reports' browser tests (Playwright drives it).
SYSTEM_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 chromium

## system-packages: apt-get install what is missing of $(SYSTEM_PACKAGES), as root; skipped quietly otherwise
system-packages:
	@missing=$$(for package in $(SYSTEM_PACKAGES); do \
		dpkg-query -W -f='$${Status}' $$package 2>/dev/null | grep -q "ok installed" || echo $$package; done); \
	if [ -n "$$missing" ] && [ "$$(id -u)" = 0 ] && command -v apt-get > /dev/null; then \
		echo "apt-get install" $$missing; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing > /dev/null; \
	fi

$(VENV)/.installed: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade "pip>=24"
	$(BIN)/pip install --quiet -c constraints.txt -e ".[dev]"
	touch $@

$(AIRFLOW_HOME)/airflow.db: $(VENV)/.installed
	mkdir -p $(AIRFLOW_HOME)
	$(BIN)/airflow db migrate > $(AIRFLOW_HOME)/db-migrate.log 2>&1 || (cat $(AIRFLOW_HOME)/db-migrate.log; exit 1)
	$(BIN)/airflow pools set duckdb_writer 1 "DuckDB allows one writer at a time" > /dev/null

dbt_project/target/manifest.json: $(VENV)/.installed $(DBT_SOURCES)
	cd dbt_project && ../$(BIN)/dbt parse --profiles-dir . --quiet

## demo: the nightly DAG on the simulated world, with Airflow's dag.test()
demo: setup
	$(BIN)/python -m warehouse demo

## test: the whole test suite but the real-Airflow test (what CI runs), on TEST_WORKERS pytest-xdist workers
# Two workers halve the suite's time on a 2-core machine: most of it is dbt's and the simulator's single-threaded
# Python. Tests go out by module (tests/conftest.py says why); TEST_WORKERS=0 runs them in one process.
TEST_WORKERS ?= 2
test: setup
	$(BIN)/pytest -m "not airflow and not accurate and not spark" -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder

## test-airflow: `make airflow` for real, the nightly DAG triggered and run by its scheduler (what CI runs next)
# On the same workers: `make airflow`'s test on one, the backfill and `make demo` after it on the other.
test-airflow: setup
	$(BIN)/pytest -m airflow -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder

## test-accurate: the accurate sentiment tier on its whole held-out sets, its retraining, and the crisis e2e with it
test-accurate: setup
	$(BIN)/pytest -m accurate

## test-spark: every mart built on DuckDB and on Apache Spark (local mode) from one simulated world, compared row for row
test-spark: setup
	$(BIN)/pytest -m spark

## airflow: the Airflow UI (airflow standalone) on the same DuckDB; log in with the printed password
airflow: setup
	$(BIN)/airflow standalone

## sandbox: the simulated platform APIs on http://127.0.0.1:8765
sandbox: setup
	$(BIN)/python -m warehouse sandbox

## check-credentials: obtain a token with every account's credential (Airflow connection or SMW_CONN_*); fails if any is wrong
check-credentials: setup
	$(BIN)/python -m warehouse check-credentials

## bench: the warehouse stage by stage at SCALE=S (default) or M beside the DuckDB, pandas and polars references; results in bench/results/<scale>.json and docs/benchmarks.md
SCALE ?= S
bench: setup
	$(BIN)/python bench/run.py --scale $(SCALE)

## lint: ruff and mypy on Python, the layer contracts (import-linter), sqlfluff on the dbt models (what CI runs)
lint: setup
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/lint-imports
	SMW_WAREHOUSE=:memory: $(BIN)/sqlfluff lint dbt_project/models --processes 2

## dbt-docs: the analysts' data dictionary at http://127.0.0.1:8080
dbt-docs: setup
	cd dbt_project && ../$(BIN)/dbt docs generate --profiles-dir . && ../$(BIN)/dbt docs serve --profiles-dir . --port 8080

clean:
	rm -rf data .airflow dbt_project/target dbt_project/logs
