"""Publishing: the read-only copy is swapped in atomically; a reader of the old file is never broken."""

from __future__ import annotations

import datetime as dt
import stat
import threading

import duckdb
import pytest

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
    assert stat.S_IMODE(target.stat().st_mode) == 0o444  # read-only on disk: no reader takes the write lock
    # beside the file: the Parquet link and the folders of the last two publications, nothing half-written
    names = sorted(path.name for path in published.iterdir())
    assert names[-2:] == ["parquet", "warehouse.duckdb"] and len(names) == 4
    assert all(name.startswith(".parquet-") for name in names[:2])


def make_marts(path, version: int) -> None:
    """A working warehouse whose marts all say which version they are: rows = 1000 * version."""
    con = duckdb.connect(str(path))
    con.execute("create schema if not exists marts")
    con.execute("""create or replace table marts.fct_rows as
                   select ? as version, i as row_number, date '2026-10-01' + (i % 30)::int as date_day,
                          i / 7 as ratio, 'text ' || i as label, [i % 3, i % 5] as tags, null::integer as unknown,
                          (i * 1000)::hugeint as gained, now()::timestamptz as read_at
                   from range(1000 * ?) as t(i)""", [version, version])
    con.execute("create or replace table marts.dim_version as select ? as version", [version])
    con.close()


def test_a_sqlalchemy_reader_sees_whole_publications_while_publish_replaces_the_file(tmp_path):
    sqlalchemy = pytest.importorskip("sqlalchemy")
    from sqlalchemy.pool import NullPool

    # GIVEN a published warehouse
    working, published = tmp_path / "working.duckdb", tmp_path / "published"
    make_marts(working, 1)
    target = publish_marts(working, published, dt.date(2026, 10, 1), "run-1")
    # AND a BI reader looping over the URL the README gives (duckdb-engine, read-only, a connection per query)
    engine = sqlalchemy.create_engine(f"duckdb:///{target}?access_mode=read_only", poolclass=NullPool)
    done, seen, errors = threading.Event(), [], []

    def read() -> None:
        while not done.is_set():
            try:
                with engine.connect() as con:
                    run_id, tables = con.execute(sqlalchemy.text("select run_id, tables from marts._publication")).one()
                    version = con.execute(sqlalchemy.text("select version from marts.dim_version")).scalar_one()
                    rows, versions = con.execute(sqlalchemy.text(
                        "select count(*), count(distinct version) from marts.fct_rows where version = :version"),
                        {"version": version}).one()
                    mode = con.execute(sqlalchemy.text("select current_setting('access_mode')")).scalar_one()
                seen.append((run_id, tables, version, rows, versions, mode))
            except Exception as error:  # noqa: BLE001 - any error is a failure of the test
                errors.append(repr(error))

    reader = threading.Thread(target=read)
    reader.start()
    try:
        # WHEN publish replaces the file several times while the reader reads
        for version in range(2, 7):
            make_marts(working, version)
            publish_marts(working, published, dt.date(2026, 10, version), f"run-{version}")
    finally:
        done.set()
        reader.join(timeout=30)
    engine.dispose()
    # THEN no read failed, and every read saw one whole publication: its record, its tables, all its rows
    assert errors == []
    assert len(seen) > 5
    for run_id, tables, version, rows, versions, mode in seen:
        assert run_id == f"run-{version}" and tables == "dim_version,fct_rows"
        assert (rows, versions) == (1000 * version, 1) and mode == "read_only"
    # AND the reader followed the publications (it did not keep reading the first file)
    assert {row[2] for row in seen} - {1}
    # AND the snapshot refuses writes
    with sqlalchemy.create_engine(f"duckdb:///{target}?access_mode=read_only",
                                  poolclass=NullPool).connect() as con, pytest.raises(sqlalchemy.exc.DBAPIError):
        con.execute(sqlalchemy.text("create table marts.sneaky as select 1 as x"))


def test_every_mart_is_exported_to_parquet_row_for_row(tmp_path):
    # GIVEN a working warehouse with marts of varied types (dates, doubles, text, lists, NULLs)
    working, published = tmp_path / "working.duckdb", tmp_path / "published"
    make_marts(working, 1)
    publish_marts(working, published, dt.date(2026, 10, 1), "run-1")
    make_marts(working, 2)
    # WHEN it is published
    target = publish_marts(working, published, dt.date(2026, 10, 2), "run-2")
    # THEN each table of the snapshot, the publication record too, is parquet/<table>/<table>.parquet
    parquet = published / "parquet"
    con = duckdb.connect(str(target), read_only=True)
    tables = [row[0] for row in con.execute(
        "select table_name from duckdb_tables() where schema_name = 'marts' order by 1").fetchall()]
    assert tables == ["_publication", "dim_version", "fct_rows"]
    assert sorted(path.name for path in parquet.iterdir()) == tables
    # AND read back, each equals its table row for row, with the same column names and types (but 128-bit
    # integers, which Parquet has not: 64-bit ones, not the doubles DuckDB would write)
    for table in tables:
        files = sorted(path.name for path in (parquet / table).iterdir())
        assert files == [f"{table}.parquet"]
        exported = f"read_parquet('{parquet / table / table}.parquet')"
        assert con.execute(f"select column_name, column_type from (describe select * from {exported})").fetchall() == \
            con.execute(f"""select column_name, replace(column_type, 'HUGEINT', 'BIGINT')
                            from (describe select * from marts.{table})""").fetchall()
        difference = con.execute(f"""select count(*) from (
                                     (select * from marts.{table} except all select * from {exported})
                                     union all (select * from {exported} except all select * from marts.{table}))""")
        assert difference.fetchone() == (0,), table
        assert con.execute(f"select count(*) from {exported}").fetchone() == \
            con.execute(f"select count(*) from marts.{table}").fetchone()
    assert con.execute(f"select run_id from read_parquet('{parquet}/_publication/_publication.parquet')").fetchone() \
        == ("run-2",)
    con.close()
    # AND the link is relative (the published folder can be moved or mounted elsewhere)
    assert parquet.is_symlink() and not parquet.readlink().is_absolute()


def test_a_failed_publish_leaves_the_published_set_as_it_was(tmp_path, monkeypatch):
    import publishing.publish as publish

    # GIVEN a published warehouse and Parquet set
    working, published = tmp_path / "working.duckdb", tmp_path / "published"
    make_marts(working, 1)
    publish_marts(working, published, dt.date(2026, 10, 1), "run-1")
    before = sorted(path.name for path in published.iterdir())
    # WHEN the next publish fails half-way through its Parquet export (the disk fills up, say)
    real_export = publish.export_parquet

    def export_then_fail(con, database, tables, folder):
        real_export(con, database, tables[:1], folder)
        raise OSError("No space left on device")

    monkeypatch.setattr(publish, "export_parquet", export_then_fail)
    make_marts(working, 2)
    with pytest.raises(OSError):
        publish_marts(working, published, dt.date(2026, 10, 2), "run-2")
    # THEN the published file, the link and its folder are untouched, and nothing is left behind
    assert sorted(path.name for path in published.iterdir()) == before
    fresh = duckdb.connect(str(published / "warehouse.duckdb"), read_only=True)
    assert fresh.execute("select run_id from marts._publication").fetchone() == ("run-1",)
    assert fresh.execute(f"select max(version) from read_parquet('{published}/parquet/*/fct_rows.parquet')"
                         ).fetchone() == (1,)
    fresh.close()
