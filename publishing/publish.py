"""Publish the marts as a read-only DuckDB file and as Parquet files, each replaced atomically so open readers are
never broken and never see half a publication."""

from __future__ import annotations

import datetime as dt
import logging
import os
import shutil
import time
from pathlib import Path

import duckdb

from core.db import limit_memory

log = logging.getLogger(__name__)

PUBLISHED_SCHEMA = "marts"
# data/published/parquet -> .parquet-<version>/ (a relative symbolic link, replaced in one rename)
PARQUET = "parquet"
PUBLICATION_TABLE = "_publication"


class PublishRefused(RuntimeError):
    """The logical date is older than the one published: publishing it would put an older night over a newer."""


def publish_marts(warehouse: Path, published_dir: Path, day: dt.date, run_id: str, *,
                  accounts: list[str] | None = None, backfill: bool = False) -> Path:
    """Copy every table of `marts` into a new file beside the published one, export each to Parquet in a new
    folder, then swap both in: the file renamed over the old one, the `parquet` link pointed at the new folder.

    Never backwards: a logical date older than the one published is refused (PublishRefused) unless `backfill`
    says so. `marts._publication` records whether the night is complete: every account of `accounts`
    (`<platform>:<account id>`) loaded whole that night, else which are stale."""
    published_dir.mkdir(parents=True, exist_ok=True)
    target = published_dir / "warehouse.duckdb"
    remove_leftovers(published_dir)
    current = published_date(target)
    if current is not None and day < current and not backfill:
        raise PublishRefused(f"not published: {day} is older than the night already published ({current}); the "
                             "published marts stay as they are. To publish an older night on purpose, run it as a "
                             "backfill (`python -m warehouse run --backfill --date ...`, or the DAG's `backfill` "
                             "parameter)")
    aside = published_dir / f".warehouse.{run_id.replace(':', '_').replace('/', '_')}.duckdb"
    # Unique per call (a re-run of a task has the same run id): never the folder the link points at now.
    parquet_version = published_dir / f".{PARQUET}-{time.time_ns()}"
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
            stale = stale_accounts(con, day, accounts)
            con.execute(f"""create table publishing.{PUBLISHED_SCHEMA}.{PUBLICATION_TABLE} as
                            select ?::date as logical_date, ? as run_id, now()::timestamp as published_at_utc,
                                   ? as tables, ?::boolean as complete, ? as stale_accounts,
                                   ?::boolean as backfill""",
                        [day, run_id, ",".join(tables), None if stale is None else not stale,
                         None if stale is None else ",".join(stale), backfill])
            if stale:
                log.warning("the night %s is incomplete: stale accounts %s", day, ", ".join(stale))
            started = time.monotonic()
            export_parquet(con, "publishing", [*tables, PUBLICATION_TABLE], parquet_version)
            log.info("parquet: %d tables exported in %.2f s", len(tables) + 1, time.monotonic() - started)
            con.execute("detach publishing")
        finally:
            con.close()
        # Read-only on disk too: a reader that forgets to open it read-only gets an error, instead of the write lock
        # that would shut every other reader out. A reader holding the old file keeps its inode; new readers open
        # the new one.
        os.chmod(aside, 0o444)
        os.replace(aside, target)
        swap_link(parquet_version, published_dir / PARQUET)
    except BaseException:
        shutil.rmtree(parquet_version, ignore_errors=True)
        raise
    finally:
        aside.unlink(missing_ok=True)
        Path(str(aside) + ".wal").unlink(missing_ok=True)
    return target


def published_date(target: Path) -> dt.date | None:
    """The logical date of the published file (marts._publication), None if nothing is published yet."""
    if not target.exists():
        return None
    con = duckdb.connect()
    try:
        con.execute(f"attach '{target}' as published (read_only)")
        row = con.execute(f"select max(logical_date) from published.{PUBLISHED_SCHEMA}.{PUBLICATION_TABLE}").fetchone()
    except duckdb.CatalogException:  # a file without the table: published before it was recorded
        return None
    finally:
        con.close()
    return row[0] if row else None


def stale_accounts(con: duckdb.DuckDBPyConnection, day: dt.date, accounts: list[str] | None) -> list[str] | None:
    """The accounts of `accounts` whose night is not loaded whole: no load audit for the date, a stream the
    extraction did not complete, or a stream whose load did not load (raw._loads). None when not asked."""
    if accounts is None:
        return None
    audited = {row[0] for row in con.execute(
        "select column_name from duckdb_columns() where schema_name = 'raw' and table_name = '_loads'").fetchall()}
    loaded = "coalesce(load_status, 'loaded') = 'loaded'" if "load_status" in audited else "true"
    whole = {row[0]: row[1] for row in con.execute(
        f"""select platform || ':' || _account_id, bool_and(coalesce(stream_status, 'complete') = 'complete'
                                                        and {loaded})
            from raw._loads where _logical_date = ? group by 1""", [day]).fetchall()} if audited else {}
    return sorted(account for account in accounts if not whole.get(account, False))


def remove_leftovers(published_dir: Path) -> None:
    """A publish killed half-way (kill -9, a full disk) leaves its aside file and write-ahead log behind
    (.warehouse.<run>.duckdb[.wal]); the next publish removes them, and says so. Only one run at a time
    publishes (core.runlock), so none of them is being written."""
    leftovers = sorted(published_dir.glob(".warehouse.*.duckdb*"))
    for path in leftovers:
        path.unlink(missing_ok=True)
    if leftovers:
        log.warning("removed the leftovers of an interrupted publish: %s", ", ".join(path.name for path in leftovers))


def export_parquet(con: duckdb.DuckDBPyConnection, database: str, tables: list[str], folder: Path) -> None:
    """One file per table: <folder>/<table>/<table>.parquet (zstd), the published tables' rows and types; but
    128-bit integers (DuckDB's sum of integers), which Parquet has not and DuckDB would write as doubles, are
    written as 64-bit ones (a count that does not fit fails the publish rather than lose digits)."""
    for table in tables:
        columns = con.execute(
            "select column_name, data_type from duckdb_columns() where database_name = ? and schema_name = ?"
            " and table_name = ? order by column_index", [database, PUBLISHED_SCHEMA, table]).fetchall()
        quoted = [(name.replace('"', '""'), kind) for name, kind in columns]
        select = ", ".join(f'cast("{name}" as bigint) as "{name}"' if kind in ("HUGEINT", "UHUGEINT") else f'"{name}"'
                           for name, kind in quoted)
        (folder / table).mkdir(parents=True)
        path = folder / table / f"{table}.parquet"
        con.execute(f"copy (select {select} from {database}.{PUBLISHED_SCHEMA}.{table}) to '{path}'"
                    " (format parquet, compression zstd)")


def swap_link(version: Path, link: Path) -> None:
    """Point `link` at the folder `version` (a sibling) in one rename, so a reader finds either the old set or
    the new one, never a half-written one nor none; keep the version it replaced (a reader may still be listing
    it) and remove older ones."""
    previous = link.resolve() if link.is_symlink() else None
    if link.exists() and not link.is_symlink():  # a plain folder (published before the link): set it aside
        previous = link.with_name(f".{link.name}-0")
        shutil.rmtree(previous, ignore_errors=True)
        os.replace(link, previous)
    pending = link.with_name(f".{link.name}.link-{version.name}")
    pending.unlink(missing_ok=True)
    pending.symlink_to(version.name)
    os.replace(pending, link)
    for old in link.parent.glob(f".{link.name}-*"):
        if old.name not in (version.name, previous.name if previous else None):
            shutil.rmtree(old, ignore_errors=True)
