"""Retention: landing files and others' words in raw older than `retention.days` are deleted; the rest stays."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb

from core.config import load_settings
from core.paths import landing_dir
from loader import load_date
from loader.retention import OTHERS_WORDS, apply_retention
from simulator.bulk import land_history

TWO_PLATFORMS = Path(__file__).parent / "e2e" / "two_platforms.yml"
START = dt.date(2026, 10, 1)


def test_landing_files_and_others_words_past_retention_are_deleted(data_dir, tmp_path, monkeypatch):
    # GIVEN a warehouse configured to keep 3 days, and six nights landed and loaded
    config = tmp_path / "warehouse.yml"
    config.write_text(TWO_PLATFORMS.read_text() + "retention:\n  days: 3\n")
    monkeypatch.setenv("SMW_CONFIG", str(config))
    settings = load_settings()
    assert settings.retention.days == 3
    days = [START + dt.timedelta(days=n) for n in range(6)]
    land_history(settings, days)
    for day in days:
        load_date(settings, day, "retention-test")
    con = duckdb.connect(str(settings.warehouse))
    con.execute("""insert into raw._quarantine (platform, stream, _logical_date, _account_id, line, reason)
                   values ('mastodon', 'replies', ?, '1', '{"content": "old words"}', 'test'),
                          ('mastodon', 'replies', ?, '1', '{"content": "new words"}', 'test')""", [days[0], days[-1]])
    others = [f"raw.{platform}__{stream}" for platform, stream in OTHERS_WORDS
              if con.execute("select count(*) from duckdb_tables() where schema_name = 'raw' and table_name = ?",
                             [f"{platform}__{stream}"]).fetchone()[0]]
    assert {"raw.mastodon__replies", "raw.instagram__comments"} <= set(others)

    def rows_by_day(table: str) -> dict[dt.date, int]:
        return dict(con.execute(f"select _logical_date, count(*) from {table} group by 1").fetchall())

    before = {table: rows_by_day(table) for table in [*others, "raw.instagram__media", "raw.mastodon__statuses"]}
    assert all(before[table].get(days[0]) for table in ("raw.mastodon__replies", "raw.instagram__media"))
    # WHEN the sixth night is loaded and retention applied
    deleted = apply_retention(con, landing_dir(settings.data), days[-1], settings.retention.days)
    # THEN every landing folder of a night before day 6 - 3 is gone, the later ones are all there
    kept = sorted({folder.name for folder in landing_dir(settings.data).glob("*/*/*") if folder.is_dir()})
    assert kept == [day.isoformat() for day in days[2:]]
    # AND others' comments, replies and posts of those nights are deleted from raw, quarantined lines too
    cutoff = days[-1] - dt.timedelta(days=3)
    for table in others:
        after = rows_by_day(table)
        assert not [day for day in after if day < cutoff], table
        assert after == {day: rows for day, rows in before[table].items() if day >= cutoff}, table
    assert con.execute("select line from raw._quarantine").fetchall() == [('{"content": "new words"}',)]
    # AND the brands' own posts and counters stay whole
    for table in ("raw.instagram__media", "raw.mastodon__statuses"):
        assert rows_by_day(table) == before[table]
    con.close()
    assert deleted["landing_folders"] > 0 and deleted["raw_rows"] > 0 and deleted["raw_rows"] == sum(
        rows for table in others for day, rows in before[table].items() if day < cutoff)


def test_no_retention_keeps_everything(data_dir, tmp_path):
    landing = tmp_path / "landing" / "x" / "mentions" / "2020-01-01"
    landing.mkdir(parents=True)
    con = duckdb.connect()
    assert apply_retention(con, tmp_path / "landing", dt.date(2026, 10, 1), None)["landing_folders"] == 0
    assert landing.exists()
