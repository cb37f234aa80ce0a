"""Instagram Graph API (v23.0) extractor against recorded pages: paging, window, retries, auth, payloads."""

from __future__ import annotations

import json

import pytest
from replay_api import (
    ABSENT,
    FIXTURES,
    INSTAGRAM_ID,
    INSTAGRAM_KEY,
    INSTAGRAM_TOKEN,
    MEDIA_CURSOR_2,
    MEDIA_CURSOR_3,
    Reply,
    client_for,
    context_for,
    ids,
    landed,
    recorded,
    run,
)

from extractors.base import AuthError, ExtractorError
from extractors.instagram import Media, MediaInsights, media_kind

MEDIA = f"/v23.0/{INSTAGRAM_ID}/media"
USER = f"/v23.0/{INSTAGRAM_ID}"
INSIGHTS = f"/v23.0/{INSTAGRAM_ID}/insights"
ALL_MEDIA = [f"1806000000000000{n}" for n in range(1, 7)]


def fixture_body(name: str) -> dict:
    return json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))


def test_several_pages_are_followed_to_the_last(instagram_api, sleeps, landing_env):
    # GIVEN an account whose media edge spans three recorded pages, all inside a 28-day lookback
    # WHEN the account is extracted
    manifest = run(INSTAGRAM_KEY, instagram_api, sleeps, lookback_days=28)

    # THEN every page is read once, in order, the next two by their `after` cursor
    streams = manifest["streams"]
    assert ids(streams["media"]["file"]) == ALL_MEDIA
    assert instagram_api.requested(MEDIA, after=ABSENT) == 1
    assert instagram_api.requested(MEDIA, after=MEDIA_CURSOR_2) == 1
    assert instagram_api.requested(MEDIA, after=MEDIA_CURSOR_3) == 1
    # AND the children are read under each parent: 5 metrics per media, comments over two pages for one post
    assert streams["media_insights"]["rows"] == 5 * len(ALL_MEDIA)
    assert ids(streams["comments"]["file"]) == [
        "17900000000000011", "17900000000000013", "17900000000000031", "17900000000000033",
        "17900000000000051"]
    assert [line["parent_id"] for line in landed(streams["comments"]["file"])] == [
        "18060000000000001", "18060000000000001", "18060000000000003", "18060000000000003",
        "18060000000000005"]
    assert {name: info["status"] for name, info in streams.items()} == dict.fromkeys(
        ["user", "user_insights", "follower_demographics", "business_discovery", "media", "media_insights",
         "comments", "tags"], "complete")
    # AND the media by others that tag the account are read over both pages, as received
    assert ids(streams["tags"]["file"]) == ["17990000000000031", "17990000000000032", "17990000000000033"]
    assert landed(streams["tags"]["file"])[0] == {"parent_id": None,
                                                  "record": fixture_body("instagram/tags/page_1")["data"][0]}
    # AND the token travels in the query string of every call (never as a header), with no wait
    assert all(request.url.params["access_token"] == INSTAGRAM_TOKEN for request in instagram_api.requests)
    assert not any("authorization" in request.headers for request in instagram_api.requests)
    assert sleeps == []


def test_media_insights_items_land_in_the_documented_shape(instagram_api, sleeps, landing_env):
    # GIVEN the recorded v23.0 media insights (reach, saved, shares, views, total_interactions)
    # WHEN the account is extracted
    manifest = run(INSTAGRAM_KEY, instagram_api, sleeps)

    # THEN each item lands as received, under the media it was read for
    lines = landed(manifest["streams"]["media_insights"]["file"])
    first = lines[0]
    assert first == {"parent_id": "18060000000000001",
                     "record": fixture_body("instagram/media_insights/18060000000000001")["data"][0]}
    assert set(first["record"]) == {"name", "period", "values", "title", "description", "id"}
    assert [line["record"]["name"] for line in lines[:5]] == ["reach", "saved", "shares", "views",
                                                              "total_interactions"]
    # AND the metric list asked for is the v23.0 one (impressions was retired)
    metric_calls = [r for r in instagram_api.requests if r.url.path == "/v23.0/18060000000000001/insights"]
    assert [r.url.params["metric"] for r in metric_calls] == ["reach,saved,shares,views,total_interactions"]
    assert landed(manifest["streams"]["user_insights"]["file"])[0]["record"]["period"] == "day"


def test_user_insights_ask_the_days_reach_and_views_as_totals(instagram_api, sleeps, landing_env):
    # GIVEN the account insights answering day totals (views exists only as a total_value since v22)
    # WHEN the account is extracted
    manifest = run(INSTAGRAM_KEY, instagram_api, sleeps)
    # THEN reach and views are asked for the logical date (UTC), as one day's totals
    (request,) = [r for r in instagram_api.requests
                  if r.url.path == INSIGHTS and r.url.params.get("period") == "day"]
    assert request.url.params["metric"] == "reach,views"
    assert (request.url.params["period"], request.url.params["metric_type"]) == ("day", "total_value")
    assert (int(request.url.params["since"]), int(request.url.params["until"])) == (1792022400, 1792108800)
    # AND both land as received, under the account
    lines = landed(manifest["streams"]["user_insights"]["file"])
    assert [(line["parent_id"], line["record"]["name"], line["record"]["total_value"]["value"]) for line in lines] == [
        (INSTAGRAM_ID, "reach", 1843), (INSTAGRAM_ID, "views", 5210)]


def test_follower_demographics_ask_one_breakdown_a_call_and_land_each_as_received(instagram_api, sleeps,
                                                                                landing_env):
    # GIVEN the account's follower demographics answering one breakdown per call (results in no order)
    # WHEN the account is extracted
    manifest = run(INSTAGRAM_KEY, instagram_api, sleeps)
    # THEN each breakdown is asked alone, lifetime, as a total_value
    asked = [r.url.params for r in instagram_api.requests
             if r.url.path == INSIGHTS and r.url.params.get("metric") == "follower_demographics"]
    assert [params["breakdown"] for params in asked] == ["age", "gender", "country", "city"]
    assert {(params["period"], params["metric_type"]) for params in asked} == {("lifetime", "total_value")}
    assert all("timeframe" not in params for params in asked)
    # AND each answer lands as received, under its breakdown
    lines = landed(manifest["streams"]["follower_demographics"]["file"])
    assert [line["parent_id"] for line in lines] == ["age", "gender", "country", "city"]
    city = lines[3]["record"]["total_value"]["breakdowns"][0]
    assert city["dimension_keys"] == ["city"]
    assert {"dimension_values": ["Paris, Île-de-France"], "value": 1674} in city["results"]
    assert manifest["streams"]["follower_demographics"]["status"] == "complete"


def test_a_refused_breakdown_is_recorded_and_the_others_still_land(instagram_api, sleeps, landing_env):
    # GIVEN the city breakdown refused (an account Instagram serves no such breakdown for, or no permission)
    # and the gender breakdown answering no data yet
    instagram_api.on(INSIGHTS, "instagram/errors/no_permission_10", period="lifetime", breakdown="city")
    instagram_api.on(INSIGHTS, "instagram/follower_demographics/empty", period="lifetime", breakdown="gender")
    # WHEN the account is extracted
    manifest = run(INSTAGRAM_KEY, instagram_api, sleeps)
    # THEN age and country land; the refusal is recorded under its breakdown and the stream completes
    stream = manifest["streams"]["follower_demographics"]
    assert [line["parent_id"] for line in landed(stream["file"])] == ["age", "country"]
    assert stream["status"] == "complete"
    assert [error["id"] for error in stream["item_errors"]] == ["follower_demographics/city"]


def media(media_id: str, media_type: str, product: str) -> dict:
    return {"id": media_id, "media_type": media_type, "media_product_type": product}


def test_media_insights_ask_each_media_product_type_for_its_documented_metrics(instagram_api, sleeps):
    # GIVEN a feed image, a reel, a carousel album and a story
    parents = [media("18060000000000001", "IMAGE", "FEED"), media("18060000000000002", "VIDEO", "REELS"),
               media("18060000000000003", "CAROUSEL_ALBUM", "FEED"), media("18060000000000004", "IMAGE", "STORY")]
    client = client_for(INSTAGRAM_KEY, instagram_api, sleeps)
    # WHEN their insights are read
    list(MediaInsights().records(client, context_for(7), parents))
    # THEN each is asked the metrics Meta documents for its product type: a story has no `saved`
    asked = {r.url.path.split("/")[2]: r.url.params["metric"] for r in instagram_api.requests}
    assert asked == {
        "18060000000000001": "reach,saved,shares,views,total_interactions",
        "18060000000000002": "reach,saved,shares,views,total_interactions",
        "18060000000000003": "reach,saved,shares,views,total_interactions",
        "18060000000000004": "reach,shares,views,total_interactions",
    }
    assert media_kind(parents[2]) == "CAROUSEL_ALBUM" and media_kind(media("1", "IMAGE", "AD")) == "FEED"


def test_a_media_whose_insights_are_refused_is_skipped_and_recorded(instagram_api, sleeps, landing_env):
    # GIVEN one media posted before the account became a business account: its insights answer Meta's
    # "Invalid parameter" (subcode 2108006)
    instagram_api.on("/v23.0/18060000000000003/insights", "instagram/errors/media_before_conversion")
    # WHEN the account is extracted over a window holding all six media
    manifest = run(INSTAGRAM_KEY, instagram_api, sleeps, lookback_days=28)
    # THEN the stream completes with the other media's insights, the refused one recorded with its error
    insights = manifest["streams"]["media_insights"]
    assert insights["status"] == "complete" and insights["rows"] == 5 * 5
    assert "18060000000000003" not in {line["parent_id"] for line in landed(insights["file"])}
    assert insights["item_error_count"] == 1
    (item,) = insights["item_errors"]
    assert item["id"] == "18060000000000003" and "2108006" in item["error"]
    assert INSTAGRAM_TOKEN not in json.dumps(manifest)
    # AND it was asked once (not retried), and the account's later streams ran
    assert instagram_api.requested("/v23.0/18060000000000003/insights") == 1
    assert {name: info["status"] for name, info in manifest["streams"].items()} == dict.fromkeys(
        ["user", "user_insights", "follower_demographics", "business_discovery", "media", "media_insights",
         "comments", "tags"], "complete")


def without(name: str, metric: str) -> Reply:
    body = fixture_body(name)
    body["data"] = [item for item in body["data"] if item["name"] != metric]
    return Reply(200, {"Content-Type": "application/json; charset=UTF-8"}, json.dumps(body).encode())


def test_a_metric_refused_for_a_media_type_is_dropped_and_asked_again_without_it(instagram_api, sleeps):
    # GIVEN two reels whose insights refuse `views` ("does not support the views metric for this media product
    # type"), and a feed image that accepts it
    instagram_api.on("/v23.0/18060000000000002/insights", "instagram/errors/metric_not_for_product_type",
                     without("instagram/media_insights/18060000000000002", "views"))
    instagram_api.on("/v23.0/18060000000000006/insights",
                     without("instagram/media_insights/18060000000000006", "views"))
    parents = [media("18060000000000002", "VIDEO", "REELS"), media("18060000000000006", "VIDEO", "REELS"),
               media("18060000000000001", "IMAGE", "FEED")]
    client = client_for(INSTAGRAM_KEY, instagram_api, sleeps)
    # WHEN their insights are read
    records = list(MediaInsights().records(client, context_for(7), parents))
    # THEN the first reel is asked again without views, the second reel is not asked views at all, the image is
    asked = [(r.url.path.split("/")[2], r.url.params["metric"]) for r in instagram_api.requests]
    assert asked == [("18060000000000002", "reach,saved,shares,views,total_interactions"),
                     ("18060000000000002", "reach,saved,shares,total_interactions"),
                     ("18060000000000006", "reach,saved,shares,total_interactions"),
                     ("18060000000000001", "reach,saved,shares,views,total_interactions")]
    assert [parent for _, parent in records].count("18060000000000002") == 4
    # AND the manifest records the metric dropped, for which media type, with Meta's error
    (dropped,) = client.findings.manifest()["dropped_metrics"]
    assert (dropped["metric"], dropped["scope"]) == ("views", "REELS") and "does not support" in dropped["error"]


def test_a_retired_metric_is_dropped_and_the_rest_still_land(instagram_api, sleeps, landing_env):
    # GIVEN a metric the Graph API no longer supports ("Starting from version v22.0 and above, the saved metric
    # is no longer supported"), refused for the first feed media
    instagram_api.on("/v23.0/18060000000000001/insights", "instagram/errors/metric_retired",
                     without("instagram/media_insights/18060000000000001", "saved"))
    # WHEN the account is extracted
    manifest = run(INSTAGRAM_KEY, instagram_api, sleeps)
    # THEN the stream completes, the metric is dropped and recorded, and the other metrics land
    insights = manifest["streams"]["media_insights"]
    assert insights["status"] == "complete"
    assert [(d["metric"], d["scope"]) for d in insights["dropped_metrics"]] == [("saved", "FEED")]
    names = [line["record"]["name"] for line in landed(insights["file"]) if line["parent_id"] == "18060000000000001"]
    assert names == ["reach", "shares", "views", "total_interactions"]


def test_insights_refused_for_the_first_media_alike_fail_the_stream(instagram_api, sleeps):
    # GIVEN a token without insights permission: every media's insights answer (#10)
    for number in range(1, 5):
        instagram_api.on(f"/v23.0/1806000000000000{number}/insights", "instagram/errors/no_permission_10")
    parents = [media(f"1806000000000000{number}", "IMAGE", "FEED") for number in range(1, 5)]
    client = client_for(INSTAGRAM_KEY, instagram_api, sleeps)
    # WHEN their insights are read THEN the stream fails after the first three, each recorded
    with pytest.raises(ExtractorError, match="all refused"):
        list(MediaInsights().records(client, context_for(7), parents))
    assert len(instagram_api.requests) == 3 and client.findings.item_error_count == 3


def test_media_without_a_timestamp_or_id_are_skipped_and_counted(instagram_api, sleeps, landing_env):
    # GIVEN a media page whose second media has no timestamp and whose third has no id
    instagram_api.on(MEDIA, "instagram/media/missing_fields", after=ABSENT)
    # WHEN the account is extracted
    manifest = run(INSTAGRAM_KEY, instagram_api, sleeps)
    # THEN the account completes: both are skipped (no window, no day, no key to load them under) and counted,
    # and the other media's insights are read
    streams = manifest["streams"]
    assert ids(streams["media"]["file"]) == ["18060000000000001"]
    assert streams["media"]["skipped"] == {"media without id": 1, "media without timestamp": 1}
    assert {line["parent_id"] for line in landed(streams["media_insights"]["file"])} == {"18060000000000001"}
    assert all(info["status"] == "complete" for info in streams.values())


def test_tags_without_a_timestamp_are_skipped_and_paging_still_stops_at_the_window(instagram_api, sleeps,
                                                                                  landing_env):
    # GIVEN a tags page whose first media has no timestamp and whose second predates the window
    instagram_api.on(f"/v23.0/{INSTAGRAM_ID}/tags", "instagram/tags/missing_fields", after=ABSENT)
    # WHEN the account is extracted
    manifest = run(INSTAGRAM_KEY, instagram_api, sleeps)
    # THEN the first is skipped (counted), the older one stops the listing, the next page is not asked for
    tags = manifest["streams"]["tags"]
    assert tags["status"] == "complete" and tags["rows"] == 0
    assert tags["skipped"] == {"media without timestamp": 1}
    assert instagram_api.requested(f"/v23.0/{INSTAGRAM_ID}/tags", after="QVFIUlRhZA9") == 0


@pytest.mark.parametrize(
    ("last_page", "expected"),
    [
        pytest.param("instagram/media/last_no_paging", ALL_MEDIA[:4], id="no-paging-no-next"),
        pytest.param("instagram/media/last_empty_next", ALL_MEDIA[:4], id="empty-next-string"),
        pytest.param("instagram/media/page_3", ALL_MEDIA[:2] + ALL_MEDIA[5:], id="cursors-without-next"),
        pytest.param("instagram/media/last_empty_data", ALL_MEDIA[:2], id="empty-data-page"),
    ],
)
def test_each_kind_of_last_page_ends_paging(instagram_api, sleeps, last_page, expected):
    # GIVEN a first page whose next link leads to a page of this kind
    instagram_api.on(MEDIA, last_page, after=MEDIA_CURSOR_2)
    client = client_for(INSTAGRAM_KEY, instagram_api, sleeps)

    # WHEN the media stream is read
    records = [record["id"] for record, _ in Media().records(client, context_for(28), [])]

    # THEN the records of both pages are read and nothing more is asked for
    assert records == expected
    assert instagram_api.paths() == [MEDIA, MEDIA]
    assert instagram_api.requested(MEDIA, after=MEDIA_CURSOR_3) == 0


def test_lookback_window_stops_paging(instagram_api, sleeps, landing_env):
    # GIVEN a 7-day lookback ending 2026-10-15 (window from 2026-10-09) and media whose 2nd page reaches
    # a post of 2026-10-06
    # WHEN the account is extracted
    manifest = run(INSTAGRAM_KEY, instagram_api, sleeps, lookback_days=7)

    # THEN posts from the window start on land, the older post is not landed and the 3rd page is not asked for
    assert manifest["window_start"] == "2026-10-09"
    assert ids(manifest["streams"]["media"]["file"]) == ALL_MEDIA[:4]
    assert instagram_api.requested(MEDIA, after=MEDIA_CURSOR_3) == 0
    # AND nothing is read under the settled posts: no insights, no comments of 2026-10-06 or older
    assert instagram_api.requested("/v23.0/18060000000000005/insights") == 0
    assert instagram_api.requested("/v23.0/18060000000000005/comments") == 0
    assert instagram_api.requested("/v23.0/18060000000000006/insights") == 0
    assert {line["parent_id"] for line in landed(manifest["streams"]["media_insights"]["file"])} == set(
        ALL_MEDIA[:4])


@pytest.mark.parametrize(
    ("answer", "wait"),
    [
        pytest.param("instagram/errors/rate_limit_4", 60.0, id="code-4-app-usage"),
        pytest.param("instagram/errors/rate_limit_17", 60.0, id="code-17-app-usage"),
        pytest.param("instagram/errors/rate_limit_32", 300.0, id="code-32-buc-5min"),
        pytest.param("instagram/errors/rate_limit_613", 120.0, id="code-613-buc-2min"),
        pytest.param("instagram/errors/rate_limit_80002", 240.0, id="code-80002-buc-4min"),
    ],
)
def test_rate_limit_waits_as_the_headers_say_then_succeeds(instagram_api, sleeps, landing_env, answer, wait):
    # GIVEN the user call first answers with a throttling error and its usage headers, then succeeds
    instagram_api.on(USER, answer, "instagram/user")

    # WHEN the account is extracted
    manifest = run(INSTAGRAM_KEY, instagram_api, sleeps)

    # THEN the client sleeps once, as long as the headers say (X-App-Usage gives no time: a minute),
    assert sleeps == [wait]
    assert (manifest["retries"], manifest["waited_seconds"]) == (1, wait)
    # AND asks again, and the user lands
    assert instagram_api.requested(USER, fields="id,username,followers_count,follows_count,media_count") == 2
    assert manifest["streams"]["user"]["rows"] == 1
    assert manifest["streams"]["user"]["status"] == "complete"


@pytest.mark.parametrize(
    ("path", "query", "stopped", "rows"),
    [
        pytest.param(INSIGHTS, {"period": "day"}, "user_insights", 0, id="user-insights"),
        pytest.param(MEDIA, {"after": MEDIA_CURSOR_2}, "media", 2, id="media-second-page"),
    ],
)
def test_quota_exhausted_stops_the_stream_cleanly(
    instagram_api, sleeps, landing_env, path, query, stopped, rows
):
    # GIVEN one call answered with code 80002 and 30 minutes to regain access, over the 900 s the run may wait
    instagram_api.on(path, "instagram/errors/quota_80002", **query)

    # WHEN the account is extracted
    manifest = run(INSTAGRAM_KEY, instagram_api, sleeps)

    # THEN that stream stops as quota_exhausted with what it read before, without waiting or asking again
    stream = manifest["streams"][stopped]
    assert stream["status"] == "quota_exhausted"
    assert "quota exhausted" in stream["error"] and "retry in 1800s" in stream["error"]
    assert stream["rows"] == rows == len(landed(stream["file"]))
    assert sleeps == []
    assert instagram_api.requested(path, **query) == 1
    # AND every other stream still completes
    others = {name: info["status"] for name, info in manifest["streams"].items() if name != stopped}
    assert set(others) == {"user", "user_insights", "follower_demographics", "business_discovery", "media",
                           "media_insights", "comments", "tags"} - {stopped}
    assert set(others.values()) == {"complete"}


@pytest.mark.parametrize(
    "failure",
    [
        pytest.param(recorded("instagram/errors/server_error_500"), id="http-500-transient"),
        pytest.param(recorded("instagram/media/page_2").truncated(), id="truncated-body"),
    ],
)
def test_transient_failure_is_retried_then_succeeds(instagram_api, sleeps, landing_env, failure):
    # GIVEN the second media page first fails in transit, then comes whole
    instagram_api.on(MEDIA, failure, "instagram/media/page_2", after=MEDIA_CURSOR_2)

    # WHEN the account is extracted
    manifest = run(INSTAGRAM_KEY, instagram_api, sleeps)

    # THEN the client backs off once (full jitter, at most 1 s on the first retry) and reads the page again
    assert len(sleeps) == 1 and 0.0 <= sleeps[0] <= 1.0
    assert instagram_api.requested(MEDIA, after=MEDIA_CURSOR_2) == 2
    assert manifest["retries"] == 1
    # AND nothing is lost or doubled
    assert ids(manifest["streams"]["media"]["file"]) == ALL_MEDIA[:4]
    assert manifest["streams"]["media"]["status"] == "complete"


@pytest.mark.parametrize(
    "answer",
    [
        pytest.param("instagram/errors/expired_token_401", id="code-190-http-401"),
        pytest.param("instagram/errors/expired_token_400", id="code-190-http-400"),
    ],
)
def test_expired_token_fails_at_once_without_retry(instagram_api, sleeps, landing_env, answer):
    # GIVEN a token Meta says has expired (code 190, subcode 463)
    instagram_api.on(USER, answer)

    # WHEN the account is extracted
    with pytest.raises(AuthError) as raised:
        run(INSTAGRAM_KEY, instagram_api, sleeps)

    # THEN the error names the platform, the account and the connection to fix, and not the token
    message = str(raised.value)
    for expected in ("instagram", "maisonlumiere", INSTAGRAM_KEY, "instagram_maison_lumiere",
                     "SMW_CONN_INSTAGRAM_MAISON_LUMIERE", "Session has expired"):
        assert expected in message
    assert INSTAGRAM_TOKEN not in message
    # AND exactly one request was made: no retry, no wait, nothing landed
    assert len(instagram_api.requests) == 1
    assert sleeps == []
    assert not landing_env.exists() or not any(path.is_file() for path in landing_env.rglob("*"))


def test_optional_fields_missing_still_land(instagram_api, sleeps, landing_env):
    # GIVEN a reel without caption and with its like count hidden, and a comment without replies
    media_page = fixture_body("instagram/media/page_1")["data"]
    reel = media_page[1]
    assert "caption" not in reel and "like_count" not in reel
    comment = fixture_body("instagram/comments/18060000000000001/page_1")["data"][1]
    assert "replies" not in comment

    # WHEN the account is extracted
    manifest = run(INSTAGRAM_KEY, instagram_api, sleeps)

    # THEN both land as received, with no field made up
    media_lines = landed(manifest["streams"]["media"]["file"])
    assert media_lines[1] == {"parent_id": None, "record": reel}
    comment_lines = landed(manifest["streams"]["comments"]["file"])
    assert {"parent_id": "18060000000000001", "record": comment} in comment_lines
    # AND the reel's insights are read all the same
    assert instagram_api.requested("/v23.0/18060000000000002/insights") == 1
    # AND a post with no comments costs no comments call
    assert instagram_api.requested("/v23.0/18060000000000002/comments") == 0


def test_tags_stop_at_the_first_media_older_than_the_window(instagram_api, sleeps, landing_env):
    # GIVEN the tags edge, whose second page holds media of 2026-10-02, before a 7-day window (from 10-09)
    # WHEN the account is extracted
    manifest = run(INSTAGRAM_KEY, instagram_api, sleeps)
    # THEN the media of the window are landed, with their author's username, and paging stops there
    lines = landed(manifest["streams"]["tags"]["file"])
    assert [line["record"]["id"] for line in lines] == ["17990000000000031", "17990000000000032"]
    assert [line["record"]["username"] for line in lines] == ["claire.beaute", "julie_m"]
    fields = [r.url.params["fields"] for r in instagram_api.requests if r.url.path.endswith("/tags")][0]
    assert {"username", "caption", "like_count", "comments_count", "timestamp"} <= set(fields.split(","))
