"""Threads API extractor against recorded payloads in the documented shapes: the threads listing (window,
cursor paging, reposts of others), media insights (a refused metric dropped), conversations (every reply, with
its author and parent), the profile's insights, token and rate-limit errors."""

from __future__ import annotations

import datetime as dt

import pytest

from extractors.base import AuthError
from extractors.threads import MEDIA_METRICS, MediaInsights, Replies, Threads, UserInsights

USER = "25000000000000202"
T3, T2, T1 = "18050000000000003", "18050000000000002", "18050000000000001"


def ids(records):
    return [record["id"] for record, _ in records]


def test_threads_are_read_newest_first_down_to_the_window_start(api, client, context):
    # GIVEN two pages of threads: the second holds a repost of another's thread, one without its timestamp, one
    # in the window and one older than its start (2026-10-14), and a next page that must not be asked for
    api.then("threads_page1").then("threads_page2_crossing_window")
    # WHEN the threads stream runs
    records = list(Threads().records(client, context, []))
    # THEN the three threads of the window are landed; the repost and the undated one are skipped and counted
    assert ids(records) == [T3, T2, T1] and all(parent is None for _, parent in records)
    assert client.findings.skipped == {"repost of another profile's thread": 1, "thread without timestamp": 1}
    first, second = api.requests
    # asked on the pinned version with the token as a parameter, the fields and the window as Unix times
    assert first.url.path == f"/v1.0/{USER}/threads" and first.url.params["access_token"] == "secret-token"
    assert {"id", "media_type", "permalink", "text", "timestamp", "is_quote_post"} <= set(
        first.url.params["fields"].split(","))
    assert int(first.url.params["since"]) == int(context.window_start_utc.timestamp())
    assert int(first.url.params["until"]) == int(context.snapshot_end_utc.timestamp())
    assert second.url.params["after"] == "QVFIUmxtYTJlZAmlfcmVjb3JkZAWQ1"  # paging.next of the first page


def test_media_insights_ask_the_documented_metrics_and_land_each_under_its_thread(api, client, context):
    # GIVEN the insights of one thread
    api.then("media_insights")
    # WHEN the media insights stream runs for it
    records = list(MediaInsights().records(client, context, [{"id": T3}]))
    # THEN each metric is a row under the thread, asked for by name on the thread's insights edge
    assert {record["name"]: record["values"][0]["value"] for record, _ in records} == {
        "views": 5120, "likes": 310, "replies": 4, "reposts": 21, "quotes": 6, "shares": 3}
    assert {parent for _, parent in records} == {T3}
    (request,) = api.requests
    assert request.url.path == f"/v1.0/{T3}/insights"
    assert request.url.params["metric"].split(",") == list(MEDIA_METRICS)


def test_a_refused_metric_is_dropped_and_recorded_then_not_asked_again(api, client, context):
    # GIVEN the API refusing `shares` (in development) by listing the metrics it accepts, then answering without
    api.then("metric_refused", 400).then("media_insights_without_shares").then("media_insights_without_shares")
    # WHEN the stream reads two threads
    records = list(MediaInsights().records(client, context, [{"id": T2}, {"id": T1}]))
    # THEN both threads' five other metrics are landed, shares is recorded as dropped and asked no more
    assert len(records) == 10 and "shares" not in {record["name"] for record, _ in records}
    assert [request.url.params["metric"] for request in api.requests] == [
        ",".join(MEDIA_METRICS), "views,likes,replies,reposts,quotes", "views,likes,replies,reposts,quotes"]
    assert "shares" in str(client.findings.manifest())


def test_the_conversation_lands_every_reply_with_its_author_and_parent(api, client, context):
    # GIVEN a conversation over two pages: two replies to the thread, the brand's answer to one of them, and a
    # reply the brand hid
    api.then("conversation_page1").then("conversation_page2_last")
    # WHEN the replies stream runs for the thread
    records = list(Replies().records(client, context, [{"id": T3}]))
    # THEN all four are landed under the thread, oldest first, as received
    assert ids(records) == ["18060000000000011", "18060000000000012", "18060000000000013", "18060000000000014"]
    assert {parent for _, parent in records} == {T3}
    answer = records[2][0]
    assert answer["username"] == "northwindoutfitters" and answer["replied_to"] == {"id": "18060000000000012"}
    assert records[3][0]["hide_status"] == "HIDDEN"
    first, second = api.requests
    assert first.url.path == f"/v1.0/{T3}/conversation" and first.url.params["reverse"] == "false"
    assert {"username", "replied_to", "root_post", "hide_status", "timestamp", "text"} <= set(
        first.url.params["fields"].split(","))
    assert second.url.params["after"] == "UkVQTFkwMQ"


def test_profile_insights_are_asked_for_the_logical_date(api, client, context):
    # GIVEN the profile's insights (views as a daily series, the others as totals, followers_count)
    api.then("user_insights")
    # WHEN the user insights stream runs
    records = list(UserInsights().records(client, context, []))
    # THEN each metric is a row under the profile, asked on threads_insights for the logical date's UTC day
    assert [record["name"] for record, _ in records] == ["views", "likes", "replies", "reposts", "quotes",
                                                         "followers_count"]
    assert {parent for _, parent in records} == {USER}
    (request,) = api.requests
    assert request.url.path == f"/v1.0/{USER}/threads_insights"
    day = dt.datetime(2026, 10, 20, tzinfo=dt.UTC)
    assert (int(request.url.params["since"]), int(request.url.params["until"])) == (
        int(day.timestamp()), int((day + dt.timedelta(days=1)).timestamp()))


def test_an_expired_token_fails_naming_the_connection_and_the_refresh(api, client, context):
    # GIVEN Meta's code 190 (session expired) WHEN the threads stream runs THEN it fails with what to do
    api.then("expired_token", 400)
    with pytest.raises(AuthError, match="threads_northwind") as raised:
        list(Threads().records(client, context, []))
    assert "th_refresh_token" in str(raised.value)


def test_a_rate_limit_waits_then_reads(api, client, context, sleeps):
    # GIVEN Meta's application request limit (code 4) once, then the insights
    api.then("rate_limited", 400).then("user_insights")
    # WHEN the user insights stream runs THEN it waited once and landed the answer
    assert len(list(UserInsights().records(client, context, []))) == 6
    assert len(sleeps) == 1 and client.stats.retries == 1
