"""Load a logical date's landing files into DuckDB raw tables: whole payloads, quarantine, reconciled counts."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import logging
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa

from core import catalog
from core.config import Settings
from core.db import connect
from core.landing import read_manifests, sha256
from core.paths import landing_dir

log = logging.getLogger(__name__)

# A night's lines are loaded in batches of at most this many lines and characters: memory stays bounded at
# benchmark scale (one Arrow batch of raw lines, and its parsed copy in DuckDB, at a time).
BATCH_LINES = 200_000
BATCH_CHARS = 1 << 24

# A night is one transaction: all of it lands in raw, or none of it. DuckDB holds a transaction's uncommitted
# rows in memory, past its memory limit (2.4M rows: 3.0 GB under a 1 GB limit; a 45M-row first night of a fleet
# was killed at 24 GB). A night of more lines than this is therefore staged first, batch by batch, each batch
# committed to a table of STAGE_SCHEMA (memory stays at the limit), and then swapped into raw by one
# transaction of a few `insert ... select` (DuckDB writes large inserts to disk as they go: 2.4M rows, 1.0 GB).
# A smaller night goes straight into raw, saving the copy.
STAGE_ROWS = 1_000_000
STAGE_SCHEMA = "_landing_stage"

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

QUARANTINE_COLUMNS = """
    platform VARCHAR, stream VARCHAR, _logical_date DATE, _account_id VARCHAR, _run_id VARCHAR,
    _source_file VARCHAR, _line_no BIGINT, line VARCHAR, reason VARCHAR, _loaded_at TIMESTAMP
"""
QUARANTINE_DDL = f"create table if not exists raw._quarantine ({QUARANTINE_COLUMNS})"

LOADS_DDL = """
create table if not exists raw._loads (
    platform VARCHAR, stream VARCHAR, _logical_date DATE, _account_id VARCHAR, _run_id VARCHAR,
    _source_file VARCHAR, sha256 VARCHAR, manifest_rows BIGINT, loaded_rows BIGINT, quarantined_rows BIGINT,
    stream_status VARCHAR, _loaded_at TIMESTAMP
)"""


class ReconciliationError(RuntimeError):
    """Landed files and their manifest disagree: nothing of the date is loaded."""


def primary_keys() -> dict[tuple[str, str], str]:
    """Each stream's primary key (a dotted path into the payload), as the catalog declares it."""
    return {(stream.platform, stream.name): stream.key for stream in catalog.STREAMS}


def load_date(settings: Settings, day: dt.date, run_id: str, con: duckdb.DuckDBPyConnection | None = None) -> dict:
    """Replace every raw row of `day` with what its landing files hold, in one transaction (a large night is
    staged first, see STAGE_ROWS)."""
    landing = landing_dir(settings.data)
    keys = primary_keys()
    streams: dict[tuple[str, str], list[tuple[str, dict]]] = {}
    for manifest in read_manifests(landing, day):
        for stream, info in manifest["streams"].items():
            streams.setdefault((manifest["platform"], stream), []).append((manifest["account_id"], info))
    tables = [_Table(f"raw.{platform}__{stream}", platform, stream, keys.get((platform, stream), "id"), files)
              for (platform, stream), files in sorted(streams.items())]
    own = con is None
    con = con or connect(settings)
    try:
        con.execute("create schema if not exists raw")
        con.execute(QUARANTINE_DDL)
        con.execute(LOADS_DDL)
        write_accounts(con, settings)
        write_campaigns_and_roster(con, settings)
        summary = _load_night(con, tables, day, run_id)
    except BaseException:
        try:
            con.execute("rollback")
        except duckdb.Error:
            pass  # no transaction was open (the error came before it, or while staging)
        raise
    finally:
        if own:
            con.close()
    log.info("loaded %s: %s", day, json.dumps(summary))
    return summary


@dataclass
class _Table:
    """One stream of the night: its raw table, primary key and landing files (one per account)."""

    name: str
    platform: str
    stream: str
    key: str
    files: list[tuple[str, dict]]  # (account_id, the manifest's entry for the stream)


@dataclass
class _File:
    index: int
    table: int
    account_id: str
    info: dict


# One parse per line: json_extract with several paths reads the line once (every other JSON function would
# parse it again), and try() turns a broken line into NULL instead of an error. The night's lines of every
# stream are parsed together; each line's primary key is the path at `key_no` (its stream's key).
PARSE_SQL = """
    create or replace temp table landing_lines as
    with parsed as (
        select file_no, table_no, account_id, source_file, platform, stream, line_no, line, key_name, key_no,
               try(json_extract(line, {paths})) as parts
        from landing_batch
    )
    , judged as (
        select file_no, table_no, account_id, source_file, platform, stream, line_no, line,
               parts[1] as record,
               case when parts[2] <> 'null' then json_extract_string(parts[2], '$') end as parent_id,
               case when parts is null then 'invalid JSON'
                    when parts[1] is null or not starts_with(parts[1]::varchar, '{{')
                        then 'record is not a JSON object'
                    when parts[key_no] is null or parts[key_no] = 'null' then 'missing primary key ' || key_name
               end as reason
        from parsed
    )
    -- the raw line is kept for the quarantine only: a loaded row keeps its record
    select file_no, table_no, account_id, source_file, platform, stream, line_no,
           case when reason is not null then line end as line, record, parent_id, reason
    from judged"""


def _load_night(con, tables: list[_Table], day: dt.date, run_id: str) -> dict:
    """Load every stream's files of one night: the landing files are read in one pass (in batches of at most
    BATCH_LINES lines and BATCH_CHARS characters, whatever stream they belong to), parsed by one statement per
    batch, and written with one insert per raw table and batch, one for the quarantine and one for the audit:
    a few statements per table and night, not a dozen per stream and batch. A night of more than STAGE_ROWS
    lines is written to a stage first, committed batch by batch, and swapped into raw in one transaction: raw
    gets all of the night or nothing of it either way."""
    files: list[_File] = []
    for number, table in enumerate(tables):
        for account_id, info in table.files:
            files.append(_File(len(files), number, account_id, info))
    if not files:
        return {}
    # Nothing of the night is written unless every file is the one its manifest describes.
    for file in files:
        path = Path(file.info["file"])
        if not path.exists():
            raise ReconciliationError(f"{path} is named in the manifest but missing")
        if sha256(path) != file.info["sha256"]:
            raise ReconciliationError(f"{path}: checksum differs from the manifest; the file changed after landing")
    existing = {f"raw.{name}" for (name,) in con.execute(
        "select table_name from duckdb_tables() where database_name = current_database() and schema_name = 'raw'"
    ).fetchall()}
    staged = sum(file.info["rows"] for file in files) > STAGE_ROWS
    if staged:
        # (the stage of a run that died is replaced; its tables hold nothing of raw's)
        into = [f"{STAGE_SCHEMA}.{table.platform}__{table.stream}" for table in tables]
        con.execute("begin transaction")
        con.execute(f"create schema if not exists {STAGE_SCHEMA}")
        for name in into:
            con.execute(f"create or replace table {name} ({RAW_COLUMNS})")
        quarantine = f"{STAGE_SCHEMA}._quarantine"
        con.execute(f"create or replace table {quarantine} ({QUARANTINE_COLUMNS})")
        con.execute("commit")
    else:
        into, quarantine = [table.name for table in tables], "raw._quarantine"
        con.execute("begin transaction")
    try:
        if not staged:
            _clear_night(con, tables, files, day, existing)
        counted = _write_batches(con, tables, files, into, quarantine, day, run_id, commit_each=staged)
        audit = _reconciled(tables, files, counted)
        if staged:
            con.execute("begin transaction")
            _clear_night(con, tables, files, day, existing)
            for table, name in zip(tables, into, strict=True):
                con.execute(f"insert into {table.name} select * from {name}")
            con.execute(f"insert into raw._quarantine select * from {quarantine}")
        _write_audit(con, audit, day, run_id)
        con.execute("commit")
    finally:
        if staged:
            try:
                con.execute("rollback")  # (if the swap failed; a committed night has no transaction open)
            except duckdb.Error:
                pass
            con.execute(f"drop schema if exists {STAGE_SCHEMA} cascade")
    summary: dict[str, dict[str, int]] = {table.name: {"loaded": 0, "quarantined": 0} for table in tables}
    for file in files:
        entry = summary[tables[file.table].name]
        entry["loaded"] += counted[file.index][1]
        entry["quarantined"] += counted[file.index][2]
    return summary


def _clear_night(con, tables: list[_Table], files: list[_File], day: dt.date, existing: set[str]) -> None:
    """Idempotence: the night's rows of these accounts are replaced, never appended twice. One query finds the
    tables holding any (a first load finds none); only those are deleted from. Raw tables are created here."""
    for table in tables:
        if table.name not in existing:
            con.execute(f"create table if not exists {table.name} ({RAW_COLUMNS})")
    accounts = [sorted({account_id for account_id, _ in table.files}) for table in tables]
    probed = [number for number, table in enumerate(tables) if table.name in existing]
    if probed:
        query = " union all ".join(
            f"(select {number} from {tables[number].name} where _logical_date = ? "
            "and _account_id in (select unnest(?)) limit 1)" for number in probed)
        held = {number for (number,) in con.execute(
            query, [value for number in probed for value in (day, accounts[number])]).fetchall()}
        for number in sorted(held):
            con.execute(f"delete from {tables[number].name} where _logical_date = ? "
                        "and _account_id in (select unnest(?))", [day, accounts[number]])
    by_file = pa.table({
        "platform": [tables[file.table].platform for file in files],
        "stream": [tables[file.table].stream for file in files],
        "account_id": [file.account_id for file in files],
    })
    con.register("landing_files", by_file)
    try:
        for audit in ("raw._quarantine", "raw._loads"):
            con.execute(f"delete from {audit} as audit where _logical_date = ? and exists ("
                        "select 1 from landing_files as landed where landed.platform = audit.platform "
                        "and landed.stream = audit.stream and landed.account_id = audit._account_id)", [day])
    finally:
        con.unregister("landing_files")


def _write_batches(con, tables: list[_Table], files: list[_File], into: list[str], quarantine: str,
                   day: dt.date, run_id: str, commit_each: bool) -> list[list[int]]:
    """Parse the night's lines batch by batch and insert each batch's good rows into `into` (one table per
    stream) and the rest into `quarantine`; each batch in its own transaction if `commit_each`. Returns the
    lines, loaded and quarantined rows counted per file."""
    key_names = sorted({table.key for table in tables})
    paths = ["$.record", "$.parent_id", *(f"$.record.{key}" for key in key_names)]
    parse = PARSE_SQL.format(paths="[" + ", ".join(f"'{path}'" for path in paths) + "]")
    key_no = np.array([3 + key_names.index(table.key) for table in tables], dtype=np.int32)
    lookups = {
        "table_no": np.array([file.table for file in files], dtype=np.int32),
        "key_no": key_no[[file.table for file in files]],
        "key_name": pa.array([tables[file.table].key for file in files], pa.string()),
        "account_id": pa.array([file.account_id for file in files], pa.string()),
        "source_file": pa.array([file.info["file"] for file in files], pa.string()),
        "platform": pa.array([tables[file.table].platform for file in files], pa.string()),
        "stream": pa.array([tables[file.table].stream for file in files], pa.string()),
    }
    counted = [[0, 0, 0] for _ in files]  # lines, loaded, quarantined
    for batch in _batches(files, lookups):
        if commit_each:
            con.execute("begin transaction")
        con.register("landing_batch", batch)
        try:
            con.execute(parse)
        finally:
            con.unregister("landing_batch")
        del batch  # parsed into landing_lines: the raw text can go before the inserts
        loaded_tables, quarantined = set(), 0
        for file_no, lines, loaded, bad in con.execute(
                "select file_no, count(*), count(*) filter (where reason is null), "
                "count(*) filter (where reason is not null) from landing_lines group by file_no").fetchall():
            tally = counted[file_no]
            tally[0] += lines
            tally[1] += loaded
            tally[2] += bad
            quarantined += bad
            if loaded:
                loaded_tables.add(files[file_no].table)
        for number in sorted(loaded_tables):
            con.execute(f"""insert into {into[number]}
                            select record, parent_id, ?, ?, account_id, now()::timestamp, source_file, line_no
                            from landing_lines where table_no = ? and reason is null""", [run_id, day, number])
        if quarantined:
            con.execute(f"""insert into {quarantine}
                            select platform, stream, ?, account_id, ?, source_file, line_no, line, reason,
                                   now()::timestamp
                            from landing_lines where reason is not null""", [day, run_id])
        if commit_each:
            con.execute("commit")
    con.execute("drop table if exists landing_lines")  # (a failed night's goes with its rollback)
    return counted


def _reconciled(tables: list[_Table], files: list[_File], counted: list[list[int]]) -> dict[str, list]:
    """The night's audit rows, one per file, once every file's lines are its manifest's rows, each one loaded
    or quarantined; otherwise ReconciliationError, before anything of the night reaches raw."""
    audit: dict[str, list] = {name: [] for name in (
        "platform", "stream", "account_id", "source_file", "sha256", "manifest_rows", "loaded_rows",
        "quarantined_rows", "stream_status")}
    for file in files:
        lines, loaded, quarantined = counted[file.index]
        info = file.info
        if lines != info["rows"] or loaded + quarantined != lines:
            raise ReconciliationError(f"{info['file']}: manifest says {info['rows']} rows, file has {lines}, "
                                      f"loaded {loaded} + quarantined {quarantined}")
        if quarantined:
            log.warning("%s: %d of %d rows quarantined", info["file"], quarantined, lines)
        for name, value in zip(audit, (tables[file.table].platform, tables[file.table].stream, file.account_id,
                                       info["file"], info["sha256"], info["rows"], loaded, quarantined,
                                       info.get("status", "complete")), strict=True):
            audit[name].append(value)
    return audit


def _write_audit(con, audit: dict[str, list], day: dt.date, run_id: str) -> None:
    con.register("landing_audit", pa.table({
        name: pa.array(values, pa.int64() if name.endswith("_rows") else pa.string())
        for name, values in audit.items()}))
    try:
        con.execute("""insert into raw._loads
                       select platform, stream, ?, account_id, ?, source_file, sha256, manifest_rows, loaded_rows,
                              quarantined_rows, stream_status, now()::timestamp
                       from landing_audit""", [day, run_id])
    finally:
        con.unregister("landing_audit")


def _batches(files: list[_File], lookups: dict):
    """The lines of the night's files, in order, as Arrow batches of at most BATCH_LINES lines and about
    BATCH_CHARS characters (bounded memory): each line with its file's number and its line number in the file;
    `lookups` give, per file, the other columns (dictionary-encoded: one value per file, not per line)."""
    lines: list[str] = []
    spans: list[tuple[int, int, int]] = []  # file number, first line number, lines
    chars = 0

    def batch() -> pa.Table:
        owner = np.repeat(np.array([span[0] for span in spans], dtype=np.int32),
                          [span[2] for span in spans])
        numbers = np.concatenate([np.arange(first, first + count, dtype=np.int64) for _, first, count in spans])
        indices = pa.array(owner)
        columns = {"file_no": indices, "line_no": numbers, "line": pa.array(lines, pa.large_string())}
        for name, values in lookups.items():
            if isinstance(values, np.ndarray):
                columns[name] = values[owner]
            else:
                columns[name] = pa.DictionaryArray.from_arrays(indices, values)
        return pa.table(columns)

    for file in files:
        number = 1
        for chunk in _file_lines(file.info["file"]):
            start = 0
            while start < len(chunk):
                take = min(len(chunk) - start, BATCH_LINES - len(lines))
                part = chunk[start:start + take] if take < len(chunk) else chunk
                lines.extend(part)
                chars += sum(map(len, part))
                spans.append((file.index, number, take))
                number += take
                start += take
                if len(lines) >= BATCH_LINES or chars >= BATCH_CHARS:
                    table = batch()
                    lines, spans, chars = [], [], 0  # (not held while the batch is loaded)
                    yield table
    if lines:
        table = batch()
        lines, spans = [], []
        yield table


READ_CHARS = 1 << 22  # decompressed text read at a time from one landing file


def _file_lines(path: str):
    """A landing file's lines, without their line ends, in lists of up to a few megabytes of text. The file is
    read as text with universal newlines and undecodable bytes replaced, as iterating `gzip.open(path, "rt",
    encoding="utf-8", errors="replace")` line by line would: the same lines, without a Python step per line."""
    with gzip.open(path, "rt", encoding="utf-8", errors="replace") as handle:
        tail = ""
        while chunk := handle.read(READ_CHARS):
            pieces = chunk.split("\n")
            pieces[0] = tail + pieces[0]
            tail = pieces.pop()
            if pieces:
                yield pieces
        if tail:
            yield [tail]


def write_accounts(con: duckdb.DuckDBPyConnection, settings: Settings) -> None:
    """The configured accounts, for dbt: brands, handles and time zones live in config, not in any API."""
    rows = [(account.key, account.platform, account.account_id, account.handle, brand.brand_id, brand.name,
             brand.timezone, brand.language) for brand, account in settings.accounts()]
    _write_config_table(con, "config__accounts", (
        ("account_key", "VARCHAR"), ("platform", "VARCHAR"), ("platform_account_id", "VARCHAR"), ("handle", "VARCHAR"),
        ("brand_id", "VARCHAR"), ("brand_name", "VARCHAR"), ("timezone", "VARCHAR"), ("brand_language", "VARCHAR")),
        rows)


def write_campaigns_and_roster(con: duckdb.DuckDBPyConnection, settings: Settings) -> None:
    """The brands' campaigns (one row per campaign hashtag) and influencer roster, for dbt: like the
    accounts, they live in the configuration and in no API."""
    hashtags = [(brand.brand_id, campaign.campaign_id, tag, campaign.start_date, campaign.end_date,
                 campaign.utm_campaign)
                for brand in settings.brands for campaign in brand.campaigns for tag in campaign.hashtags]
    _write_config_table(con, "config__campaign_hashtags", (
        ("brand_id", "VARCHAR"), ("campaign_id", "VARCHAR"), ("hashtag", "VARCHAR"), ("start_date", "DATE"),
        ("end_date", "DATE"), ("utm_campaign", "VARCHAR")), hashtags)
    roster = [(brand.brand_id, influencer.platform, influencer.handle, influencer.followers, influencer.fee,
               influencer.currency) for brand in settings.brands for influencer in brand.influencers]
    _write_config_table(con, "config__influencers", (
        ("brand_id", "VARCHAR"), ("platform", "VARCHAR"), ("handle", "VARCHAR"), ("followers", "BIGINT"),
        ("fee", "DOUBLE"), ("currency", "VARCHAR")), roster)


def _write_config_table(con: duckdb.DuckDBPyConnection, table: str, columns: tuple[tuple[str, str], ...],
                        rows: list[tuple]) -> None:
    """Replace raw.<table> with these columns and rows, unless it holds exactly them already: every load
    writes the configuration's tables, and rewriting unchanged ones cost a commit each (most of a night's
    load time in bulk history). The table ends the same either way."""
    current = con.execute("select column_name, data_type from duckdb_columns() where database_name = "
                          "current_database() and schema_name = 'raw' and table_name = ? order by column_index",
                          [table]).fetchall()
    if current == list(columns) and con.execute(f"select * from raw.{table}").fetchall() == rows:
        return
    con.execute(f"create or replace table raw.{table} ({', '.join(f'{name} {kind}' for name, kind in columns)})")
    if rows:  # DuckDB's executemany refuses an empty list
        con.executemany(f"insert into raw.{table} values ({', '.join('?' for _ in columns)})", rows)
