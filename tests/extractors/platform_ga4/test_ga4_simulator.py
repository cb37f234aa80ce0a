"""GA4 end to end against the in-process simulator: what lands is what the simulated web analytics hold."""

from __future__ import annotations

import datetime as dt
import gzip
import json

import pytest

from core.config import load_settings
from extractors.run import extract_account
from simulator.api import simulator_transport
from simulator.web import default_channel_group, sessions_on
from simulator.world import World

DAY = dt.date(2026, 11, 21)


def test_sessions_daily_lands_the_worlds_sessions_with_string_values(tmp_path, monkeypatch):
    # GIVEN the demo world and its French brand's GA4 property
    monkeypatch.setenv("SMW_DATA_DIR", str(tmp_path))
    settings = load_settings()
    brand = settings.brands[0]
    # WHEN the property is extracted for one night through the simulator
    manifest = extract_account(settings, f"ga4:{brand.ga4_property}", DAY, "run-1",
                               transport=simulator_transport(settings, DAY))
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
    # AND every row carries GA4's default channel group; the posts' utm-tagged sessions are Organic Social
    assert all(row["sessionDefaultChannelGroup"] == "Organic Social" for row in social)
    untagged = [row for row in landed if row["sessionMedium"] != "social"
                and row["sessionDefaultChannelGroup"] == "Organic Social"]
    assert untagged and all(row["sessionManualAdContent"] == "(not set)" for row in untagged)


@pytest.mark.parametrize(("source", "medium", "campaign", "channel"), [
    ("instagram", "social", "noel_2026", "Organic Social"),     # the posts' own utm tags
    ("l.instagram.com", "referral", "(not set)", "Organic Social"),  # a known social site, no utm tags
    ("lm.facebook.com", "referral", "(not set)", "Organic Social"),
    ("t.co", "referral", "(not set)", "Organic Social"),
    ("linkedin.com", "referral", "(not set)", "Organic Social"),
    ("newsletter", "Social-Media", "(not set)", "Organic Social"),  # a social medium, whatever the source
    ("mastodon.social", "sm", "(not set)", "Organic Social"),
    ("facebook.com", "cpc", "noel_2026", "Paid Social"),
    ("Instagram", "paid_social", "(not set)", "Paid Social"),
    ("youtube.com", "referral", "(not set)", "Organic Video"),  # GA4 files YouTube under video sites
    ("google", "organic", "(not set)", "Organic Search"),
    ("google", "cpc", "(not set)", "Paid Search"),
    ("(direct)", "(none)", "(not set)", "Direct"),
    ("newsletter", "email", "noel_2026", "Email"),
    ("blog.example", "referral", "(not set)", "Referral"),
    ("partner", "banner", "(not set)", "Display"),
    ("unknown", "qr", "(not set)", "Unassigned"),
])
def test_default_channel_group_follows_gas_rules(source, medium, campaign, channel):
    assert default_channel_group(source, medium, campaign) == channel


def test_the_simulated_traffic_holds_social_sessions_without_utm_tags_deterministically():
    # GIVEN the demo world over its first month of GA4 traffic
    settings = load_settings()
    days = [dt.date(2026, 10, 1) + dt.timedelta(days=offset) for offset in range(30)]
    world = World(settings)
    rows = [row for brand in settings.brands for day in days for row in sessions_on(world, brand, day)]
    social = [row for row in rows if row["sessionDefaultChannelGroup"] in ("Organic Social", "Paid Social")]
    tagged = [row for row in social if row["sessionMedium"] == "social"]
    untagged = [row for row in social if row["sessionMedium"] != "social"]
    # THEN 10 to 20 % of the social sessions come without the posts' utm tags: referrals from the networks'
    # domains and a few `social-media` links, none with a campaign or content
    share = sum(row["sessions"] for row in untagged) / sum(row["sessions"] for row in social)
    assert 0.10 <= share <= 0.20
    assert {row["sessionMedium"] for row in untagged} == {"referral", "social-media"}
    assert {"l.instagram.com", "t.co", "lm.facebook.com", "linkedin.com"} <= {row["sessionSource"] for row in untagged}
    assert all(row["sessionCampaignName"] == row["sessionManualAdContent"] == "(not set)" for row in untagged)
    assert tagged and all(row["sessionManualAdContent"] != "(not set)" for row in tagged)
    # AND the same seed gives the same rows
    brand = settings.brands[1]
    assert sessions_on(world, brand, days[5]) == sessions_on(World(load_settings()), brand, days[5])
