"""The simulated web analytics agree with the simulated posts: a session can only carry the utm_content of a post
whose payload carries the link."""

from __future__ import annotations

import datetime as dt
import gzip
import json

from core.config import Settings, load_settings
from simulator.bulk import land_history
from simulator.web import NOT_SET, carries_link, sessions_on
from simulator.world import World


def test_sessions_carry_only_the_utm_content_of_posts_whose_payload_holds_the_link(tmp_path, monkeypatch):
    # GIVEN a small world of every served network, landed once with a window that holds all its posts
    settings = Settings.model_validate({
        "extraction": {"start_date": "2026-10-01", "lookback_days": 30},
        "simulator": {"seed": 7, "history_days": 12},
        "brands": [load_settings().brands[1].model_dump()],  # the demo brand on every network, and GA4
    })
    last = settings.extraction.start_date + dt.timedelta(days=11)
    monkeypatch.setenv("SMW_DATA_DIR", str(tmp_path))
    land_history(settings, [last], workers=1)
    landed = "\n".join(gzip.open(path, "rt").read() for path in sorted(tmp_path.glob("landing/**/*.ndjson.gz")))
    # WHEN the brand's GA4 sessions of the nights before are read
    world = World(settings)
    brand = settings.brands[0]
    days = [settings.extraction.start_date + dt.timedelta(days=n) for n in range(11)]
    tagged = {row["sessionManualAdContent"] for day in days for row in sessions_on(world, brand, day)
              if row["sessionManualAdContent"] != NOT_SET}
    # THEN every utm_content a session carries is in a landed post's payload (its link)
    assert tagged and sorted(key for key in tagged if f"utm_content={key}" not in landed) == []
    # AND the posts without a link (on X, Bluesky, Facebook and LinkedIn, only link posts carry one) bring no session
    posts = [post for _, account in settings.accounts() if account.platform != "ga4"
             for post in world.posts(account.key)]
    linkless = [post for post in posts if not carries_link(post)]
    assert {post.platform for post in linkless} == {"x", "bluesky", "facebook", "linkedin"}
    assert not any(f"utm_content={post.utm_content}" in landed for post in linkless)
    assert not {post.utm_content for post in linkless} & tagged
    assert {key.split("_")[0] for key in tagged} >= {"instagram", "x", "facebook", "linkedin", "youtube", "tiktok"}
    # the landed records are JSON lines
    assert json.loads(landed.splitlines()[0])
