"""Load a logical date's landing files into DuckDB raw tables: whole payloads, quarantine, reconciled counts."""

from __future__ import annotations

import base64
import datetime as dt
import gzip
import json
import logging
import zlib
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa

from core import catalog
from core.config import Settings, max_line_bytes, quarantine_threshold
from core.db import connect, sql_literal
from core.landing import read_captures, read_manifests, sha256
from core.paths import landing_dir

log = logging.getLogger(__name__)

# A night is one transaction: all of it lands in raw, or none of it. DuckDB reads the landing files itself
# (read_csv, one VARCHAR column per line: no type detection, which would null what its sample did not show)
# into a table of judged lines, outside that transaction; then one transaction clears the night and copies
# the good lines into raw and the rest into the quarantine. The judged lines of a night of up to STAGE_ROWS
# lines and STAGE_BYTES of text are a temporary table, in memory (DuckDB did not spill one past a 64 MB
# limit); a larger night's go to a table of STAGE_SCHEMA, on disk, committed file group by file group,
# because DuckDB also holds a transaction's uncommitted rows in memory past its limit (a 45M-row first night
# of a fleet was killed at 24 GB); the swap into raw is a few `insert ... select`, which DuckDB writes to disk
# as they go.
STAGE_ROWS = 1_000_000
STAGE_BYTES = 1 << 26  # of text (the gzip files' own count of their uncompressed bytes)
STAGE_SCHEMA = "_landing_stage"
STATEMENT_FILES = 256  # files read by one statement (one read_csv each: their line numbers are their own)

# A file DuckDB refuses (a line over the size limit, invalid UTF-8, a stray carriage return or control
# character, a truncated gzip) is read again by Python, line by line, in batches of at most this many lines
# and bytes; its bad lines are quarantined with their reason, its good ones judged like any other.
BATCH_LINES = 200_000
BATCH_BYTES = 1 << 24
READ_BYTES = 1 << 22  # decompressed bytes read at a time by the Python reader
KEPT_BYTES = 1024  # of a line over the size limit, the first bytes kept in the quarantine

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

# line_encoding: `text`, or `base64` when the line's bytes are not UTF-8 (or a line over the size limit, of
# which the first KEPT_BYTES bytes are kept): the original bytes, never replaced.
QUARANTINE_COLUMNS = """
    platform VARCHAR, stream VARCHAR, _logical_date DATE, _account_id VARCHAR, _run_id VARCHAR,
    _source_file VARCHAR, _line_no BIGINT, line VARCHAR, reason VARCHAR, _loaded_at TIMESTAMP,
    line_encoding VARCHAR
"""
QUARANTINE_DDL = f"create table if not exists raw._quarantine ({QUARANTINE_COLUMNS})"

# load_status: `loaded`; `held` (the stream's quarantined share passed the threshold: raw keeps its earlier
# rows of the night, every line is in the quarantine); `failed` (the night was refused for this file, `reason`
# says why: nothing of the night was loaded). NULL in rows written before the column existed: loaded.
LOADS_DDL = """
create table if not exists raw._loads (
    platform VARCHAR, stream VARCHAR, _logical_date DATE, _account_id VARCHAR, _run_id VARCHAR,
    _source_file VARCHAR, sha256 VARCHAR, manifest_rows BIGINT, loaded_rows BIGINT, quarantined_rows BIGINT,
    stream_status VARCHAR, _loaded_at TIMESTAMP, load_status VARCHAR, reason VARCHAR
)"""
ADDED_COLUMNS = (("raw._quarantine", "line_encoding"), ("raw._loads", "load_status"), ("raw._loads", "reason"))

LINES_COLUMNS = """
    file_no INTEGER, line_no BIGINT, record JSON, parent_id VARCHAR, reason VARCHAR, line VARCHAR,
    line_encoding VARCHAR
"""


class ReconciliationError(RuntimeError):
    """Landed files and their manifest disagree: nothing of the date is loaded (raw._loads records why)."""

    def __init__(self, message: str, file: _File | None = None):
        super().__init__(message)
        self.file = file


class CorruptLandingError(ReconciliationError):
    """A landing file is not a whole gzip stream (truncated, or its bytes damaged): nothing of the date is
    loaded."""


def primary_keys() -> dict[tuple[str, str], str]:
    """Each stream's primary key (a dotted path into the payload), as the catalog declares it."""
    return {(stream.platform, stream.name): stream.key for stream in catalog.STREAMS}


def load_date(settings: Settings, day: dt.date, run_id: str, con: duckdb.DuckDBPyConnection | None = None) -> dict:
    """Replace every raw row of `day` with what its landing files hold, in one transaction (a large night is
    staged first, see STAGE_ROWS)."""
    landing = landing_dir(settings.data)
    keys = primary_keys()
    streams: dict[tuple[str, str], list[tuple[str, dict]]] = {}
    for manifest in [*read_manifests(landing, day), *read_captures(landing, day)]:
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
        for table, column in ADDED_COLUMNS:  # (a warehouse from before these columns)
            con.execute(f"alter table {table} add column if not exists {column} VARCHAR")
        write_accounts(con, settings)
        write_campaigns_and_roster(con, settings)
        summary = _load_night(con, tables, day, run_id, settings.data)
    except BaseException:
        try:
            con.execute("rollback")
        except duckdb.Error:
            pass  # no transaction was open (the error came before it, or while reading)
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
    path: Path
    source: str  # as raw's _source_file: relative to the data directory when under it


# One parse per line: json_extract with several paths reads the line once (every other JSON function would
# parse it again), and try() turns a broken line into NULL instead of an error. Each line's primary key is
# the path at `key_no` (its stream's key). `fault` is a reason found while reading (Python reader).
JUDGE_SQL = """
    insert into {into}
    with lines as ({source})
    , parsed as (
        select file_no, line_no, line, fault, kept, line_encoding, key_no, key_name,
               try(json_extract(line, {paths})) as parts
        from lines
    )
    , judged as (
        select file_no, line_no, line, kept, line_encoding, parts[1] as record,
               case when parts[2] <> 'null' then json_extract_string(parts[2], '$') end as parent_id,
               case when fault is not null then fault
                    when parts is null then 'invalid JSON'
                    when parts[1] is null or not starts_with(parts[1]::varchar, '{{')
                        then 'record is not a JSON object'
                    when parts[key_no] is null or parts[key_no] = 'null' then 'missing primary key ' || key_name
               end as reason
        from parsed
    )
    -- the line's text is kept for the quarantine only: a loaded row keeps its record
    select file_no, line_no, case when reason is null then record end, case when reason is null then parent_id end,
           reason, case when reason is not null or {keep} then coalesce(kept, line) end,
           case when reason is not null or {keep} then coalesce(line_encoding, 'text') end
    from judged"""

# One landing file's lines, as DuckDB reads them: one VARCHAR column (a delimiter, quote and escape that
# valid JSON text never holds raw), lines ending at \n only, numbered in the file (a gzip file is read by one
# thread, in order). Anything else (a \r, a control character, invalid UTF-8, a line over the limit, a
# truncated file) makes the read fail, and the file goes to the Python reader.
READ_SQL = """
    select {file_no} as file_no, ordinality as line_no, line, null::varchar as fault, null::varchar as kept,
           null::varchar as line_encoding, {key_no} as key_no, {key_name} as key_name
    from read_csv({path}, columns = {{'line': 'VARCHAR'}}, header = false, auto_detect = false,
                  delim = chr(1), quote = '', escape = '', new_line = '\\n', compression = 'gzip',
                  max_line_size = {max_line}, buffer_size = {buffer}) with ordinality"""


# A group of files in one read (DuckDB's multi-file reader, which reads files side by side): file_index is
# the file's place in the list, ordinality the line's place in the whole read.
READ_TOGETHER_SQL = """
    select ({file_nos})[file_index::bigint + 1]::integer as file_no,
           ordinality - ({firsts})[file_index::bigint + 1] + 1 as line_no, line,
           null::varchar as fault, null::varchar as kept, null::varchar as line_encoding,
           ({key_nos})[file_index::bigint + 1] as key_no, ({key_names})[file_index::bigint + 1] as key_name
    from read_csv({paths}, columns = {{'line': 'VARCHAR'}}, header = false, auto_detect = false,
                  delim = chr(1), quote = '', escape = '', new_line = '\\n', compression = 'gzip',
                  max_line_size = {max_line}, buffer_size = {buffer}) with ordinality"""


def _load_night(con, tables: list[_Table], day: dt.date, run_id: str, data: Path) -> dict:
    """Load every stream's files of one night: DuckDB reads and judges them into a table of lines (a few
    statements per night), the counts are reconciled with the manifests, and one transaction replaces the
    night's rows in raw with the good lines, puts the rest in the quarantine and writes the audit."""
    files: list[_File] = []
    for number, table in enumerate(tables):
        for account_id, info in table.files:
            path = Path(info["file"])
            files.append(_File(len(files), number, account_id, info, path, _source_name(path, data)))
    if not files:
        return {}
    if con.execute("select count(*) from duckdb_schemas() where database_name = current_database() "
                   "and schema_name = ?", [STAGE_SCHEMA]).fetchone()[0]:
        log.warning("dropping the schema %s a load that died left behind", STAGE_SCHEMA)
        con.execute(f"drop schema {STAGE_SCHEMA} cascade")
    try:
        # Nothing of the night is written unless every file is the one its manifest describes.
        for file in files:
            if not file.path.exists():
                raise ReconciliationError(f"{file.source} is named in the manifest but missing", file)
            if sha256(file.path) != file.info["sha256"]:
                raise ReconciliationError(
                    f"{file.source}: checksum differs from the manifest; the file changed after landing", file)
        staged = (sum(file.info["rows"] for file in files) > STAGE_ROWS
                  or sum(_text_bytes(file.path) for file in files) > STAGE_BYTES)
        lines = f"{STAGE_SCHEMA}.lines" if staged else "landing_lines"
        if staged:
            con.execute(f"create schema {STAGE_SCHEMA}")
            con.execute(f"create table {lines} ({LINES_COLUMNS})")
        else:
            con.execute(f"create or replace temp table {lines} ({LINES_COLUMNS})")
        try:
            return _judge_and_swap(con, tables, files, lines, day, run_id)
        finally:
            con.execute(f"drop schema if exists {STAGE_SCHEMA} cascade" if staged else f"drop table if exists {lines}")
            con.execute("drop table if exists landing_held")
    except ReconciliationError as error:
        try:
            con.execute("rollback")
        except duckdb.Error:
            pass
        if error.file is not None:
            _record_failure(con, tables, error.file, str(error), day, run_id)
        raise


def _judge_and_swap(con, tables: list[_Table], files: list[_File], lines: str, day: dt.date,
                    run_id: str) -> dict:
    key_names = sorted({table.key for table in tables})
    paths = "[" + ", ".join(sql_literal(path) for path in ["$.record", "$.parent_id",
                                                           *(f"$.record.{key}" for key in key_names)]) + "]"
    key_no = {table.key: 3 + key_names.index(table.key) for table in tables}
    _read_files(con, tables, files, lines, paths, key_no, keep=False)
    counted = {file_no: (total, good) for file_no, total, good in con.execute(
        f"select file_no, count(*), count(*) filter (where reason is null) from {lines} group by file_no"
    ).fetchall()}
    audit, held = _reconciled(tables, files, counted)
    if held:
        # A held stream's good lines go to the quarantine too, with their text: its files are read again.
        con.execute(f"create or replace temp table landing_held ({LINES_COLUMNS})")
        _read_files(con, tables, [files[number] for number in sorted(held)], "landing_held", paths, key_no,
                    keep=True)
    # (a table, not the Arrow table itself: the quarantine's inserts and the clearing join it, and each scan of
    # an Arrow table costs a few ms)
    con.register("landing_files_arrow", _files_table(tables, files, audit, held))
    try:
        con.execute("create or replace temp table landing_files as select * from landing_files_arrow")
    finally:
        con.unregister("landing_files_arrow")
    try:
        _swap(con, tables, files, lines, audit, held, day, run_id)
    except BaseException:
        try:
            con.execute("rollback")  # (before the clean-up below, which an aborted transaction would refuse)
        except duckdb.Error:
            pass  # (none was open)
        raise
    finally:
        con.execute("drop table if exists landing_files")
    summary: dict[str, dict[str, int]] = {table.name: {"loaded": 0, "quarantined": 0} for table in tables}
    for number, file in enumerate(files):
        entry = summary[tables[file.table].name]
        entry["loaded"] += audit["loaded_rows"][number]
        entry["quarantined"] += audit["quarantined_rows"][number]
    return summary


def _swap(con, tables: list[_Table], files: list[_File], lines: str, audit: dict[str, list], held: set[int],
          day: dt.date, run_id: str) -> None:
    """One transaction: the night's rows replaced in raw, its quarantine and audit written."""
    con.execute("begin transaction")
    _clear_night(con, tables, files, day, held)
    loaded = sorted({file.table for file in files if audit["loaded_rows"][file.index]})
    for number in loaded:
        # A table's files are numbered one after the other: `between` skips the other tables' row groups, and
        # each line's account and file are looked up in lists by its file's place (cheaper than a join).
        own = [file for file in files if file.table == number]
        first = own[0].index
        con.execute(f"""insert into {tables[number].name}
                        select record, parent_id, ?, ?, (?::varchar[])[file_no - ? + 1], now()::timestamp,
                               (?::varchar[])[file_no - ? + 1], line_no
                        from {lines}
                        where file_no between ? and ? and reason is null and not list_contains(?, file_no)""",
                    [run_id, day, [file.account_id for file in own], first, [file.source for file in own], first,
                     first, own[-1].index, [file.index for file in own if file.index in held]])
    quarantine = """insert into raw._quarantine
                    select files.platform, files.stream, ?, files.account_id, ?, files.source_file, lines.line_no,
                           lines.line, coalesce(lines.reason, files.held_reason), now()::timestamp,
                           lines.line_encoding
                    from {lines} as lines join landing_files as files using (file_no)
                    where {which}"""
    if any(audit["quarantined_rows"]):
        con.execute(quarantine.format(lines=lines, which="lines.reason is not null and not files.held"),
                    [day, run_id])
    if held:
        con.execute(quarantine.format(lines="landing_held", which="true"), [day, run_id])
    _write_audit(con, audit, day, run_id)
    con.execute("commit")


def _text_bytes(path: Path) -> int:
    """A gzip file's uncompressed size, as its last four bytes give it (modulo 4 GiB: a larger file is
    counted at least by its compressed size)."""
    with open(path, "rb") as handle:
        size = handle.seek(0, 2)
        if size < 4:
            return size
        handle.seek(-4, 2)
        return max(int.from_bytes(handle.read(4), "little"), size)


def _source_name(path: Path, data: Path) -> str:
    """A landing file as raw's _source_file names it: relative to the data directory, so that the same
    landing loads the same rows wherever it was moved or restored."""
    try:
        return path.resolve().relative_to(data.resolve()).as_posix()
    except ValueError:
        return str(path)


def _files_table(tables: list[_Table], files: list[_File], audit: dict[str, list], held: set[int]) -> pa.Table:
    """Each file's columns of raw and the quarantine; for a held stream, the reason its good lines are
    quarantined."""
    return pa.table({
        "file_no": pa.array([file.index for file in files], pa.int32()),
        "platform": [tables[file.table].platform for file in files],
        "stream": [tables[file.table].stream for file in files],
        "account_id": [file.account_id for file in files],
        "source_file": [file.source for file in files],
        "held": pa.array([file.index in held for file in files]),
        "held_reason": pa.array([f"stream held: {audit['reason'][file.index]}" if file.index in held else None
                                 for file in files], pa.string()),
    })


def _read_files(con, tables: list[_Table], files: list[_File], into: str, paths: str, key_no: dict[str, int],
                keep: bool) -> None:
    """Read and judge `files` into the table `into`: by DuckDB, STATEMENT_FILES files a statement; a group
    DuckDB refuses, or whose line numbers do not check, is read file by file, and a file DuckDB refuses by
    Python (_read_slowly)."""
    limit = max_line_bytes()

    def judge(source: str) -> None:
        con.execute(JUDGE_SQL.format(into=into, source=source, paths=paths, keep="true" if keep else "false"))

    for start in range(0, len(files), STATEMENT_FILES):
        group = files[start:start + STATEMENT_FILES]
        try:
            judge(_read_together(tables, group, key_no, limit))
            if _numbered_as_manifests_say(con, into, group):
                continue
            con.execute(f"delete from {into} where file_no in (select unnest(?))", [[file.index for file in group]])
        except duckdb.Error:
            pass  # one of them is refused: each file alone
        for file in group:
            table = tables[file.table]
            try:
                judge(READ_SQL.format(file_no=file.index, key_no=key_no[table.key], key_name=sql_literal(table.key),
                                      path=sql_literal(str(file.path)), max_line=limit, buffer=_buffer(limit)))
            except duckdb.Error as error:
                log.warning("%s: DuckDB refused the file (%s); reading it line by line",
                            file.source, str(error).splitlines()[0][:200])
                for batch in _read_slowly(file, max_line=limit, key_no=key_no[table.key], key_name=table.key):
                    con.register("landing_batch", batch)
                    try:
                        judge("select * from landing_batch")
                    finally:
                        con.unregister("landing_batch")


def _read_together(tables: list[_Table], group: list[_File], key_no: dict[str, int], limit: int) -> str:
    """One read_csv of a group of files (as fast as DuckDB reads): each line's file from file_index, its
    number in the file from its ordinality in the read less the lines of the files before it, as their
    manifests count them. DuckDB numbers the lines of a read in file order (each gzip file is read whole by
    one thread); _numbered_as_manifests_say checks that it did, and that the manifests were right."""
    firsts, first = [], 1
    for file in group:
        firsts.append(first)
        first += int(file.info["rows"])

    def listed(values) -> str:
        return "[" + ", ".join(map(str, values)) + "]"

    return READ_TOGETHER_SQL.format(
        file_nos=listed(file.index for file in group), firsts=listed(firsts),
        key_nos=listed(key_no[tables[file.table].key] for file in group),
        key_names=listed(sql_literal(tables[file.table].key) for file in group),
        paths=listed(sql_literal(str(file.path)) for file in group), max_line=limit, buffer=_buffer(limit))


def _buffer(limit: int) -> int:
    """read_csv's buffer for lines of up to `limit` bytes. Its default is 16 times the line limit (160 MB a
    reading thread for 10 MB lines, more than a small memory limit holds: DuckDB refused the read); twice
    the limit holds any line that is not refused."""
    return max(2 * limit, 1 << 20)


def _numbered_as_manifests_say(con, into: str, group: list[_File]) -> bool:
    """Whether every file of a group read together has its manifest's count of lines, numbered 1 to that
    count: then each line's number is its own. Otherwise the group is read again file by file (a file whose
    count differs from its manifest then fails the reconciliation with its own count)."""
    expected = {file.index: (file.info["rows"], 1, file.info["rows"]) for file in group if file.info["rows"]}
    found = {file_no: (count, first, last) for file_no, count, first, last in con.execute(
        f"select file_no, count(*), min(line_no), max(line_no) from {into} "
        "where file_no in (select unnest(?)) group by file_no", [[file.index for file in group]]).fetchall()}
    return found == expected


def _read_slowly(file: _File, max_line: int, key_no: int, key_name: str):
    """A landing file's lines as Arrow batches (file_no, line_no, line, fault, kept, line_encoding, key_no,
    key_name), read by Python: a line is the bytes before a \n. A line over `max_line` bytes is never held
    whole: its fault says so and its first KEPT_BYTES bytes are kept (base64). A line that is not UTF-8 keeps
    its bytes as base64, never replaced. A file that is not a whole gzip stream is CorruptLandingError."""
    columns: dict[str, list] = {name: [] for name in ("line_no", "line", "fault", "kept", "line_encoding")}
    size = 0
    number = 0
    pending: list[bytes] = []
    pending_size = 0

    def batch() -> pa.Table:
        count = len(columns["line_no"])
        return pa.table({"file_no": pa.array([file.index] * count, pa.int32()),
                         "line_no": pa.array(columns["line_no"], pa.int64()),
                         **{name: pa.array(columns[name], pa.string())
                            for name in ("line", "fault", "kept", "line_encoding")},
                         "key_no": pa.array([key_no] * count, pa.int32()),
                         "key_name": pa.array([key_name] * count, pa.string())})

    def finish() -> None:
        nonlocal number, size
        number += 1
        text = fault = kept = encoding = None
        raw = b"".join(pending)
        if pending_size > max_line:
            fault = (f"line of {pending_size} bytes, over the limit of {max_line} (SMW_MAX_LINE_BYTES); "
                     f"its first {KEPT_BYTES} bytes kept, as base64")
            kept, encoding = base64.b64encode(raw[:KEPT_BYTES]).decode(), "base64"
        else:
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as error:
                fault = f"invalid UTF-8 at byte {error.start}; the line kept as base64"
                kept, encoding = base64.b64encode(raw).decode(), "base64"
        for name, value in zip(columns, (number, text, fault, kept, encoding), strict=True):
            columns[name].append(value)
        size += len(raw)

    try:
        with gzip.open(file.path, "rb") as handle:
            while chunk := handle.read(READ_BYTES):
                pieces = chunk.split(b"\n")
                for position, piece in enumerate(pieces):
                    if pending_size <= max_line:
                        # (past the limit only the first KEPT_BYTES bytes are kept)
                        pending.append(piece if pending_size + len(piece) <= max_line
                                       else piece[:max(0, KEPT_BYTES - pending_size)])
                    pending_size += len(piece)
                    if position == len(pieces) - 1:
                        break  # the line goes on in the next chunk
                    finish()
                    pending, pending_size = [], 0
                    if len(columns["line_no"]) >= BATCH_LINES or size >= BATCH_BYTES:
                        yield batch()
                        columns = {name: [] for name in columns}
                        size = 0
            if pending_size:
                finish()
    except (EOFError, gzip.BadGzipFile, zlib.error) as error:
        raise CorruptLandingError(f"{file.source}: corrupt gzip ({error}): the file is not whole; nothing of "
                                  "the night is loaded. Land the night again, or restore the file", file) from None
    if columns["line_no"]:
        yield batch()


def _reconciled(tables: list[_Table], files: list[_File],
                counted: dict[int, tuple[int, int]]) -> tuple[dict[str, list], set[int]]:
    """The night's audit rows, one per file, once every file's lines are its manifest's rows, each one loaded
    or quarantined; otherwise ReconciliationError, before anything of the night reaches raw. Also the files
    held: more than quarantine_threshold() of their lines quarantined."""
    threshold = quarantine_threshold()
    audit: dict[str, list] = {name: [] for name in (
        "platform", "stream", "account_id", "source_file", "sha256", "manifest_rows", "loaded_rows",
        "quarantined_rows", "stream_status", "load_status", "reason")}
    held: set[int] = set()
    for file in files:
        lines, loaded = counted.get(file.index, (0, 0))
        quarantined = lines - loaded
        info = file.info
        if lines != info["rows"]:
            raise ReconciliationError(f"{file.source}: manifest says {info['rows']} rows, file has {lines}, "
                                      f"loaded {loaded} + quarantined {quarantined}", file)
        status, reason = "loaded", None
        if lines and quarantined / lines > threshold:
            held.add(file.index)
            status = "held"
            reason = (f"{quarantined} of {lines} lines quarantined, over the {threshold:.0%} threshold "
                      "(SMW_QUARANTINE_THRESHOLD): raw keeps the stream's earlier rows of the night; every line "
                      "is in raw._quarantine")
            log.error("%s: stream held: %s", file.source, reason)
            loaded, quarantined = 0, lines
        elif quarantined:
            log.warning("%s: %d of %d rows quarantined", file.source, quarantined, lines)
        for name, value in zip(audit, (tables[file.table].platform, tables[file.table].stream, file.account_id,
                                       file.source, info["sha256"], info["rows"], loaded, quarantined,
                                       info.get("status", "complete"), status, reason), strict=True):
            audit[name].append(value)
    return audit, held


def _clear_night(con, tables: list[_Table], files: list[_File], day: dt.date, held: set[int]) -> None:
    """Idempotence: the night's rows of these accounts are replaced, never appended twice, but for the held
    streams, whose earlier rows of the night stay (with their audit and quarantine). Raw tables are created
    here."""
    existing = {f"raw.{name}" for (name,) in con.execute(
        "select table_name from duckdb_tables() where database_name = current_database() and schema_name = 'raw'"
    ).fetchall()}
    for table in tables:
        if table.name not in existing:
            con.execute(f"create table {table.name} ({RAW_COLUMNS})")
    accounts = [sorted({file.account_id for file in files if file.table == number and file.index not in held})
                for number in range(len(tables))]
    probed = [number for number, table in enumerate(tables) if table.name in existing and accounts[number]]
    if probed:
        # One query finds the tables holding any of the night (a first load finds none): only those are
        # deleted from.
        query = " union all ".join(
            f"(select {number} from {tables[number].name} where _logical_date = ? "
            "and _account_id in (select unnest(?)) limit 1)" for number in probed)
        present = {number for (number,) in con.execute(
            query, [value for number in probed for value in (day, accounts[number])]).fetchall()}
        for number in sorted(present):
            con.execute(f"delete from {tables[number].name} where _logical_date = ? "
                        "and _account_id in (select unnest(?))", [day, accounts[number]])
    # (a held stream keeps the audit and quarantine of the load whose rows raw keeps, and only those)
    kept = ("(files.held and coalesce(audit.load_status, 'loaded') = 'loaded')" if held else "false")
    con.execute(f"""delete from raw._loads as audit where _logical_date = ? and exists (
                        select 1 from landing_files as files where files.platform = audit.platform
                        and files.stream = audit.stream and files.account_id = audit._account_id and not {kept})""",
                [day])
    con.execute("""delete from raw._quarantine as bad where _logical_date = ? and exists (
                       select 1 from landing_files as files where files.platform = bad.platform
                       and files.stream = bad.stream and files.account_id = bad._account_id and not (files.held
                       and bad._run_id in (select audit._run_id from raw._loads as audit
                                           where audit._logical_date = bad._logical_date
                                           and audit.platform = bad.platform and audit.stream = bad.stream
                                           and audit._account_id = bad._account_id)))""", [day])


def _write_audit(con, audit: dict[str, list], day: dt.date, run_id: str) -> None:
    con.register("landing_audit", pa.table({
        name: pa.array(values, pa.int64() if name.endswith("_rows") else pa.string())
        for name, values in audit.items()}))
    try:
        con.execute("""insert into raw._loads
                       select platform, stream, ?, account_id, ?, source_file, sha256, manifest_rows, loaded_rows,
                              quarantined_rows, stream_status, now()::timestamp, load_status, reason
                       from landing_audit""", [day, run_id])
    finally:
        con.unregister("landing_audit")


def _record_failure(con, tables: list[_Table], file: _File, reason: str, day: dt.date, run_id: str) -> None:
    """The audit of a refused night: one `failed` row for the file that refused it (raw is untouched)."""
    table = tables[file.table]
    try:
        con.execute("""insert into raw._loads values (?, ?, ?, ?, ?, ?, ?, ?, 0, 0, ?, now()::timestamp,
                                                     'failed', ?)""",
                    [table.platform, table.stream, day, file.account_id, run_id, file.source,
                     file.info.get("sha256"), file.info.get("rows"), file.info.get("status", "complete"), reason])
    except duckdb.Error as error:  # (a read-only disk: the error raised is the night's own)
        log.error("could not record the failed load of %s in raw._loads: %s", file.source, error)


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
