"""The nightly DAG end to end with Airflow's dag.test(): two nights, a re-run, and the quality gate."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from expected import mart_counts, raw_counts

from core.config import load_settings
from warehouse.__main__ import publish_dag, run_dates

pytestmark = pytest.mark.e2e
CONFIG = Path(__file__).with_name("two_platforms.yml")
FIRST, SECOND = dt.date(2026, 10, 29), dt.date(2026, 10, 30)
MARTS = ("marts.dim_accounts", "marts.fct_post_performance", "marts.fct_account_daily")


@pytest.fixture(scope="module")
def nightly(airflow_db, dbt_manifest, tmp_path_factory):
    """Two consecutive nights of the DAG on the Instagram and Mastodon world (tests/e2e/expected.py counts
    its records): one warehouse shared by this module's tests, which run in order."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SMW_CONFIG", str(CONFIG))
        patch.setenv("SMW_DATA_DIR", str(tmp_path_factory.mktemp("nightly") / "data"))
        patch.delenv("SMW_WAREHOUSE", raising=False)
        assert run_dates([FIRST, SECOND]) == 0
        yield load_settings()


def raw_counts_by_date(con, day: dt.date) -> dict[str, int]:
    tables = [row[0] for row in con.execute(
        "select schema_name || '.' || table_name from duckdb_tables() where schema_name = 'raw' "
        "and table_name not like '\\_%' escape '\\' and table_name not like 'config\\_\\_%' escape '\\'").fetchall()]
    counts = {table: con.execute(f"select count(*) from {table} where _logical_date = ?", [day]).fetchone()[0]
              for table in tables}
    return {table: rows for table, rows in counts.items() if rows}


def fingerprint(con, table: str) -> tuple[int, str]:
    rows = con.execute(f"select * from {table} order by all").fetchall()
    return len(rows), hashlib.sha256(repr(rows).encode()).hexdigest()


def file_digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_two_nights_then_a_rerun_of_the_first(nightly):
    settings = nightly
    # GIVEN an empty warehouse WHEN the DAG has run for two consecutive logical dates
    con = duckdb.connect(str(settings.warehouse))  # same config as dbt-duckdb's in-process connection
    # THEN every raw table holds, per date, exactly the records the simulator served
    for day in (FIRST, SECOND):
        assert raw_counts_by_date(con, day) == dict(raw_counts(settings, day, first_run=FIRST))
    assert con.execute("select count(*) from raw._quarantine").fetchone()[0] == 0
    # AND the marts have one row per post per day and per account per day, as the world implies
    expected = mart_counts(settings, [FIRST, SECOND])
    assert {table: con.execute(f"select count(*) from {table}").fetchone()[0] for table in MARTS} == expected
    before = {table: fingerprint(con, table) for table in MARTS}
    raw_before = {day: raw_counts_by_date(con, day) for day in (FIRST, SECOND)}
    con.close()
    published = settings.data / "published" / "warehouse.duckdb"
    assert published.exists() and (settings.data / "published" / "reports" / SECOND.isoformat() / "index.html").exists()

    # WHEN the first date is run again
    assert run_dates([FIRST]) == 0
    # THEN nothing changes: same raw rows per date, same marts, row for row
    con = duckdb.connect(str(settings.warehouse))  # same config as dbt-duckdb's in-process connection
    assert {day: raw_counts_by_date(con, day) for day in (FIRST, SECOND)} == raw_before
    assert {table: fingerprint(con, table) for table in MARTS} == before
    con.close()


def test_the_incremental_fact_equals_a_full_refresh(nightly, tmp_path):
    # GIVEN the incrementally built facts, fct_post_performance, fct_account_daily and fct_interactions (two
    # nights, then a re-run of the first)
    facts = ("fct_post_performance", "fct_account_daily", "fct_interactions")
    copy = tmp_path / "full_refresh.duckdb"
    shutil.copy(nightly.warehouse, copy)
    wal = Path(str(nightly.warehouse) + ".wal")  # dbt-duckdb may still hold changes in the write-ahead log
    if wal.exists():
        shutil.copy(wal, Path(str(copy) + ".wal"))
    # WHEN the same models are rebuilt from scratch in a copy of the warehouse
    dbt = Path(sys.executable).parent / "dbt"
    subprocess.run([str(dbt), "run", "--select", *facts, "--full-refresh", "--profiles-dir", ".",
                    "--quiet"], cwd=Path(__file__).parents[2] / "dbt_project", check=True,
                   env={**os.environ, "SMW_WAREHOUSE": str(copy)})
    # THEN both hold the same rows, fact by fact
    incremental = duckdb.connect(str(nightly.warehouse))
    full = duckdb.connect(str(copy))
    for fact in facts:
        assert fingerprint(full, f"marts.{fact}") == fingerprint(incremental, f"marts.{fact}"), fact
    incremental.close()
    full.close()


def test_a_mart_row_that_breaks_the_suite_stops_publishing(nightly):
    settings = nightly
    # GIVEN a published warehouse from a good night
    published = settings.data / "published" / "warehouse.duckdb"
    digest, modified = file_digest(published), published.stat().st_mtime_ns
    # AND a mart row that breaks the suite (negative likes, a rate far above any sane bound)
    con = duckdb.connect(str(settings.warehouse))
    con.execute("""insert into marts.fct_post_performance (post_day_key, post_key, account_key, platform, date_day,
                   published_date, days_since_publication, likes, engagement_rate)
                   values ('bad|2026-10-30', 'bad', 'instagram:1', 'instagram', DATE '2026-10-30',
                           DATE '2026-10-30', 0, -5, 42.0)""")
    con.close()
    # WHEN the validate and publish steps run (the earlier steps marked done, so the bad row stays)
    import pendulum

    run = publish_dag().test(logical_date=pendulum.datetime(2026, 10, 30, tz="UTC"), run_conf={"day": "2026-10-30"},
                             mark_success_pattern=r"^(score_sentiment|transform_.*)$")
    # THEN the run fails at the gate, publish never runs, and the published file is untouched
    assert str(run.state) == "failed"
    states = {ti.task_id: str(ti.state) for ti in run.get_task_instances()}
    assert states["validate"] == "failed"
    assert states["publish"] == "upstream_failed"
    assert file_digest(published) == digest and published.stat().st_mtime_ns == modified
    # AND the validation results name what failed
    import json

    results = json.loads((settings.data / "validation" / "2026-10-30" / "validation.json").read_text())
    failed = [check for check in results["marts"]["fct_post_performance"]["checks"] if not check["success"]]
    failed_columns = {check["kwargs"]["column"] for check in failed if "column" in check["kwargs"]}
    assert failed_columns >= {"likes", "engagement_rate"}
