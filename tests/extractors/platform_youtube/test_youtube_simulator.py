"""YouTube end to end against the in-process simulator: what lands is what the simulated world holds."""

from __future__ import annotations

import datetime as dt

from replay_api import check_faults_cost_retries_but_not_rows, landed_stream

from extractors.run import extract_account, run_context
from simulator.api import simulator_transport
from simulator.platforms.youtube import ANALYTICS_METRICS, report, thread_id, video_id
from simulator.world import World

DAY = dt.date(2026, 10, 15)
KEY = "youtube:UCnorthwind0000000000202"


def landed(settings, stream: str) -> list[dict]:
    return landed_stream(settings, KEY, stream, DAY)


def test_extract_account_lands_the_worlds_videos_comments_days_and_subscribers(sim_settings):
    # GIVEN the simulated world of a YouTube channel and the window ending on DAY
    world = World(sim_settings)
    as_of = world.now(DAY)
    context = run_context(sim_settings, DAY)
    in_window = {video_id(post): post for post in world.posts_as_of(KEY, as_of)
                 if post.published_at >= context.window_start_utc}
    assert in_window

    # WHEN the channel is extracted through the simulator
    manifest = extract_account(sim_settings, KEY, DAY, "run-1", transport=simulator_transport(sim_settings, DAY),
                               sleep=lambda _: None)

    # THEN every stream is complete and the rows equal the world's
    assert {name: info["status"] for name, info in manifest["streams"].items()} == dict.fromkeys(
        ("channel", "uploads", "videos", "comment_threads", "channel_days", "rival_channels", "rival_videos"),
        "complete")
    (channel,) = landed(sim_settings, "channel")
    assert channel["record"]["statistics"]["subscriberCount"] == str(world.followers(KEY, DAY))

    assert sorted(row["record"]["contentDetails"]["videoId"] for row in landed(sim_settings, "uploads")) == sorted(
        in_window)
    videos = {row["record"]["id"]: row["record"]["statistics"] for row in landed(sim_settings, "videos")}
    assert set(videos) == set(in_window)
    for vid, post in in_window.items():
        counters = post.counters(as_of)
        assert videos[vid] == {"viewCount": str(counters["views"]), "likeCount": str(counters["likes"]),
                               "favoriteCount": "0", "commentCount": str(counters["comments"])}

    threads = landed(sim_settings, "comment_threads")
    expected = {thread_id(comment): vid for vid, post in in_window.items()
                for comment in post.visible_comments(as_of) if comment.parent_id is None}
    assert {row["record"]["id"]: row["parent_id"] for row in threads} == expected and expected
    replies = sum(len(row["record"].get("replies", {}).get("comments", [])) for row in threads)
    assert replies == sum(1 for post in in_window.values() for c in post.visible_comments(as_of) if c.parent_id)

    days = [row["record"] for row in landed(sim_settings, "channel_days")]
    table = report(world, KEY, context.window_start, DAY, list(ANALYTICS_METRICS), as_of)
    assert days == [dict(zip(["day", *ANALYTICS_METRICS], row, strict=True)) for row in table["rows"]]
    assert [day["day"] for day in days][-1] == DAY.isoformat()


def test_faults_cost_retries_but_not_rows(sim_settings):
    check_faults_cost_retries_but_not_rows(sim_settings, DAY)
