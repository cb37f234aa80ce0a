"""Threads as a ninth network, and stories, end to end: a small world with a Threads profile per brand and
Instagram and Facebook stories captured every 3 hours, its nights landed in bulk through the real extractors and
the simulated APIs, then the nightly DAGs for the last night (load, dbt, sentiment, the gate, publication). The
published marts hold the world's threads, replies and followers, and its stories with their last captures."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pytest

from core.config import load_settings
from simulator.bulk import capture_times
from simulator.world import World
from tests.e2e.published import publish_world

WORLD = Path(__file__).with_name("threads_world.yml")

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def published(airflow_db, dbt_manifest, tmp_path_factory):
    world = publish_world(WORLD, tmp_path_factory.mktemp("threads") / "data")
    with pytest.MonkeyPatch.context() as patch:
        world.environment(patch)
        settings = load_settings()
        con = duckdb.connect(str(settings.data / "published" / "warehouse.duckdb"), read_only=True)
        yield con, World(settings), settings, world.day
        con.close()


def test_every_thread_is_published_with_the_worlds_engagements(published):
    # GIVEN the world's threads of both profiles, published by the last night
    con, world, settings, last = published
    keys = [account.key for _, account in settings.accounts() if account.platform == "threads"]
    posts = {f"threads:{post.post_id}": post for key in keys for post in world.posts_as_of(key, world.now(last))}
    rows = con.execute("select post_key, counters_as_of, likes, comments, shares, engagements, impressions, reach, "
                       "saves from marts.dim_posts where platform = 'threads'").fetchall()
    # THEN every thread is a post of the marts, and its counters are the world's as of the night that last read
    # it: likes, replies as comments, reposts + quotes + shares as shares, views as impressions; no reach, no saves
    assert {row[0] for row in rows} == set(posts) and len(posts) > 20
    for post_key, as_of, likes, comments, shares, engagements, impressions, reach, saves in rows:
        counters = posts[post_key].counters(world.now(as_of))
        assert (likes, comments, shares, impressions) == (
            counters["likes"], counters["comments"], counters["shares"], counters["views"]), post_key
        assert engagements == likes + comments + shares and reach is None and saves is None


def test_each_profile_has_its_followers_and_its_replies(published):
    # GIVEN the last night's account figures and the interactions
    con, world, settings, last = published
    for _, account in settings.accounts():
        if account.platform != "threads":
            continue
        # THEN the profile's followers are the world's, with no impressions or reach (threads_insights' views
        # count profile views)
        assert con.execute("select followers, impressions, reach from marts.fct_account_daily "
                           "where account_key = ? and date_day = ?", [account.key, last]).fetchone() == (
            world.followers(account.key, last), None, None)
        # AND the replies to its threads read on the last night are its interactions, the brand's own not inbound
        read_last = [row[0] for row in con.execute(
            "select post_key from marts.dim_posts where account_key = ? and counters_as_of = ?",
            [account.key, last]).fetchall()]
        comments = [comment for post_key in read_last
                    for comment in world.find_post("threads", post_key.partition(":")[2])
                    .visible_comments(world.now(last))]
        got = con.execute(
            "select count(*), count(*) filter (where is_from_brand), count(*) filter (where is_inbound) "
            f"from marts.fct_interactions where post_key in ({', '.join('?' * len(read_last))})",
            read_last).fetchone()
        brand = sum(comment.is_brand for comment in comments)
        assert got == (len(comments), brand, len(comments) - brand) and len(comments) > 0


# ------------------------------------------------------------------------------------------------ stories


def captured(world: World, settings, last) -> dict[str, list]:
    """Each Instagram and Facebook story the world's history captured (every 3 hours, the nights before the last,
    as the intra-day DAG would), with the moments of its captures."""
    times = [at for offset in range((last - settings.extraction.start_date).days)
             for at in capture_times(settings, settings.extraction.start_date + dt.timedelta(days=offset))]
    stories = {}
    for _, account in settings.accounts():
        for story in world.stories.of(account.key):
            seen = [at for at in times if story.live(at)]
            if seen:
                stories[f"{account.platform}:{story.story_id}" if account.platform == "instagram"
                        else f"facebook:{account.account_id}_{story.story_id}"] = (story, seen)
    return stories


def test_every_captured_story_is_published_with_its_last_capture_and_its_rates(published):
    # GIVEN the stories the captures saw, and the planted truth: each story's counters at its last capture
    con, world, settings, last = published
    stories = captured(world, settings, last)
    rows = {row[0]: row[1:] for row in con.execute(
        "select story_key, platform, captures, views, reach, replies, shares, taps_forward, taps_back, exits, "
        "swipes_forward, completion_rate, exit_rate, engagement_rate_by_reach from marts.fct_story_performance"
    ).fetchall()}
    # THEN every captured story is a row, and no other
    assert set(rows) == set(stories) and {row[0] for row in rows.values()} == {"instagram", "facebook"}
    for key, (story, seen) in stories.items():
        platform, captures, *values, completion, exit_rate, by_reach = rows[key]
        assert captures == len(seen), key
        if platform == "facebook":  # Meta documents no Page story insight
            assert values == [None] * 8 and completion is None, key
            continue
        # AND an Instagram story's values are the world's at its last capture with 5 viewers or more
        final = story.counters(max(at for at in seen if story.counters(at)["views"] >= 5))
        assert values == [final[name] for name in ("views", "reach", "replies", "shares", "tap_forward", "tap_back",
                                                   "tap_exit", "swipe_forward")], key
        assert completion == pytest.approx(1 - (final["tap_exit"] + final["swipe_forward"]) / final["views"])
        assert exit_rate == pytest.approx(final["tap_exit"] / final["views"])
        assert by_reach == pytest.approx((final["replies"] + final["shares"]) / final["reach"])
    # AND the planted navigation shares come back (stories seen 200 times or more, where rounding is small): exits
    # 4 to 16 % of views, swipes to the next account 5 to 15 %, so completion between 69 and 91 %
    seen_enough = [row for row in rows.values() if row[0] == "instagram" and (row[2] or 0) >= 200]
    assert seen_enough
    for row in seen_enough:
        assert 0.685 <= row[10] <= 0.915 and 0.035 <= row[11] <= 0.165, row


def test_stories_are_posts_of_content_type_story(published):
    # GIVEN the captured stories THEN each is a post of dim_posts, content type story, its views as impressions
    con, world, settings, last = published
    stories = captured(world, settings, last)
    posts = dict(con.execute("select post_key, content_type from marts.dim_posts "
                             "where post_key in (select story_key from marts.fct_story_performance)").fetchall())
    assert set(posts) == set(stories) and set(posts.values()) == {"story"}
    # AND the content-type mart ranks them beside the feed's types
    assert con.execute("select count(*) from marts.rpt_content_type_performance where content_type = 'story'"
                       ).fetchone()[0] > 0
