"""GA4 end to end against the in-process simulator: what lands is what the simulated web analytics hold."""

from __future__ import annotations

import datetime as dt
import gzip
import json

from extractors.run import extract_account
from simulator.web import sessions_on
from simulator.world import World
from warehouse.config import load_settings

DAY = dt.date(2026, 11, 21)


def test_sessions_daily_lands_the_worlds_sessions_with_string_values(tmp_path, monkeypatch):
    # GIVEN the demo world and its French brand's GA4 property
    monkeypatch.setenv("SMW_DATA_DIR", str(tmp_path))
    settings = load_settings()
    brand = settings.brands[0]
    # WHEN the property is extracted for one night through the simulator
    manifest = extract_account(settings, f"ga4:{brand.ga4_property}", DAY, "run-1")
    # THEN the landed rows are the world's rows of that local day, values as strings
    with gzip.open(manifest["streams"]["sessions_daily"]["file"], "rt") as handle:
        landed = [json.loads(line)["record"] for line in handle]
    expected = sessions_on(World(settings), brand, DAY)
    assert manifest["streams"]["sessions_daily"]["status"] == "complete"
    assert len(landed) == len(expected) > 5
    assert sum(int(row["sessions"]) for row in landed) == sum(row["sessions"] for row in expected)
    assert all(isinstance(row["sessions"], str) and isinstance(row["totalRevenue"], str) for row in landed)
    social = [row for row in landed if row["sessionMedium"] == "social"]
    assert social and all(row["sessionManualAdContent"].startswith(row["sessionSource"] + "_") for row in social)
    assert any(row["sessionCampaignName"] == "noel_2026" for row in social)
