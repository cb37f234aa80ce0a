"""The item models are incremental (dbt_project/macros/incremental_items.sql): one row per comment, reply, mention
or community post at its latest night, with the night it was first seen; a nightly run reads only the nights from
its logical date minus the lookback window. A warehouse built night by night that way holds the same intermediate
tables and marts, row for row, as one built in full from the same nights; so does a night run again, and a run
without a logical date.

A small world with every platform (tests/spark_world.yml, 16 nights), a lookback of two nights: most items of the
last nights were first seen before the nights a run reads, so their first_seen_date comes from the table."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from dbt.cli.main import dbtRunner

from core.config import load_settings
from core.db import connect
from loader import load_date
from simulator.bulk import land_history
from warehouse import pipeline
from warehouse.dbt import DBT_PROJECT

WORLD = Path(__file__).with_name("spark_world.yml")
LOOKBACK_DAYS = 2  # shorter than the world's extraction window (10): items are read again after the window starts
NIGHTLY_RUNS = 3
ITEM_MODELS = [f"int_{platform}__interactions" for platform in
               ("bluesky", "facebook", "instagram", "linkedin", "mastodon", "threads", "x", "youtube")] + [
    "int_interactions_unioned", "int_community_posts", "int_community_post_hashtags"]


def use(monkeypatch: pytest.MonkeyPatch, data: Path) -> None:
    monkeypatch.setenv("SMW_DATA_DIR", str(data))
    monkeypatch.setenv("SMW_WAREHOUSE", str(data / "warehouse.duckdb"))  # dbt's profile reads it


def build(day: dt.date | None, *, full_refresh: bool = False) -> None:
    """Staging and intermediate, the sentiment of the new texts, then the marts, as the publishing DAG runs them
    (dbt run: the tests are not what is compared here), for the night `day` (None: no logical_date var)."""
    arguments = ["--project-dir", str(DBT_PROJECT), "--profiles-dir", str(DBT_PROJECT), "--quiet",
                 "--target-path", str(load_settings().data / "dbt-target"),
                 *(["--full-refresh"] if full_refresh else [])]
    if day:
        arguments += ["--vars", json.dumps({"logical_date": day.isoformat(), "lookback_days": LOOKBACK_DAYS})]
    for select in (["path:models/staging", "path:models/intermediate"], ["path:models/marts"]):
        result = dbtRunner().invoke(["run", "--select", *select, *arguments])
        assert result.success, result.exception
        if select[0] == "path:models/staging":
            pipeline.score_sentiment()


def tables(*schemas: str) -> dict[str, tuple[int, str]]:
    """Every table of the schemas: its rows and the md5 of its rows sorted as text. (Connected as dbt's connection
    is, which this process still holds: DuckDB refuses a second one of another configuration.)"""
    con = connect(load_settings())
    try:
        names = [f"{schema}.{table}" for schema, table in con.execute(
            "select schema_name, table_name from duckdb_tables() where schema_name in ? order by 1, 2",
            [list(schemas)]).fetchall()]
        return {name: con.execute(
            f"select count(*), md5(coalesce(string_agg(r, chr(10) order by r), '')) "
            f"from (select t::varchar as r from {name} as t)").fetchone() for name in names}
    finally:
        con.close()


def differing(left: dict, right: dict) -> list[str]:
    return [name for name in sorted(set(left) | set(right)) if left.get(name) != right.get(name)]


def test_nightly_runs_of_the_item_models_equal_a_full_build(tmp_path, monkeypatch):
    monkeypatch.setenv("SMW_CONFIG", str(WORLD))
    settings = load_settings()
    days = [settings.extraction.start_date + dt.timedelta(days=n) for n in range(settings.simulator.history_days)]
    # GIVEN the world's nights landed once, for both warehouses
    use(monkeypatch, tmp_path / "nightly")
    land_history(load_settings(), days)
    # WHEN one warehouse is built up to three nights before the last, then night by night with a logical date
    for day in days[:-NIGHTLY_RUNS]:
        load_date(load_settings(), day, "backfill")
    build(None)
    for day in days[-NIGHTLY_RUNS:]:
        load_date(load_settings(), day, f"scheduled__{day}")
        build(day)
    nightly = tables("intermediate", "marts")
    # AND its last night runs again
    build(days[-1])
    rerun = tables("intermediate", "marts")
    # AND then it runs without a logical date (every night read again)
    build(None)
    without_date = tables("intermediate")
    # AND another warehouse is built in full from all the nights, for the last night
    full_data = tmp_path / "full"
    full_data.mkdir()
    (full_data / "landing").symlink_to(tmp_path / "nightly" / "landing")
    use(monkeypatch, full_data)
    for day in days:
        load_date(load_settings(), day, "backfill")
    build(days[-1], full_refresh=True)
    full = tables("intermediate", "marts")
    # THEN every intermediate table and mart is the same, row for row
    assert {f"intermediate.{model}" for model in ITEM_MODELS} <= set(full)
    assert all(full[f"intermediate.{model}"][0] > 0 for model in ITEM_MODELS)
    assert differing(nightly, full) == []
    assert differing(rerun, full) == []
    assert differing(without_date, {name: sums for name, sums in full.items() if name.startswith("intermediate.")}) \
        == []
    # AND the last nights' items were mostly first seen before the nights the runs read (the kept first_seen_date)
    con = connect(load_settings())
    try:
        kept, total = con.execute(
            "select count(*) filter (where first_seen_date < ? and last_seen_date >= ?), count(*) "
            "from intermediate.int_community_posts", [days[-1] - dt.timedelta(days=LOOKBACK_DAYS)] * 2).fetchone()
    finally:
        con.close()
    assert kept > 0 and total > kept
