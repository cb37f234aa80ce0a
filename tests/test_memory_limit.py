"""DuckDB's memory is bounded everywhere the warehouse opens it (SMW_DUCKDB_MEMORY_LIMIT, default half the
machine): past the limit DuckDB spills to disk. A transaction's uncommitted rows stay in memory past it, so the
loader stages a large night in committed batches and swaps it in (a 45M-row night in one transaction was
killed at 24 GB)."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from core.config import load_settings
from core.db import connect
from core.landing import sha256, write_manifest
from core.paths import manifest_file, stream_file
from loader.load import load_date

DAY = dt.date(2026, 10, 30)
ROOT = Path(__file__).resolve().parents[1]


def setting(con: duckdb.DuckDBPyConnection) -> str:
    return con.execute("select current_setting('memory_limit')").fetchone()[0]


def duckdb_reads(limit: str) -> str:
    """How DuckDB itself reports a limit (`123MB` -> `117.3 MiB`)."""
    con = duckdb.connect(config={"memory_limit": limit})
    try:
        return setting(con)
    finally:
        con.close()


def test_every_warehouse_connection_takes_the_configured_limit(data_dir, monkeypatch):
    settings = load_settings()
    monkeypatch.delenv("SMW_DUCKDB_MEMORY_LIMIT", raising=False)
    con = connect(settings)
    # (DuckDB's own default, 80 %, is what the loader outgrew)
    assert setting(con) == duckdb_reads("50%") != duckdb_reads("80%")
    con.close()
    monkeypatch.setenv("SMW_DUCKDB_MEMORY_LIMIT", "123MB")
    con = connect(settings)
    assert setting(con) == duckdb_reads("123MB")
    # a second connection to the file in the same process (dbt's, a test's) is not refused for its config
    other = duckdb.connect(str(settings.warehouse))
    assert other.execute("select 1").fetchone() == (1,)
    other.close()
    con.close()


def test_a_limit_duckdb_cannot_read_is_refused_with_its_variable(data_dir, monkeypatch):
    monkeypatch.setenv("SMW_DUCKDB_MEMORY_LIMIT", "plenty")
    with pytest.raises(ValueError, match="SMW_DUCKDB_MEMORY_LIMIT='plenty'"):
        connect(load_settings())


def test_a_night_larger_than_the_limit_loads_whole(data_dir, monkeypatch):
    # GIVEN a night of 120k statuses of about 2 kB each (230 MB of UTF-8 JSON), and a 128 MB limit
    monkeypatch.setenv("SMW_DUCKDB_MEMORY_LIMIT", "128MB")
    # (staged, as a night of millions of lines would be: in committed batches of 20k lines, then swapped in)
    monkeypatch.setattr("loader.load.STAGE_ROWS", 50_000)
    monkeypatch.setattr("loader.load.BATCH_LINES", 20_000)
    settings = load_settings()
    landing = settings.data / "landing"
    path = stream_file(landing, "mastodon", "statuses", DAY, "42")
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = 120_000
    with gzip.open(path, "wt", encoding="utf-8", compresslevel=1) as handle:
        for number in range(rows):
            status = {"id": str(number), "content": f"status {number} " + "é" * 900, "favourites_count": number % 7}
            handle.write(json.dumps({"parent_id": None, "record": status}, ensure_ascii=False) + "\n")
    write_manifest(manifest_file(landing, "mastodon", DAY, "42"), {
        "platform": "mastodon", "account_id": "42", "logical_date": DAY.isoformat(),
        "streams": {"statuses": {"file": str(path), "rows": rows, "sha256": sha256(path), "status": "complete"}}})
    # WHEN it is loaded (all of the night or nothing)
    summary = load_date(settings, DAY, "run-1")
    # THEN DuckDB spilled what the limit could not hold, and every row is there, whole, and reconciled
    assert summary["raw.mastodon__statuses"] == {"loaded": rows, "quarantined": 0}
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    try:
        assert con.execute("select count(*), count(distinct payload->>'id'), sum(length(payload->>'content')), "
                           "sum((payload->>'favourites_count')::int) from raw.mastodon__statuses").fetchone() == (
            rows, rows, sum(len(f"status {n} ") + 900 for n in range(rows)), sum(n % 7 for n in range(rows)))
        assert con.execute("select loaded_rows from raw._loads").fetchall() == [(rows,)]
    finally:
        con.close()


def test_dbt_runs_under_the_same_limit(data_dir, monkeypatch):
    # GIVEN a limit in the environment WHEN dbt opens the warehouse (profiles.yml)
    data_dir.mkdir(parents=True)
    shown = subprocess.run(
        [str(Path(sys.executable).parent / "dbt"), "show", "--inline",
         "select current_setting('memory_limit') as memory_limit", "--profiles-dir", ".", "--output", "json",
         "--quiet"],
        cwd=ROOT / "dbt_project", check=True, capture_output=True, text=True,
        env={**os.environ, "SMW_WAREHOUSE": str(data_dir / "warehouse.duckdb"), "SMW_DUCKDB_MEMORY_LIMIT": "321MB"})
    # THEN its connection holds it
    assert duckdb_reads("321MB") in shown.stdout, shown.stdout[-2000:]
