"""Threads end to end against the in-process simulator: what lands is what the simulated world holds."""

from __future__ import annotations

import datetime as dt

from replay_api import check_faults_cost_retries_but_not_rows, extract_simulated, landed_stream

from extractors.run import run_context
from simulator.platforms.threads import split_shares
from simulator.world import World

DAY = dt.date(2026, 10, 15)
KEY = "threads:25000000000000202"


def test_extract_account_lands_the_worlds_threads_insights_replies_and_profile(sim_settings):
    # GIVEN the simulated world of a Threads profile and the window ending on DAY
    world = World(sim_settings)
    as_of = world.now(DAY)
    context = run_context(sim_settings, DAY)
    in_window = {post.post_id: post for post in world.posts_as_of(KEY, as_of)
                 if post.published_at >= context.window_start_utc}
    assert len(in_window) > 1

    # WHEN the profile is extracted through the simulator
    manifest = extract_simulated(sim_settings, KEY, DAY)

    # THEN every stream is complete and the threads, their insights and their replies are the world's
    assert {name: info["status"] for name, info in manifest["streams"].items()} == dict.fromkeys(
        ("threads", "media_insights", "replies", "user_insights"), "complete")
    assert sorted(row["record"]["id"] for row in landed_stream(sim_settings, KEY, "threads", DAY)) == sorted(in_window)
    insights: dict[str, dict[str, int]] = {}
    for row in landed_stream(sim_settings, KEY, "media_insights", DAY):
        insights.setdefault(row["parent_id"], {})[row["record"]["name"]] = row["record"]["values"][0]["value"]
    for post_id, post in in_window.items():
        counters = post.counters(as_of)
        assert insights[post_id] == {"views": counters["views"], "likes": counters["likes"],
                                     "replies": counters["comments"], **split_shares(counters["shares"])}
        # reposts, quotes and shares add up to the world's shares
        assert sum(split_shares(counters["shares"]).values()) == counters["shares"]
    replies = landed_stream(sim_settings, KEY, "replies", DAY)
    assert len(replies) == sum(len(post.visible_comments(as_of)) for post in in_window.values()) > 0
    assert all(row["record"]["username"] and row["record"]["replied_to"]["id"] for row in replies)
    profile = {row["record"]["name"]: row["record"] for row in landed_stream(sim_settings, KEY, "user_insights", DAY)}
    assert profile["followers_count"]["total_value"]["value"] == world.followers(KEY, DAY)
    assert len(profile["views"]["values"]) == 1 and profile["likes"]["total_value"]["value"] > 0


def test_faults_cost_retries_but_not_rows(sim_settings):
    check_faults_cost_retries_but_not_rows(sim_settings, DAY)
