"""Facebook Pages end to end against the in-process simulator: what lands is what the world holds."""

from __future__ import annotations

import datetime as dt

from replay_api import check_faults_cost_retries_but_not_rows, landed_stream

from extractors.run import extract_account, run_context
from simulator.api import simulator_transport
from simulator.platforms.facebook import comment_id, post_id, reactions_by_type, video_id, was_live
from simulator.world import World

DAY = dt.date(2026, 10, 15)
PAGE = "104000000000202"


def landed(settings, stream: str) -> list[dict]:
    return landed_stream(settings, f"facebook:{PAGE}", stream, DAY)


def test_extract_account_lands_the_worlds_posts_insights_comments_and_followers(sim_settings):
    # GIVEN the simulated world of a Facebook Page and a 7-day window ending on DAY
    key = f"facebook:{PAGE}"
    world = World(sim_settings)
    as_of = world.now(DAY)
    start = run_context(sim_settings, DAY).window_start_utc
    in_window = {
        post_id(world, post): post for post in world.posts_as_of(key, as_of) if post.published_at >= start
    }
    assert in_window

    # WHEN the page is extracted through the simulator
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
        "page": "complete",
        "posts": "complete",
        "post_insights": "complete",
        "comments": "complete",
        "videos": "complete",
    }
    (page,) = landed(sim_settings, "page")
    assert page["record"]["followers_count"] == world.followers(key, DAY)

    posts = {row["record"]["id"]: row["record"] for row in landed(sim_settings, "posts")}
    assert set(posts) == set(in_window)
    for pid, post in in_window.items():
        counters = post.counters(as_of)
        assert posts[pid]["reactions"]["summary"]["total_count"] == counters["likes"]
        assert posts[pid].get("shares", {}).get("count") == (counters["shares"] or None)
        top_level = sum(1 for comment in post.visible_comments(as_of) if comment.parent_id is None)
        assert posts[pid]["comments"]["summary"]["total_count"] == top_level

    insights = {
        (row["parent_id"], row["record"]["name"]): row["record"]["values"][0]["value"]
        for row in landed(sim_settings, "post_insights")
    }
    assert len(insights) == 3 * len(in_window)
    for pid, post in in_window.items():
        counters = post.counters(as_of)
        assert insights[(pid, "post_media_view")] == counters["views"]
        assert insights[(pid, "post_total_media_view_unique")] == counters["reach"]
        assert insights[(pid, "post_reactions_by_type_total")] == reactions_by_type(counters["likes"])

    comments = {row["record"]["id"]: row["parent_id"] for row in landed(sim_settings, "comments")}
    expected = {
        comment_id(post, comment): pid
        for pid, post in in_window.items()
        for comment in post.visible_comments(as_of)
    }
    assert comments == expected and expected

    # AND the Video node of every video and reel post is read: live_status only on those broadcast live
    videos = {row["parent_id"]: row["record"] for row in landed(sim_settings, "videos")}
    video_posts = {pid: post for pid, post in in_window.items() if post.content_type in ("video", "reel")}
    assert set(videos) == set(video_posts) and video_posts
    assert {pid: videos[pid]["id"] for pid in videos} == {pid: video_id(post) for pid, post in video_posts.items()}
    assert {pid for pid, record in videos.items() if "live_status" in record} == {
        pid for pid, post in video_posts.items() if was_live(post)}


def test_faults_cost_retries_but_not_rows(sim_settings):
    check_faults_cost_retries_but_not_rows(sim_settings, DAY)
