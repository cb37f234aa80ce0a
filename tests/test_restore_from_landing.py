"""Restore from landing: a lost warehouse is rebuilt from the landing area, without extracting again."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb

from core.config import load_settings
from core.paths import validation_dir
from simulator.bulk import land_history
from warehouse.__main__ import main

TWO_PLATFORMS = Path(__file__).parent / "e2e" / "two_platforms.yml"
DAYS = [dt.date(2026, 10, 1), dt.date(2026, 10, 2)]


def raw_rows(warehouse: Path) -> dict[tuple[str, dt.date], int]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return {(table, day): rows for table, day, rows in con.execute(
            "select platform || '__' || stream, _logical_date, sum(loaded_rows) from raw._loads group by all"
        ).fetchall()}
    finally:
        con.close()


def test_the_load_command_rebuilds_raw_from_the_landing_files(data_dir, monkeypatch, capsys):
    # GIVEN two nights landed and loaded
    monkeypatch.setenv("SMW_CONFIG", str(TWO_PLATFORMS))
    settings = load_settings()
    land_history(settings, DAYS)
    assert main(["load", "--date", DAYS[0].isoformat(), "--date", DAYS[1].isoformat()]) == 0
    loaded = raw_rows(settings.warehouse)
    assert sum(loaded.values()) > 0 and {day for _, day in loaded} == set(DAYS)
    # WHEN the working warehouse is lost and the nights are loaded again from the landing files (in any order)
    settings.warehouse.unlink()
    Path(str(settings.warehouse) + ".wal").unlink(missing_ok=True)
    assert main(["load", "--date", DAYS[1].isoformat(), "--date", DAYS[0].isoformat()]) == 0
    # THEN raw holds the same rows per table and night, and the command said what it loaded
    assert raw_rows(settings.warehouse) == loaded
    assert f"{DAYS[0]}: " in capsys.readouterr().out
    # AND the raw suites checked each night, as after a nightly load: the gate publishes no night they did not
    assert all((validation_dir(settings.data, day) / "raw.json").exists() for day in DAYS)
