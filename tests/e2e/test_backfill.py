"""Re-runs equal backfills: a backfill of fifteen nights followed by fifteen nights run one by one (as a new install
goes on) gives the same marts, to the bit, as the thirty nights loaded at once and built in one run."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import time
from pathlib import Path

import pytest
from dbt.cli.main import dbtRunner

from core.config import load_settings
from core.db import connect
from loader import load_date
from simulator.bulk import land_history
from warehouse import pipeline
from warehouse.dbt import DBT_FLAGS, DBT_PROJECT

# In make test-airflow (marker airflow), which CI runs after make test: fifteen nightly builds take minutes.
pytestmark = pytest.mark.airflow
CONFIG = Path(__file__).with_name("backfill_world.yml")
# Nights run one by one after the first backfill: three times the world's lookback (5 nights), so the nights
# dropped out of the window and those rewritten in it both reach the marts. (Thirty of them took 11 of CI's
# minutes; the nights before are what a new install's backfill does.)
NIGHTLY_RUNS = 15
# The models an incremental model reads, and the incremental models: what a night must build so that the nights
# after it find what it computed. (The other models are rebuilt whole each night from them and raw.)
INCREMENTAL = "+config.materialized:incremental"
INCREMENTAL_STAGING = [f"path:models/staging,{INCREMENTAL}", f"path:models/intermediate,{INCREMENTAL}"]
INCREMENTAL_MARTS = f"path:models/marts,{INCREMENTAL}"
EVERYTHING = ["path:models/staging", "path:models/intermediate"]


def build(day: dt.date, lookback_days: int, select: str, staging: list[str] = EVERYTHING) -> None:
    """What the publishing DAG builds for a night: staging and intermediate, the sentiment of the new texts, then
    the selected marts (dbt run: the tests are not what is compared here). A runner per invocation, each parsing
    the project as a DAG task's does (a manifest reused across runs of other logical dates rebuilt the
    incremental marts whole), with the DAG tasks' flags (no JSON artifacts written)."""
    arguments = ["--project-dir", str(DBT_PROJECT), "--profiles-dir", str(DBT_PROJECT), "--quiet",
                 "--target-path", str(load_settings().data / "dbt-target"),
                 "--vars", json.dumps({"logical_date": day.isoformat(), "lookback_days": lookback_days}),
                 *DBT_FLAGS]
    for step in (staging, [select]):
        result = dbtRunner().invoke(["run", "--select", *step, *arguments])
        assert result.success, result.exception
        if step is staging:
            pipeline.score_sentiment()


def marts() -> dict[str, tuple[int, str]]:
    """Every mart's rows, in a fixed order, hashed exactly (floats by their repr: every bit). (Connected as dbt's
    connection is, which this process still holds: DuckDB refuses a second one of another configuration.)"""
    con = connect(load_settings())
    try:
        tables = [row[0] for row in con.execute(
            "select table_name from duckdb_tables() where schema_name = 'marts' order by 1").fetchall()]
        found = {}
        for table in tables:
            rows = con.execute(f"select * from marts.{table} order by all").fetchall()
            found[table] = (len(rows), hashlib.sha256(repr(rows).encode()).hexdigest())
        return found
    finally:
        con.close()


def test_nightly_runs_after_a_backfill_equal_one_thirty_day_backfill(airflow_db, tmp_path, monkeypatch):
    monkeypatch.setenv("SMW_CONFIG", str(CONFIG))
    settings = load_settings()
    days = [settings.extraction.start_date + dt.timedelta(days=n) for n in range(settings.simulator.history_days)]
    lookback = settings.extraction.lookback_days
    assert len(days) == 30 and NIGHTLY_RUNS >= 3 * lookback
    backfilled_first, nights = days[:-NIGHTLY_RUNS], days[-NIGHTLY_RUNS:]
    # GIVEN thirty nights landed once (the same files for both warehouses)
    monkeypatch.setenv("SMW_DATA_DIR", str(tmp_path / "nightly"))
    monkeypatch.setenv("SMW_WAREHOUSE", str(tmp_path / "nightly" / "warehouse.duckdb"))  # dbt's profile reads it
    land_history(load_settings(), days)
    started = time.monotonic()
    # WHEN one warehouse backfills the first fifteen nights, then loads and builds the last fifteen night by night,
    # as the nightly DAGs do (the incremental models and what they read every night, as they keep what earlier
    # nights computed; the others are rebuilt whole from them and raw each night, so the last night's whole build
    # gives what the nightly DAG's does; building them on the nights before would cost minutes and change nothing)
    for day in backfilled_first:
        load_date(load_settings(), day, "backfill")
    build(backfilled_first[-1], lookback, INCREMENTAL_MARTS, INCREMENTAL_STAGING)
    for day in nights:
        load_date(load_settings(), day, f"scheduled__{day}")
        last = day == nights[-1]
        build(day, lookback, "path:models/marts" if last else INCREMENTAL_MARTS,
              EVERYTHING if last else INCREMENTAL_STAGING)
    nightly_seconds = time.monotonic() - started
    nightly = marts()
    # AND another loads the thirty nights at once and builds them in one run (a backfill, as a new install does)
    backfill_data = tmp_path / "backfill"
    backfill_data.mkdir()
    (backfill_data / "landing").symlink_to(tmp_path / "nightly" / "landing")
    monkeypatch.setenv("SMW_DATA_DIR", str(backfill_data))
    monkeypatch.setenv("SMW_WAREHOUSE", str(backfill_data / "warehouse.duckdb"))
    started = time.monotonic()
    for day in days:
        load_date(load_settings(), day, "backfill")
    build(days[-1], lookback, "path:models/marts")
    backfill_seconds = time.monotonic() - started
    backfilled = marts()
    print(f"a 15-night backfill and 15 nightly builds {nightly_seconds:.0f} s, "
          f"one backfill build {backfill_seconds:.0f} s")
    # THEN every mart is the same, row for row and bit for bit (revenue included: decimal sums)
    assert nightly["rpt_conversions"][0] > 0 and nightly["fct_interactions"][0] > 0
    assert backfilled == nightly
