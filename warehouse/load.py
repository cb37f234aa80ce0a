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
    keys = primary_keys()
    streams: dict[tuple[str, str], list[tuple[str, dict]]] = {}
    for manifest in read_manifests(landing, day):
        for stream, info in manifest["streams"].items():
            streams.setdefault((manifest["platform"], stream), []).append((manifest["account_id"], info))
    own = con is None
    con = con or connect(settings)
    summary: dict[str, dict[str, int]] = {}
    try:
        con.execute("create schema if not exists raw")
        con.execute(QUARANTINE_DDL)
        con.execute(LOADS_DDL)
        write_accounts(con, settings)
        write_campaigns_and_roster(con, settings)
        con.execute("begin transaction")
        for (platform, stream), files in sorted(streams.items()):
            table = f"raw.{platform}__{stream}"
            summary[table] = _load_stream(con, table, files, keys.get((platform, stream), "id"),
                                          platform, stream, day, run_id)
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


def _load_stream(con, table: str, files: list[tuple[str, dict]], key: str, platform: str, stream: str,
                 day: dt.date, run_id: str) -> dict:
    """Load one stream's files of one night, every account at once: a few statements per table, not per file."""
    for _, info in files:
        path = Path(info["file"])
        if not path.exists():
            raise ReconciliationError(f"{path} is named in the manifest but missing")
        if sha256(path) != info["sha256"]:
            raise ReconciliationError(f"{path}: checksum differs from the manifest; the file changed after landing")
    con.execute(f"create table if not exists {table} ({RAW_COLUMNS})")
    accounts = sorted({account_id for account_id, _ in files})
    # Idempotence: the night's rows of these accounts are replaced, never appended twice.
    con.execute(f"delete from {table} where _logical_date = ? and _account_id in (select unnest(?))", [day, accounts])
    for audit in ("raw._quarantine", "raw._loads"):
        con.execute(f"delete from {audit} where _logical_date = ? and platform = ? and stream = ? "
                    "and _account_id in (select unnest(?))", [day, platform, stream, accounts])
    counted: dict[str, list[int]] = {info["file"]: [0, 0, 0] for _, info in files}  # lines, loaded, quarantined
    for batch in _batches(files):
        con.register("landing_batch", batch)
        # One parse per line: json_extract with several paths reads the line once (every other JSON
        # function would parse it again), and try() turns a broken line into NULL instead of an error.
        con.execute(f"""
            create or replace temp table landing_lines as
            with parsed as (
                select account_id, source_file, line_no, line,
                       try(json_extract(line, ['$.record', '$.parent_id', '$.record.{key}'])) as parts
                from landing_batch
            )
            select account_id, source_file, line_no, line,
                   parts[1] as record,
                   case when parts[2] <> 'null' then json_extract_string(parts[2], '$') end as parent_id,
                   case when parts is null then 'invalid JSON'
                        when parts[1] is null or not starts_with(parts[1]::varchar, '{{')
                            then 'record is not a JSON object'
                        when parts[3] is null or parts[3] = 'null' then 'missing primary key {key}'
                   end as reason
            from parsed""")
        con.unregister("landing_batch")
        con.execute(f"""insert into {table}
                        select record, parent_id, ?, ?, account_id, now()::timestamp, source_file, line_no
                        from landing_lines where reason is null""", [run_id, day])
        con.execute("""insert into raw._quarantine
                       select ?, ?, ?, account_id, ?, source_file, line_no, line, reason, now()::timestamp
                       from landing_lines where reason is not null""", [platform, stream, day, run_id])
        for source_file, lines, loaded, quarantined in con.execute(
                "select source_file, count(*), count(*) filter (where reason is null), "
                "count(*) filter (where reason is not null) from landing_lines group by source_file").fetchall():
            tally = counted[source_file]
            tally[0] += lines
            tally[1] += loaded
            tally[2] += quarantined
    con.execute("drop table if exists landing_lines")
    audit_rows = []
    for account_id, info in files:
        lines, loaded, quarantined = counted[info["file"]]
        if lines != info["rows"] or loaded + quarantined != lines:
            raise ReconciliationError(f"{info['file']}: manifest says {info['rows']} rows, file has {lines}, "
                                      f"loaded {loaded} + quarantined {quarantined}")
        if quarantined:
            log.warning("%s: %d of %d rows quarantined", info["file"], quarantined, lines)
        audit_rows.append([platform, stream, day, account_id, run_id, info["file"], info["sha256"], info["rows"],
                           loaded, quarantined, info.get("status", "complete")])
    con.executemany("insert into raw._loads values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, now()::timestamp)", audit_rows)
    return {"loaded": sum(tally[1] for tally in counted.values()),
            "quarantined": sum(tally[2] for tally in counted.values())}


def _batches(files: list[tuple[str, dict]]):
    """The lines of a stream's files as Arrow batches of at most BATCH_LINES rows (bounded memory)."""
    columns: dict[str, list] = {"account_id": [], "source_file": [], "line_no": [], "line": []}
    for account_id, info in files:
        with gzip.open(info["file"], "rt", encoding="utf-8", errors="replace") as handle:
            for number, line in enumerate(handle, start=1):
                columns["account_id"].append(account_id)
                columns["source_file"].append(info["file"])
                columns["line_no"].append(number)
                columns["line"].append(line.rstrip("\n"))
                if len(columns["line"]) == BATCH_LINES:
                    yield pa.table(columns)
                    columns = {name: [] for name in columns}
    if columns["line"]:
        yield pa.table(columns)


def write_accounts(con: duckdb.DuckDBPyConnection, settings: Settings) -> None:
    """The configured accounts, for dbt: brands, handles and time zones live in config, not in any API."""
    rows = [(account.key, account.platform, account.account_id, account.handle, brand.brand_id, brand.name,
             brand.timezone, brand.language) for brand, account in settings.accounts()]
    con.execute("""create or replace table raw.config__accounts (
        account_key VARCHAR, platform VARCHAR, platform_account_id VARCHAR, handle VARCHAR, brand_id VARCHAR,
        brand_name VARCHAR, timezone VARCHAR, brand_language VARCHAR)""")
    con.executemany("insert into raw.config__accounts values (?, ?, ?, ?, ?, ?, ?, ?)", rows)


def write_campaigns_and_roster(con: duckdb.DuckDBPyConnection, settings: Settings) -> None:
    """The brands' campaigns (one row per campaign hashtag) and influencer roster, for dbt: like the
    accounts, they live in the configuration and in no API."""
    con.execute("""create or replace table raw.config__campaign_hashtags (
        brand_id VARCHAR, campaign_id VARCHAR, hashtag VARCHAR, start_date DATE, end_date DATE,
        utm_campaign VARCHAR)""")
    hashtags = [(brand.brand_id, campaign.campaign_id, tag, campaign.start_date, campaign.end_date,
                 campaign.utm_campaign)
                for brand in settings.brands for campaign in brand.campaigns for tag in campaign.hashtags]
    if hashtags:  # DuckDB's executemany refuses an empty list
        con.executemany("insert into raw.config__campaign_hashtags values (?, ?, ?, ?, ?, ?)", hashtags)
    con.execute("""create or replace table raw.config__influencers (
        brand_id VARCHAR, platform VARCHAR, handle VARCHAR, followers BIGINT, fee DOUBLE, currency VARCHAR)""")
    roster = [(brand.brand_id, influencer.platform, influencer.handle, influencer.followers, influencer.fee,
               influencer.currency) for brand in settings.brands for influencer in brand.influencers]
    if roster:
        con.executemany("insert into raw.config__influencers values (?, ?, ?, ?, ?, ?)", roster)

