"""The data tests on the staging views check the nights a run reads (dbt_project.yml's `where` on staging tests,
macros/get_where_subquery.sql): from the run's logical date minus the lookback window; every night without a
logical date. A nightly run no longer re-reads a year of raw JSON to test the nights it adds.

A small world (tests/spark_world.yml, its first 6 nights), a lookback of two nights; the defect planted is an Instagram
media whose payload lost its id (its media_id and post_key are null), first on the first night, then on the last."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from dbt.cli.main import dbtRunner

from core.config import load_settings
from core.db import connect
from loader import load_date
from simulator.bulk import land_history
from warehouse.dbt import DBT_PROJECT

WORLD = Path(__file__).with_name("spark_world.yml")
LOOKBACK_DAYS = 2
NIGHTS = 6  # the first night is well before the last night's window
MODEL = "stg_instagram__media"
FOUND = ["not_null_stg_instagram__media_media_id", "not_null_stg_instagram__media_post_key"]


def dbt(command: str, day: dt.date | None) -> list[str]:
    """dbt `command` on the model; returns the failing tests' names (an error other than a failing test fails)."""
    arguments = [command, "--select", MODEL, "--project-dir", str(DBT_PROJECT), "--profiles-dir", str(DBT_PROJECT),
                 "--quiet", "--target-path", str(load_settings().data / "dbt-target")]
    if day:
        arguments += ["--vars", json.dumps({"logical_date": day.isoformat(), "lookback_days": LOOKBACK_DAYS})]
    result = dbtRunner().invoke(arguments)
    assert result.exception is None, result.exception
    failing = sorted(item.node.name for item in result.result.results if item.status in ("fail", "error"))
    assert result.success == (not failing)
    return failing


def test_a_nightly_run_tests_the_staging_nights_it_reads_and_a_run_without_a_date_every_night(tmp_path, monkeypatch):
    monkeypatch.setenv("SMW_CONFIG", str(WORLD))
    monkeypatch.setenv("SMW_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("SMW_WAREHOUSE", str(tmp_path / "warehouse.duckdb"))  # dbt's profile reads it
    settings = load_settings()
    days = [settings.extraction.start_date + dt.timedelta(days=n) for n in range(NIGHTS)]
    land_history(settings, days)
    for day in days:
        load_date(load_settings(), day, "backfill")
    assert dbt("run", None) == []
    last = days[-1]
    # GIVEN the view is sound: its tests pass, for the last night and for every night
    assert dbt("test", last) == dbt("test", None) == []
    # AND a media without its id was read on the first night, long before the last night's window
    con = connect(load_settings())
    try:
        con.execute("""insert into raw.instagram__media
                       select '{"caption": "an id lost"}'::json, _parent_id, _run_id, _logical_date, _account_id,
                              _loaded_at, _source_file, 100000 + _line_no
                       from raw.instagram__media where _logical_date = ? limit 1""", [days[0]])
    finally:
        con.close()
    # WHEN the last night's run tests the view THEN it checks only the nights it reads, and passes
    assert dbt("test", last) == []
    # AND a run without a logical date (a manual `dbt build`) tests every night and finds it
    assert dbt("test", None) == FOUND
    # WHEN the same defect is in a night of the window THEN the nightly run finds it
    con = connect(load_settings())
    try:
        con.execute("update raw.instagram__media set _logical_date = ? where payload->>'caption' = 'an id lost'",
                    [last - dt.timedelta(days=1)])
    finally:
        con.close()
    assert dbt("test", last) == FOUND
