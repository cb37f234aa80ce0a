"""The nightly DAG end to end with Airflow's dag.test(): two nights, a re-run, and the quality gate."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
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
ROOT = Path(__file__).resolve().parents[2]
CONFIG = Path(__file__).with_name("two_platforms.yml")
FIRST, SECOND = dt.date(2026, 10, 29), dt.date(2026, 10, 30)
MARTS = ("marts.dim_accounts", "marts.fct_post_performance", "marts.fct_account_daily")
# rpt_advocates: each brand's members over the 90 days ending the logical date
AS_OF_NIGHT = {"marts.rpt_advocates"}
# The publishing DAG's build steps, marked done by the tests that run only what comes after them.
BUILT = r"^(score_sentiment|transform_.*)$"


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


def all_marts(con) -> list[str]:
    return [f"marts.{table}" for table in published_marts(con)]


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
    # (every mart, exactly: floats by their repr, to the last bit)
    before = {table: fingerprint(con, table) for table in all_marts(con)}
    raw_before = {day: raw_counts_by_date(con, day) for day in (FIRST, SECOND)}
    con.close()
    published = settings.data / "published" / "warehouse.duckdb"
    assert published.exists() and (settings.data / "published" / "reports" / SECOND.isoformat() / "index.html").exists()

    # WHEN the first date is run again
    assert run_dates([FIRST]) == 0
    # THEN nothing changes: same raw rows per date, every mart the same, row for row and bit for bit
    con = duckdb.connect(str(settings.warehouse))  # same config as dbt-duckdb's in-process connection
    assert {day: raw_counts_by_date(con, day) for day in (FIRST, SECOND)} == raw_before
    # (but the marts that are a window ending the logical date: re-run for the first night, they are as of it)
    after = {table: fingerprint(con, table) for table in all_marts(con)}
    assert len(before) > len(MARTS) and {table: rows for table, rows in after.items() if table not in AS_OF_NIGHT} == {
        table: rows for table, rows in before.items() if table not in AS_OF_NIGHT}
    con.close()
    # AND the older night was not published over the newer one (no backfill asked)
    published = duckdb.connect(str(settings.data / "published" / "warehouse.duckdb"), read_only=True)
    assert published.execute("select logical_date, complete, stale_accounts from marts._publication").fetchone() == (
        SECOND, True, "")
    published.close()


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
                    "--quiet"], cwd=ROOT / "dbt_project", check=True,
                   env={**os.environ, "SMW_WAREHOUSE": str(copy)})
    # THEN both hold the same rows, fact by fact
    incremental = duckdb.connect(str(nightly.warehouse))
    full = duckdb.connect(str(copy))
    for fact in facts:
        assert fingerprint(full, f"marts.{fact}") == fingerprint(incremental, f"marts.{fact}"), fact
    incremental.close()
    full.close()


def published_marts(con) -> list[str]:
    return [row[0] for row in con.execute(
        "select table_name from duckdb_tables() where schema_name = 'marts' order by 1").fetchall()]


def test_the_parquet_export_equals_the_published_marts(nightly):
    # GIVEN the published snapshot and Parquet set of the last night
    published = nightly.data / "published"
    con = duckdb.connect(str(published / "warehouse.duckdb"), read_only=True)
    tables = published_marts(con)
    # THEN every mart (and the publication record) is parquet/<mart>/<mart>.parquet
    assert sorted(path.name for path in (published / "parquet").iterdir()) == tables
    # AND each reads back with the mart's columns and types (128-bit integers as 64-bit ones), row for row
    for table in tables:
        exported = f"read_parquet('{published}/parquet/{table}/{table}.parquet')"
        assert con.execute(f"select column_name, column_type from (describe select * from {exported})").fetchall() \
            == con.execute(f"""select column_name, replace(column_type, 'HUGEINT', 'BIGINT')
                               from (describe select * from marts.{table})""").fetchall(), table
        assert fingerprint(con, exported) == fingerprint(con, f"marts.{table}"), table
    con.close()


def test_the_dbt_docs_are_published_with_the_marts_and_fetch_nothing(nightly):
    # GIVEN the nights the DAG ran (publish_docs after publish)
    page = (nightly.data / "published" / "docs" / "index.html").read_text(encoding="utf-8")
    con = duckdb.connect(str(nightly.data / "published" / "warehouse.duckdb"), read_only=True)
    marts = [table for table in published_marts(con) if not table.startswith("_")]
    con.close()
    # THEN the page holds dbt's manifest and the warehouse's catalog (every mart, its columns and their types)
    assert '"MANIFEST.JSON INLINE DATA"' not in page and '"CATALOG.JSON INLINE DATA"' not in page
    for mart in marts:
        assert f'"model.shared_media.{mart}"' in page, mart
    assert '"engagements_gained": {"type": "' in page  # a column of fct_account_daily as the catalog read it
    # AND the lineage and the metrics
    assert '"depends_on": {"macros": ' in page and '"metric.shared_media.engagement_rate"' in page
    # AND it loads nothing from the network: no external script, style or font, usage tracking off and taken out
    assert not re.search(r"""<(script|link|img|iframe)\b[^>]*\b(src|href)=["']?(https?:)?//""", page)
    assert '"send_anonymous_usage_stats": false' in page and "r.turn_on_tracking()" not in page


def test_a_metric_asked_by_name_equals_the_mart(nightly, tmp_path):
    # GIVEN the published snapshot and the metrics of dbt_project/models/marts/_semantic_models.yml
    published = nightly.data / "published" / "warehouse.duckdb"
    project, bin_dir = ROOT / "dbt_project", Path(sys.executable).parent
    # as the README tells analysts: MetricFlow on the read-only snapshot (the profile's `published` target), after a
    # dbt parse there (the semantic manifest names the tables after the file it was parsed for)
    env = {**os.environ, "DBT_TARGET": "published", "SMW_PUBLISHED_WAREHOUSE": str(published)}
    subprocess.run([str(bin_dir / "dbt"), "parse", "--profiles-dir", ".", "--quiet"], cwd=project, check=True, env=env)

    def query(group_by: str) -> list[tuple]:
        out = tmp_path / f"{group_by.replace(',', '-')}.csv"
        subprocess.run([str(bin_dir / "mf"), "query", "--metrics", "engagement_rate", "--group-by", group_by,
                        "--csv", str(out), "--quiet"], cwd=project, check=True, env=env)
        con = duckdb.connect()
        rows = con.execute(f"select * from read_csv('{out}', all_varchar = true) order by all").fetchall()
        con.close()
        return [(*keys, float(rate) if rate else None) for *keys, rate in rows]

    # WHEN an analyst asks for the engagement rate by account and day, and by platform and week
    by_day = query("metric_time__day,account")
    by_week = query("metric_time__week,account__platform")
    # THEN by account and day it is the mart's own column
    con = duckdb.connect(str(published), read_only=True)
    mart_days = con.execute("""select strftime(date_day, '%Y-%m-%d %H:%M:%S'), account_key, engagement_rate
                               from marts.fct_account_daily order by all""").fetchall()
    # AND by platform and week, the engagements gained over the followers of the same account-days, summed
    mart_weeks = con.execute("""
        select strftime(date_trunc('week', daily.date_day), '%Y-%m-%d %H:%M:%S'), accounts.platform,
               sum(daily.engagements_gained)
               / sum(case when daily.engagements_gained is not null then daily.followers end)
        from marts.fct_account_daily as daily
        inner join marts.dim_accounts as accounts on daily.account_key = accounts.account_key
        group by all order by all""").fetchall()
    con.close()
    assert len(by_day) == len(mart_days) > 0 and len(by_week) == len(mart_weeks) > 0
    for got, want in [*zip(by_day, mart_days, strict=True), *zip(by_week, mart_weeks, strict=True)]:
        assert got[:2] == want[:2]
        assert (got[2] is None and want[2] is None) or got[2] == pytest.approx(want[2], rel=1e-9), (got, want)


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
                             mark_success_pattern=BUILT)
    # THEN the run fails at the gate, publish never runs, and the published file is untouched
    assert str(run.state) == "failed"
    states = {ti.task_id: str(ti.state) for ti in run.get_task_instances()}
    assert states["validate"] == "failed"
    assert states["publish"] == "upstream_failed"
    assert file_digest(published) == digest and published.stat().st_mtime_ns == modified
    # AND the validation results name what failed
    results = json.loads((settings.data / "validation" / "2026-10-30" / "validation.json").read_text())
    failed = [check for check in results["marts"]["fct_post_performance"]["checks"] if not check["success"]]
    failed_columns = {check["kwargs"]["column"] for check in failed if "column" in check["kwargs"]}
    assert failed_columns >= {"likes", "engagement_rate"}


def test_a_mart_row_of_an_unknown_account_fails_the_marts_build_and_stops_publishing(nightly):
    settings = nightly
    published = settings.data / "published" / "warehouse.duckdb"
    digest = file_digest(published)
    # GIVEN a daily row of an account dim_accounts does not have, on a day long before the lookback window (the
    # incremental mart rewrites only the window's days, so the row stays through the marts' build)
    con = duckdb.connect(str(settings.warehouse))
    con.execute("""insert into marts.fct_account_daily (account_day_key, account_key, platform, date_day)
                   select 'orphan|2000-01-01', 'instagram:orphan', platform, date '2000-01-01'
                   from marts.fct_account_daily limit 1""")
    con.close()
    import pendulum

    try:
        # WHEN the publishing DAG runs for the night, staging and sentiment marked done
        run = publish_dag().test(logical_date=pendulum.datetime(2026, 10, 30, tz="UTC"),
                                 run_conf={"day": "2026-10-30"},
                                 mark_success_pattern=r"^(score_sentiment|transform_staging)$")
        # THEN the marts' one build task fails on its test across two marts (relationships to dim_accounts),
        # nothing after it runs, and the published file is untouched
        states = {ti.task_id: str(ti.state) for ti in run.get_task_instances()}
        assert (states["transform_marts"], states["validate"], states["publish"]) == (
            "failed", "upstream_failed", "upstream_failed")
        assert file_digest(published) == digest
        con = duckdb.connect(str(settings.warehouse))  # as dbt's connection in this process opened it
        orphans = con.execute("select count(*) from marts.fct_account_daily "
                              "where account_key = 'instagram:orphan'").fetchone()[0]
        con.close()
        assert orphans == 1  # the failure came from the test on the row, not from the row being gone
    finally:
        con = duckdb.connect(str(settings.warehouse))
        con.execute("delete from marts.fct_account_daily where account_key = 'instagram:orphan'")
        con.close()


def test_a_night_the_raw_suites_block_is_not_published(nightly):
    """A night whose raw suites find a blocking fault (here a volume collapse: an account's statuses come back
    empty) is rebuilt but not published, and the old publication stays."""
    import gzip

    import pendulum

    from core.landing import sha256
    from core.paths import manifest_file, validation_dir
    from warehouse import pipeline

    settings = nightly
    published = settings.data / "published" / "warehouse.duckdb"
    digest, modified = file_digest(published), published.stat().st_mtime_ns
    con = duckdb.connect(str(settings.warehouse))
    con.execute("delete from marts.fct_post_performance where post_key = 'bad'")  # the test before's bad row
    con.close()
    # GIVEN the second night landed again with one account's statuses empty, as a broken extractor lands them
    manifest_path = manifest_file(settings.data / "landing", "mastodon", SECOND, "109000000000000202")
    manifest = json.loads(manifest_path.read_text())
    entry = manifest["streams"]["statuses"]
    landed = Path(entry["file"]) if Path(entry["file"]).is_absolute() else settings.data / entry["file"]
    kept_manifest, kept_file = manifest_path.read_bytes(), landed.read_bytes()
    try:
        with gzip.open(landed, "wb"):
            pass
        entry.update(rows=0, sha256=sha256(landed))
        manifest_path.write_text(json.dumps(manifest))
        pipeline.load(SECOND, "broken-extractor", settings)
        # WHEN validate and publish run for it (the transforms marked done)
        run = publish_dag().test(logical_date=pendulum.datetime(2026, 10, 30, tz="UTC"),
                                 run_conf={"day": "2026-10-30"},
                                 mark_success_pattern=BUILT)
        # THEN the gate stops it for the raw rule alone, and the published file is untouched
        states = {ti.task_id: str(ti.state) for ti in run.get_task_instances()}
        assert (states["validate"], states["publish"]) == ("failed", "upstream_failed")
        assert file_digest(published) == digest and published.stat().st_mtime_ns == modified
        results = json.loads((validation_dir(settings.data, SECOND) / "validation.json").read_text())
        assert [line.split(":")[1].split()[0] for line in results["blocking"]] == ["volume_collapse"]
        assert (validation_dir(settings.data, SECOND) / "data_docs" / "raw" / "index.html").exists()
    finally:
        manifest_path.write_bytes(kept_manifest)
        landed.write_bytes(kept_file)
        pipeline.load(SECOND, "restored", settings)


def test_the_cosmos_bench_times_the_marts_three_ways_on_a_copy(nightly, dbt_manifest, tmp_path):
    """bench/cosmos_bench.py as docs/benchmarks.md runs it: the marts of a night as one plain dbt build, as the
    DAG's one Cosmos task and as a Cosmos task per model, each on a copy of the warehouse, which stays as it was.
    (Its times are read in the results, never asserted.)"""
    settings = nightly
    con = duckdb.connect(str(settings.warehouse))  # the copies are of the file: its last writes checkpointed in it
    con.execute("checkpoint")
    con.close()
    digest = file_digest(settings.warehouse)
    out = tmp_path / "cosmos.json"
    # WHEN the bench runs for the second night, as a user would
    subprocess.run([sys.executable, "bench/cosmos_bench.py", "--warehouse", str(settings.warehouse),
                    "--day", SECOND.isoformat(), "--lookback", str(settings.extraction.lookback_days),
                    "--out", str(out)], cwd=ROOT, check=True, env=os.environ.copy(), capture_output=True)
    # THEN every way ran, the group with one task per mart model, and the warehouse itself is untouched
    result = json.loads(out.read_text())
    nodes = json.loads(dbt_manifest.read_text())["nodes"]
    marts = [node for node in nodes.values()
             if node["resource_type"] == "model" and node["original_file_path"].startswith("models/marts/")]
    assert {name: way["airflow_tasks"] for name, way in result["ways"].items()} == {
        "plain": 0, "one_cosmos_task": 1, "cosmos_task_group": len(marts)}
    assert all(way["seconds"] > 0 for way in result["ways"].values())
    assert set(result["ratios_to_plain"]) == set(result["ways"]) and result["stage"] == "marts"
    assert file_digest(settings.warehouse) == digest
