"""Publishing: the read-only copy is swapped in atomically; a reader of the old file is never broken."""

from __future__ import annotations

import datetime as dt

import duckdb

from publishing.publish import publish_marts


def make_warehouse(path, value: int) -> None:
    con = duckdb.connect(str(path))
    con.execute("create schema if not exists marts")
    con.execute("create or replace table marts.fct_example as select ? as metric", [value])
    con.execute("create schema if not exists raw")
    con.execute("create or replace table raw.not_published as select 1 as x")
    con.close()


def test_publish_replaces_the_file_while_an_old_reader_keeps_reading(tmp_path):
    # GIVEN a published warehouse held open by a BI reader
    working, published = tmp_path / "working.duckdb", tmp_path / "published"
    make_warehouse(working, 1)
    target = publish_marts(working, published, dt.date(2026, 10, 1), "run-1")
    reader = duckdb.connect(str(target), read_only=True)
    assert reader.execute("select metric from marts.fct_example").fetchone() == (1,)
    # WHEN a new version is published
    make_warehouse(working, 2)
    publish_marts(working, published, dt.date(2026, 10, 2), "run-2")
    # THEN the old reader still reads its version, a new reader sees the new one with its publication record
    assert reader.execute("select metric from marts.fct_example").fetchone() == (1,)
    reader.close()
    fresh = duckdb.connect(str(target), read_only=True)
    assert fresh.execute("select metric from marts.fct_example").fetchone() == (2,)
    assert fresh.execute("select logical_date, run_id from marts._publication").fetchone() == (
        dt.date(2026, 10, 2), "run-2")
    # AND only the marts are published, and nothing is left beside the file
    schemas = {row[0] for row in fresh.execute("select schema_name from duckdb_tables()").fetchall()}
    fresh.close()
    assert schemas == {"marts"}
    assert sorted(path.name for path in published.iterdir()) == ["warehouse.duckdb"]
