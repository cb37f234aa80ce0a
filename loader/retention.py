"""Retention: what other people wrote is kept for `retention.days` days, then deleted.

Landing files (payloads as the APIs sent them: texts, names, handles) and the raw rows of the streams that carry
other people's comments, replies and posts (and the quarantined lines, which hold raw text too) are deleted once
their logical date is more than `retention.days` days before the night loaded. The marts keep what they hold:
aggregates and pseudonyms, never text or handles (fct_interactions is incremental: its rows of deleted nights
stay; only a full refresh rebuilds it from what raw still holds). The brands' own posts, counters and insights
are kept: they name nobody else.
"""

from __future__ import annotations

import datetime as dt
import logging
import shutil
from pathlib import Path

import duckdb

from core.catalog import STREAMS

log = logging.getLogger(__name__)

# The streams whose records are other people's words: comments, replies, mentions, others' posts found by search
# or tags. (X's `tweets` are the brand's own; TikTok's comments are not read.)
OTHERS_WORDS: tuple[tuple[str, str], ...] = (
    ("instagram", "comments"), ("instagram", "tags"),
    ("mastodon", "replies"), ("mastodon", "mentions"), ("mastodon", "hashtag_statuses"),
    ("x", "mentions"), ("x", "hashtag_search"),
    ("bluesky", "replies"), ("bluesky", "search"),
    ("facebook", "comments"), ("youtube", "comment_threads"), ("linkedin", "comments"),
)
_KNOWN = {(stream.platform, stream.name) for stream in STREAMS}
assert set(OTHERS_WORDS) <= _KNOWN, f"not in the stream catalog: {set(OTHERS_WORDS) - _KNOWN}"


def apply_retention(con: duckdb.DuckDBPyConnection, landing: Path, day: dt.date, days: int | None) -> dict:
    """Delete the landing folders and the raw rows of others' words whose logical date is before day - days;
    none if days is None (keep everything). Returns what was deleted, by kind."""
    if days is None:
        return {"cutoff": None, "landing_folders": 0, "raw_rows": 0, "quarantined_rows": 0}
    cutoff = day - dt.timedelta(days=days)
    folders = [folder for folder in landing.glob("*/*/*") if folder.is_dir() and _before(folder.name, cutoff)]
    for folder in folders:
        shutil.rmtree(folder)
    existing = {row[0] for row in con.execute(
        "select table_name from duckdb_tables() where database_name = current_database() and schema_name = 'raw'"
    ).fetchall()}
    raw_rows = quarantined = 0
    con.execute("begin")
    try:
        for platform, stream in OTHERS_WORDS:
            table = f"{platform}__{stream}"
            if table in existing:
                raw_rows += _deleted(con, f"delete from raw.{table} where _logical_date < ?", cutoff)
        if "_quarantine" in existing:
            quarantined = _deleted(con, "delete from raw._quarantine where _logical_date < ?", cutoff)
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    deleted = {"cutoff": cutoff.isoformat(), "landing_folders": len(folders), "raw_rows": raw_rows,
               "quarantined_rows": quarantined}
    if folders or raw_rows or quarantined:
        log.info("retention (%d days): deleted %s", days, deleted)
    return deleted


def _deleted(con: duckdb.DuckDBPyConnection, statement: str, cutoff: dt.date) -> int:
    row = con.execute(statement, [cutoff]).fetchone()
    return int(row[0]) if row else 0


def _before(name: str, cutoff: dt.date) -> bool:
    """A landing folder named by its logical date (<platform>/<stream>/<date>, <platform>/_manifests/<date>)."""
    try:
        return dt.date.fromisoformat(name) < cutoff
    except ValueError:
        return False
