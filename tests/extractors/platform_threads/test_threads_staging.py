"""Recorded Threads answers, extracted by the real extractor over a replayed graph.threads.net, landed, loaded
and staged by dbt: the threads, insights, replies and profile insights reach the contract's columns as
docs/DECISIONLOG.md maps them (Threads, issue 21)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from replay_api import ABSENT, RecordedApi, Reply, dbt_run, environment

from core.config import Settings
from extractors.run import extract_account, write_state
from loader.load import load_date

PAYLOADS = Path(__file__).parent / "payloads"
USER = "25000000000000202"
KEY = f"threads:{USER}"
DAY = dt.date(2026, 10, 20)
T3, T2, T1 = "18050000000000003", "18050000000000002", "18050000000000001"
MODELS = ["stg_config__accounts", "stg_threads__threads", "stg_threads__media_insights", "stg_threads__replies",
          "stg_threads__user_insights", "int_threads__post_snapshots", "int_threads__interactions"]


def reply(name: str) -> Reply:
    return Reply(200, {"content-type": "application/json"}, (PAYLOADS / f"{name}.json").read_bytes())


def recorded_profile() -> RecordedApi:
    """Northwind's recorded profile: two pages of threads (three in the window), their insights (the newest
    with shares, the others without), the newest's conversation over two pages, and the profile's insights."""
    api = RecordedApi("https://graph.threads.net")
    api.on(f"/v1.0/{USER}/threads", reply("threads_page1"), after=ABSENT)
    api.on(f"/v1.0/{USER}/threads", reply("threads_page2_crossing_window"), after="QVFIUmxtYTJlZAmlfcmVjb3JkZAWQ1")
    api.on(f"/v1.0/{T3}/insights", reply("media_insights"))
    for thread in (T2, T1):
        api.on(f"/v1.0/{thread}/insights", reply("media_insights_without_shares"))
        api.on(f"/v1.0/{thread}/conversation", reply("conversation_empty"))
    api.on(f"/v1.0/{T3}/conversation", reply("conversation_page1"), after=ABSENT)
    api.on(f"/v1.0/{T3}/conversation", reply("conversation_page2_last"), after="UkVQTFkwMQ")
    api.on(f"/v1.0/{USER}/threads_insights", reply("user_insights"))
    return api


@pytest.fixture(scope="module")
def staged(tmp_path_factory) -> Iterator[duckdb.DuckDBPyConnection]:
    root = tmp_path_factory.mktemp("threads_staged")
    with environment(SMW_DATA_DIR=str(root / "data"), SMW_WAREHOUSE=str(root / "warehouse.duckdb"),
                     SMW_CONN_THREADS_NORTHWIND="recorded-threads-token"):
        settings = Settings.model_validate({
            "extraction": {"start_date": "2026-10-01", "lookback_days": 6, "source": "api"},
            "brands": [{"brand_id": "northwind", "name": "Northwind", "timezone": "America/New_York",
                        "language": "en", "accounts": [{
                            "platform": "threads", "account_id": USER, "handle": "northwindoutfitters",
                            "connection_id": "threads_northwind", "base_url": "https://graph.threads.net"}]}],
        })
        # a night after the profile's first: the window is the lookback's (2026-10-14 on)
        write_state(settings, "threads", USER, DAY - dt.timedelta(days=1), {"streams": {}})
        manifest = extract_account(settings, KEY, DAY, "run-1", transport=recorded_profile().transport,
                                   sleep=lambda _: None)
        assert {name: info["status"] for name, info in manifest["streams"].items()} == dict.fromkeys(
            ("threads", "media_insights", "replies", "user_insights"), "complete"), manifest
        load_date(settings, DAY, "run-1")
        dbt_run(root, MODELS)
        con = duckdb.connect(str(root / "warehouse.duckdb"), read_only=True)
        yield con
        con.close()


def test_threads_reach_the_contract_columns_with_shares_as_reposts_quotes_and_shares(staged):
    # GIVEN three threads of the window, the newest with all six insights, the others without `shares`
    rows = staged.execute(
        "select post_key, content_type, link_url is not null, likes, comments, shares, saves, impressions, reach, "
        "video_views from intermediate.int_threads__post_snapshots order by post_key").fetchall()
    # THEN replies are comments, reposts + quotes (+ shares where reported) are shares, views are impressions and
    # a video's views; no saves or reach (NULL, never 0)
    assert rows == [
        (f"threads:{T1}", "carousel", False, 310, 4, 27, None, 5120, None, None),
        (f"threads:{T2}", "video", False, 310, 4, 27, None, 5120, None, 5120),
        (f"threads:{T3}", "link", True, 310, 4, 30, None, 5120, None, None),
    ]


def test_replies_are_comments_or_replies_with_the_brands_known_and_authors_hashed(staged):
    # GIVEN the newest thread's conversation: two replies to it, the brand's answer to one, a hidden reply
    rows = staged.execute(
        "select interaction_key, interaction_type, parent_interaction_key, is_from_brand, author_id_hash "
        "from intermediate.int_threads__interactions order by interaction_key").fetchall()
    # THEN each is on its thread: the answer to a reply is a reply under it, signed by the brand's handle
    assert [row[:4] for row in rows] == [
        ("threads:18060000000000011", "comment", None, False),
        ("threads:18060000000000012", "comment", None, False),
        ("threads:18060000000000013", "reply", "threads:18060000000000012", True),
        ("threads:18060000000000014", "comment", None, False),
    ]
    # AND no username is kept in clear: four authors, four hashes
    hashes = [row[4] for row in rows]
    assert len(set(hashes)) == 4 and not {"trailtom", "hikerjane", "northwindoutfitters"} & set(hashes)
    assert staged.execute("select count(*) from intermediate.int_threads__interactions "
                          "where post_key <> 'threads:' || '18050000000000003'").fetchone() == (0,)


def test_profile_insights_stage_followers_and_the_days_views(staged):
    # GIVEN the profile's insights: views as a daily series ending at 07:00 UTC the next day, totals, followers
    rows = dict(((name, day), value) for name, day, value in staged.execute(
        "select metric_name, metric_date, metric_value from staging.stg_threads__user_insights").fetchall())
    # THEN every value is dated by the logical date (the series' end_time minus a day)
    assert rows == {("views", DAY): 8040, ("likes", DAY): 412, ("replies", DAY): 9, ("reposts", DAY): 25,
                    ("quotes", DAY): 7, ("followers_count", DAY): 18240}
