"""Publish the marts as a read-only DuckDB file, replaced atomically so open readers are never broken."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import duckdb

from core.db import limit_memory

PUBLISHED_SCHEMA = "marts"


def publish_marts(warehouse: Path, published_dir: Path, day: dt.date, run_id: str) -> Path:
    """Copy every table of `marts` into a new file beside the published one, then rename it over it."""
    published_dir.mkdir(parents=True, exist_ok=True)
    target = published_dir / "warehouse.duckdb"
    aside = published_dir / f".warehouse.{run_id.replace(':', '_').replace('/', '_')}.duckdb"
    aside.unlink(missing_ok=True)
    try:
        # Attach the new file to a connection on the working warehouse rather than the reverse: in one
        # process (dag.test) DuckDB refuses to attach a file that another database there already has open.
        con = limit_memory(duckdb.connect(str(warehouse)))
        try:
            tables = [row[0] for row in con.execute(
                "select table_name from duckdb_tables() where database_name = current_database()"
                " and schema_name = ? order by table_name", [PUBLISHED_SCHEMA]).fetchall()]
            if not tables:
                raise RuntimeError(f"no tables in {warehouse}:{PUBLISHED_SCHEMA}; run dbt first")
            con.execute(f"attach '{aside}' as publishing")
            con.execute(f"create schema publishing.{PUBLISHED_SCHEMA}")
            for table in tables:
                con.execute(f"create table publishing.{PUBLISHED_SCHEMA}.{table} as "
                            f"select * from {PUBLISHED_SCHEMA}.{table}")
            con.execute(f"""create table publishing.{PUBLISHED_SCHEMA}._publication as
                            select ?::date as logical_date, ? as run_id, now()::timestamp as published_at_utc,
                                   ? as tables""", [day, run_id, ",".join(tables)])
            con.execute("detach publishing")
        finally:
            con.close()
        # A reader holding the old file keeps its inode; new readers open the new one.
        os.replace(aside, target)
    finally:
        aside.unlink(missing_ok=True)
        Path(str(aside) + ".wal").unlink(missing_ok=True)
    return target
