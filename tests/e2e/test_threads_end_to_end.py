"""Threads as a ninth network, end to end: a small world with a Threads profile per brand, its nights landed in
bulk through the real extractor and the simulated Threads API, then the nightly DAGs for the last night (load,
dbt, sentiment, the gate, publication). The published marts hold the world's threads, replies and followers."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from core.config import load_settings
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
