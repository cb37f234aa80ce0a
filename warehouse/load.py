"""Load a logical date's landing files into DuckDB raw tables: whole payloads, quarantine, reconciled counts."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import logging
from pathlib import Path

import duckdb
import pyarrow as pa

from extractors.landing import read_manifests, sha256
from warehouse.config import Settings
from warehouse.db import connect

log = logging.getLogger(__name__)

BATCH_LINES = 200_000  # bounds memory at benchmark scale; one Arrow batch of raw lines at a time

RAW_COLUMNS = """
    payload JSON,
    _parent_id VARCHAR,
    _run_id VARCHAR,
    _logical_date DATE,
    _account_id VARCHAR,
    _loaded_at TIMESTAMP,
    _source_file VARCHAR,
    _line_no BIGINT
"""

QUARANTINE_DDL = """
create table if not exists raw._quarantine (
    platform VARCHAR, stream VARCHAR, _logical_date DATE, _account_id VARCHAR, _run_id VARCHAR,
    _source_file VARCHAR, _line_no BIGINT, line VARCHAR, reason VARCHAR, _loaded_at TIMESTAMP
)"""

LOADS_DDL = """
create table if not exists raw._loads (
    platform VARCHAR, stream VARCHAR, _logical_date DATE, _account_id VARCHAR, _run_id VARCHAR,
    _source_file VARCHAR, sha256 VARCHAR, manifest_rows BIGINT, loaded_rows BIGINT, quarantined_rows BIGINT,
    stream_status VARCHAR, _loaded_at TIMESTAMP
)"""


class ReconciliationError(RuntimeError):
    """Landed files and their manifest disagree: nothing of the date is loaded."""


def primary_keys() -> dict[tuple[str, str], str]:
    from extractors.run import PLATFORMS

    return {(platform, stream.name): stream.primary_key
            for platform, module in PLATFORMS.items() for stream in module.STREAMS}


def load_date(settings: Settings, day: dt.date, run_id: str, con: duckdb.DuckDBPyConnection | None = None) -> dict:
    """Replace every raw row of `day` with what its landing files hold, in one transaction."""
    landing = settings.data / "landing"
    manifests = read_manifests(landing, day)
    keys = primary_keys()
    own = con is None
    con = con or connect(settings)
    summary: dict[str, dict[str, int]] = {}
    try:
        con.execute("create schema if not exists raw")
        con.execute(QUARANTINE_DDL)
        con.execute(LOADS_DDL)
        write_accounts(con, settings)
        con.execute("begin transaction")
        for manifest in manifests:
            platform, account_id = manifest["platform"], manifest["account_id"]
            for stream, info in manifest["streams"].items():
                table = f"raw.{platform}__{stream}"
                counts = _load_file(con, table, Path(info["file"]), info, keys.get((platform, stream), "id"),
                                    platform, stream, day, account_id, run_id)
                totals = summary.setdefault(table, {"loaded": 0, "quarantined": 0})
                totals["loaded"] += counts["loaded"]
                totals["quarantined"] += counts["quarantined"]
        con.execute("commit")
    except BaseException:
        try:
            con.execute("rollback")
        except duckdb.Error:
            pass  # the error came before the transaction began
        raise
    finally:
        if own:
            con.close()
    log.info("loaded %s: %s", day, json.dumps(summary))
    return summary


def _load_file(con, table, path: Path, info: dict, key: str, platform, stream, day, account_id, run_id) -> dict:
    if not path.exists():
        raise ReconciliationError(f"{path} is named in the manifest but missing")
    if sha256(path) != info["sha256"]:
        raise ReconciliationError(f"{path}: checksum differs from the manifest; the file changed after landing")
    con.execute(f"create table if not exists {table} ({RAW_COLUMNS})")
    for target in (table, "raw._quarantine", "raw._loads"):
        # Idempotence: the date's rows for this account and stream are replaced, never appended twice.
        own_table = target == table
        where = "_logical_date = ? and _account_id = ?" + ("" if own_table else " and platform = ? and stream = ?")
        con.execute(f"delete from {target} where {where}",
                    [day, account_id] + ([] if target == table else [platform, stream]))
    lines = loaded = quarantined = 0
    for batch in _batches(path):
        lines += batch.num_rows
        con.register("landing_batch", batch)
        # CASE evaluates its branch only for rows that match it; AND does not short-circuit, and
        # json_extract on a broken line raises instead of returning NULL.
        con.execute(f"""
            create or replace temp table landing_lines as
            with parsed as (
                select line_no, line,
                       case when json_valid(line) then json_extract(line, '$.record') end as record,
                       case when json_valid(line) then json_extract_string(line, '$.parent_id') end as parent_id
                from landing_batch
            )
            select *,
                   case when record is null and not json_valid(line) then 'invalid JSON'
                        when json_type(record) is distinct from 'OBJECT' then 'record is not a JSON object'
                        when json_extract(record, '$.{key}') is null then 'missing primary key {key}'
                   end as reason
            from parsed""")
        con.unregister("landing_batch")
        loaded += con.execute(f"""
            insert into {table}
            select record, parent_id, ?, ?, ?, now()::timestamp, ?, line_no
            from landing_lines where reason is null""", [run_id, day, account_id, str(path)]).fetchone()[0]
        quarantined += con.execute("""
            insert into raw._quarantine
            select ?, ?, ?, ?, ?, ?, line_no, line, reason, now()::timestamp
            from landing_lines where reason is not null""",
            [platform, stream, day, account_id, run_id, str(path)]).fetchone()[0]
    con.execute("drop table if exists landing_lines")
    if lines != info["rows"] or loaded + quarantined != lines:
        raise ReconciliationError(
            f"{path}: manifest says {info['rows']} rows, file has {lines}, loaded {loaded} + quarantined {quarantined}"
        )
    con.execute("insert into raw._loads values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, now()::timestamp)",
                [platform, stream, day, account_id, run_id, str(path), info["sha256"], info["rows"], loaded,
                 quarantined, info.get("status", "complete")])
    if quarantined:
        log.warning("%s: %d of %d rows quarantined", path, quarantined, lines)
    return {"loaded": loaded, "quarantined": quarantined}


def _batches(path: Path):
    with gzip.open(path, "rt", encoding="utf-8", errors="replace") as handle:
        lines, numbers = [], []
        for number, line in enumerate(handle, start=1):
            lines.append(line.rstrip("\n"))
            numbers.append(number)
            if len(lines) == BATCH_LINES:
                yield pa.table({"line_no": numbers, "line": lines})
                lines, numbers = [], []
        if lines:
            yield pa.table({"line_no": numbers, "line": lines})


def write_accounts(con: duckdb.DuckDBPyConnection, settings: Settings) -> None:
    """The configured accounts, for dbt: brands, handles and time zones live in config, not in any API."""
    rows = [(account.key, account.platform, account.account_id, account.handle, brand.brand_id, brand.name,
             brand.timezone, brand.language) for brand, account in settings.accounts()]
    con.execute("""create or replace table raw.config__accounts (
        account_key VARCHAR, platform VARCHAR, platform_account_id VARCHAR, handle VARCHAR, brand_id VARCHAR,
        brand_name VARCHAR, timezone VARCHAR, brand_language VARCHAR)""")
    con.executemany("insert into raw.config__accounts values (?, ?, ?, ?, ?, ?, ?, ?)", rows)
