"""X end to end against the in-process simulator: what lands is what the simulated world holds."""

from __future__ import annotations

import datetime as dt
import json

from replay_api import check_faults_cost_retries_but_not_rows, landed_stream

from extractors.run import extract_account, run_context
from extractors.x import RECENT_SEARCH_DAYS, SEARCH_MARGIN
from simulator.api import simulator_transport
from simulator.community import naming, tagged
from simulator.world import World, platform_id

DAY = dt.date(2026, 10, 15)


def landed(settings, stream: str, account_id: str) -> list[dict]:
    return landed_stream(settings, f"x:{account_id}", stream, DAY)


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
        "hashtag_search": "complete",
        "rival_users": "complete",
        "rival_tweets": "complete",
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

    # the mentions are the comments on its posts and others' tweets naming it, each with its author
    mentions = landed(sim_settings, "mentions", "1580000000000000202")
    others = {platform_id("x", item.created_at, item.mention_id): item
              for item in naming(world, key, as_of) if item.created_at >= start}
    assert others, "the world has others' tweets naming the account in the window"
    assert sorted(row["record"]["id"] for row in mentions) == sorted(
        [comment.comment_id for comment in comments if not comment.is_brand] + list(others)
    )
    by_id = {comment.comment_id: comment for comment in comments}
    assert all(row["parent_id"] == by_id[row["record"]["id"]].post_id
               for row in mentions if row["record"]["id"] in by_id)
    assert all(row["parent_id"] is None and row["record"]["author"]["username"] == others[row["record"]["id"]].author
               for row in mentions if row["record"]["id"] in others)

    # the hashtag search finds others' tweets with the brand's campaign hashtags, as far back as it reaches on
    # the simulator's clock (7 days, less the extractor's margin); the rest of the window is a recorded gap
    brand = next(b for b in sim_settings.brands if any(a.key == key for a in b.accounts))
    hashtags = {tag for campaign in brand.campaigns for tag in campaign.hashtags}
    (gap,) = manifest["streams"]["hashtag_search"]["gaps"]
    since = dt.datetime.fromisoformat(gap["to"])
    assert dt.datetime.fromisoformat(gap["from"]) == start
    floor = as_of - dt.timedelta(days=RECENT_SEARCH_DAYS) + SEARCH_MARGIN
    assert dt.timedelta(0) <= since - floor <= dt.timedelta(seconds=2)
    expected = {platform_id("x", item.created_at, item.mention_id): item
                for item in tagged(world, "x", hashtags, as_of) if item.created_at >= since}
    searched = landed(sim_settings, "hashtag_search", "1580000000000000202")
    found = {row["record"]["id"]: row["record"] for row in searched}
    assert set(found) == set(expected)
    for tweet_id, item in expected.items():
        assert found[tweet_id]["author"]["public_metrics"]["followers_count"] == item.author_followers
        assert found[tweet_id]["public_metrics"]["like_count"] == item.likes
    assert manifest["streams"]["tweets"]["rows"] == len(tweets)


def test_faults_cost_retries_but_not_rows(sim_settings):
    check_faults_cost_retries_but_not_rows(sim_settings, DAY)
