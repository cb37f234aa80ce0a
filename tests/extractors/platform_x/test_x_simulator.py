"""X end to end against the in-process simulator: what lands is what the simulated world holds."""

from __future__ import annotations

import datetime as dt
import gzip
import json

from extractors.run import extract_account, run_context, simulator_transport
from simulator.world import World

DAY = dt.date(2026, 10, 15)


def landed(settings, stream: str, account_id: str) -> list[dict]:
    path = settings.data / "landing" / "x" / stream / DAY.isoformat() / f"{account_id}.ndjson.gz"
    with gzip.open(path, "rt") as handle:
        return [json.loads(line) for line in handle]


def test_extract_account_lands_the_worlds_tweets_mentions_and_followers(sim_settings):
    # GIVEN the simulated world of an X account and a 7-day window ending on DAY
    key = "x:1580000000000000202"
    world, as_of = World(sim_settings), World(sim_settings).now(DAY)
    start = run_context(sim_settings, DAY).window_start_utc
    posts = world.posts_as_of(key, as_of)
    in_window = {post.post_id: post for post in posts if post.published_at >= start}
    comments = [
        comment for post in posts for comment in post.visible_comments(as_of) if comment.created_at >= start
    ]
    assert in_window and comments

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
        "user": "complete",
        "tweets": "complete",
        "mentions": "complete",
    }
    (user,) = landed(sim_settings, "user", "1580000000000000202")
    assert user["record"]["public_metrics"]["followers_count"] == world.followers(key, DAY)

    tweets = {
        row["record"]["id"]: row["record"] for row in landed(sim_settings, "tweets", "1580000000000000202")
    }
    brand_replies = {comment.comment_id for comment in comments if comment.is_brand}
    assert set(tweets) == set(in_window) | brand_replies
    for post_id, post in in_window.items():
        metrics, counters = tweets[post_id]["public_metrics"], post.counters(as_of)
        assert metrics["like_count"] == counters["likes"]
        assert metrics["retweet_count"] + metrics["quote_count"] == counters["shares"]
        assert metrics["bookmark_count"] == counters["saves"]
        assert metrics["impression_count"] == counters["views"]
        assert metrics["reply_count"] == sum(1 for c in post.visible_comments(as_of) if c.parent_id is None)
        assert f"utm_content={post.utm_content}" in json.dumps(tweets[post_id]) or post.content_type != "link"
    assert all(tweets[reply]["referenced_tweets"][0]["type"] == "replied_to" for reply in brand_replies)

    mentions = landed(sim_settings, "mentions", "1580000000000000202")
    assert sorted(row["record"]["id"] for row in mentions) == sorted(
        comment.comment_id for comment in comments if not comment.is_brand
    )
    by_id = {comment.comment_id: comment for comment in comments}
    assert all(row["parent_id"] == by_id[row["record"]["id"]].post_id for row in mentions)
    assert manifest["streams"]["tweets"]["rows"] == len(tweets)


def test_faults_cost_retries_but_not_rows(sim_settings):
    # GIVEN the simulator answering every 5th request with the platform's rate limit, every 7th with a
    # 503 and cutting every 11th body in half
    from simulator.api import Faults

    key = next(
        account.key for _, account in sim_settings.accounts() if account.handle.startswith("northwind")
    )
    clean = extract_account(
        sim_settings,
        key,
        DAY,
        "clean",
        transport=simulator_transport(sim_settings, DAY),
        sleep=lambda _: None,
    )
    waits: list[float] = []
    faults = Faults(rate_limit_every=5, server_error_every=7, truncate_every=11)
    # WHEN the same account is extracted through it
    faulty = extract_account(
        sim_settings,
        key,
        DAY,
        "faulty",
        transport=simulator_transport(sim_settings, DAY, faults),
        sleep=waits.append,
    )
    # THEN every stream completes with the same rows, after retries
    assert {name: info["rows"] for name, info in faulty["streams"].items()} == {
        name: info["rows"] for name, info in clean["streams"].items()
    }
    assert all(info["status"] == "complete" for info in faulty["streams"].values())
    assert faulty["retries"] > 0 and len(waits) == faulty["retries"]
