"""TikTok end to end against the in-process simulator: what lands is what the simulated world holds."""

from __future__ import annotations

import datetime as dt

from replay_api import check_faults_cost_retries_but_not_rows, extract_simulated, landed_stream

from extractors.run import run_context
from simulator.platforms.tiktok import video_id
from simulator.world import World

DAY = dt.date(2026, 10, 15)
KEY = "tiktok:-000Northwind4lQ2mXaZrT0aBcDeFgH202"


def test_extract_account_lands_the_worlds_user_and_videos(sim_settings):
    # GIVEN the simulated world of a TikTok user and the window ending on DAY (more than one page of videos)
    world = World(sim_settings)
    as_of = world.now(DAY)
    context = run_context(sim_settings, DAY)
    in_window = {video_id(post): post for post in world.posts_as_of(KEY, as_of)
                 if post.published_at >= context.window_start_utc}
    assert len(in_window) > 20

    # WHEN the user is extracted through the simulator
    manifest = extract_simulated(sim_settings, KEY, DAY)

    # THEN every stream is complete, the user is the token's and the videos and their counters are the world's
    assert {name: info["status"] for name, info in manifest["streams"].items()} == dict.fromkeys(
        ("user", "videos", "video_stats"), "complete")
    (user,) = landed_stream(sim_settings, KEY, "user", DAY)
    assert user["record"]["follower_count"] == world.followers(KEY, DAY)
    assert user["record"]["open_id"] == KEY.partition(":")[2]
    assert sorted(row["record"]["id"] for row in landed_stream(sim_settings, KEY, "videos", DAY)) == sorted(in_window)
    stats = {row["record"]["id"]: row["record"] for row in landed_stream(sim_settings, KEY, "video_stats", DAY)}
    assert set(stats) == set(in_window)
    for vid, post in in_window.items():
        counters = post.counters(as_of)
        assert {name: stats[vid][name] for name in ("like_count", "comment_count", "share_count", "view_count")} == {
            "like_count": counters["likes"], "comment_count": counters["comments"],
            "share_count": counters["shares"], "view_count": counters["views"]}
        assert stats[vid]["create_time"] == int(post.published_at.timestamp())


def test_faults_cost_retries_but_not_rows(sim_settings):
    check_faults_cost_retries_but_not_rows(sim_settings, DAY)
