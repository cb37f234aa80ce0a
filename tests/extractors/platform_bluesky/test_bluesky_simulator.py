"""Bluesky end to end against the in-process simulator: what lands is what the simulated world holds."""

from __future__ import annotations

import datetime as dt

from replay_api import check_faults_cost_retries_but_not_rows, landed_stream

from extractors.run import extract_account, run_context
from simulator.api import simulator_transport
from simulator.community import naming, tagged
from simulator.platforms.bluesky import comment_uri, post_uri, tid
from simulator.world import World

DAY = dt.date(2026, 10, 15)
DID = "did:plc:z72i7hdynmk6r22z27h6tvur"


def landed(settings, stream: str) -> list[dict]:
    return landed_stream(settings, f"bluesky:{DID}", stream, DAY)


def test_extract_account_lands_the_worlds_posts_replies_and_followers(sim_settings):
    # GIVEN the simulated world of a Bluesky account and a 7-day window ending on DAY
    key = f"bluesky:{DID}"
    world = World(sim_settings)
    as_of = world.now(DAY)
    start = run_context(sim_settings, DAY).window_start_utc
    in_window = {
        post_uri(world, post): post for post in world.posts_as_of(key, as_of) if post.published_at >= start
    }
    assert in_window

    # WHEN the account is extracted through the simulator
    manifest = extract_account(
        sim_settings,
        key,
        DAY,
        "run-1",
        transport=simulator_transport(sim_settings, DAY),
        sleep=lambda _: None,
    )

    # THEN every stream is complete and the rows equal the world's
    assert {name: info["status"] for name, info in manifest["streams"].items()} == {
        "profile": "complete",
        "posts": "complete",
        "replies": "complete",
        "search": "complete",
        "rival_profiles": "complete",
        "rival_posts": "complete",
    }
    (profile,) = landed(sim_settings, "profile")
    assert profile["record"]["followersCount"] == world.followers(key, DAY)

    posts = {row["record"]["post"]["uri"]: row["record"]["post"] for row in landed(sim_settings, "posts")}
    assert set(posts) == set(in_window)
    for uri, post in in_window.items():
        counters = post.counters(as_of)
        assert posts[uri]["likeCount"] == counters["likes"]
        assert posts[uri]["repostCount"] + posts[uri]["quoteCount"] == counters["shares"]
        assert posts[uri]["replyCount"] == sum(1 for c in post.visible_comments(as_of) if c.parent_id is None)
        assert posts[uri]["record"]["createdAt"].startswith(post.published_at.strftime("%Y-%m-%dT%H:%M:%S"))
        assert "viewCount" not in posts[uri] and "impressionCount" not in posts[uri]

    replies = landed(sim_settings, "replies")
    expected = {
        comment_uri(world, post, comment): uri
        for uri, post in in_window.items()
        for comment in post.visible_comments(as_of)
    }
    assert {row["record"]["uri"]: row["parent_id"] for row in replies} == expected
    assert len(replies) == len(expected) > 0


def test_faults_cost_retries_but_not_rows(sim_settings):
    check_faults_cost_retries_but_not_rows(sim_settings, DAY)


def test_search_lands_others_posts_naming_the_account_or_carrying_its_campaign_hashtag(sim_settings):
    # GIVEN the simulated world, where others mention Northwind and post with #NorthwindTrails
    key = f"bluesky:{DID}"
    world = World(sim_settings)
    as_of = world.now(DAY)
    start = run_context(sim_settings, DAY).window_start_utc
    naming_it = {tid(item.created_at, item.mention_id): item for item in naming(world, key, as_of)
                 if item.created_at >= start}
    with_tag = {tid(item.created_at, item.mention_id): item
                for item in tagged(world, "bluesky", {"#NorthwindTrails"}, as_of) if item.created_at >= start}
    assert naming_it and with_tag
    # WHEN the account is extracted through the simulator
    extract_account(sim_settings, key, DAY, "run-1", transport=simulator_transport(sim_settings, DAY),
                    sleep=lambda _: None)
    # THEN the search stream holds each post once per search that found it, the search as its parent
    rows = landed(sim_settings, "search")
    found = {(row["record"]["uri"].rpartition("/")[2], row["parent_id"]) for row in rows}
    assert found == {(rkey, "@northwind.bsky.social") for rkey in naming_it} | {
        (rkey, "#NorthwindTrails") for rkey in with_tag}
    for row in rows:
        item = {**naming_it, **with_tag}[row["record"]["uri"].rpartition("/")[2]]
        assert row["record"]["likeCount"] == item.likes
        assert row["record"]["record"]["text"] == item.text
        assert row["record"]["author"]["did"] != DID
