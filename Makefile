# One target per stage; CI calls the same targets. Everything installs from pyproject.toml + constraints.txt.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

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

.PHONY: setup demo test airflow sandbox bench lint dbt-docs clean

## setup: virtual environment from the lock file, Airflow's metadata database, dbt's manifest
setup: $(VENV)/.installed $(AIRFLOW_HOME)/airflow.db dbt_project/target/manifest.json

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

## test: the whole test suite (what CI runs)
test: setup
	$(BIN)/pytest

## airflow: the Airflow UI (airflow standalone) on the same DuckDB; log in with the printed password
airflow: setup
	$(BIN)/airflow standalone

## sandbox: the simulated platform APIs on http://127.0.0.1:8765
sandbox: setup
	$(BIN)/python -m warehouse sandbox

## bench: throughput and memory benchmarks, results in bench/results/
bench: setup
	$(BIN)/python bench/pipeline_bench.py
	$(BIN)/python bench/sentiment_bench.py

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
