"""TikTok Display API v2 extractor against recorded payloads: POST bodies, cursor paging and each kind of last
page, the window, video query batches, rate limits, errors, optional fields."""

from __future__ import annotations

import json

import pytest

from extractors.base import AuthError, ExtractorError
from extractors.tiktok import User, Videos, VideoStats

OPEN_ID = "-000Northwind4lQ2mXaZrT0aBcDeFgH202"
V1, V2, V3 = "7561000000000000003", "7560000000000000002", "7559000000000000001"


def ids(records):
    return [record["id"] for record, _ in records]


def body(request):
    return json.loads(request.content)


def test_user_info_is_read_with_its_counts(api, client, context):
    # GIVEN the token's user with its counts
    api.then("user_info")
    # WHEN the user stream runs
    ((record, parent),) = list(User().records(client, context, []))
    # THEN it is landed as received, asked for with the fields and a bearer token
    assert parent is None and record["follower_count"] == 48100 and record["open_id"] == OPEN_ID
    request = api.requests[0]
    assert (request.method, request.url.path) == ("GET", "/v2/user/info/")
    assert set(request.url.params["fields"].split(",")) == {"open_id", "display_name", "follower_count",
                                                            "likes_count", "video_count"}
    assert request.headers["authorization"] == "Bearer secret-token"


def test_a_user_without_its_counts_is_landed_as_received(api, client, context):
    # GIVEN a user answer without the counts (a token without the user.info.stats scope)
    api.then("user_info_sparse")
    # WHEN the user stream runs THEN the counts stay missing, never zero
    ((record, _),) = list(User().records(client, context, []))
    assert "follower_count" not in record and "video_count" not in record


def test_a_token_of_another_user_fails_the_stream(api, client, context):
    # GIVEN the token answering for another open_id WHEN the user stream runs THEN it fails, naming the connection
    api.then("user_info_other")
    with pytest.raises(ExtractorError, match="tiktok_northwind"):
        list(User().records(client, context, []))


def test_videos_are_posted_for_with_the_cursor_until_has_more_is_false(api, client, context):
    # GIVEN two pages of the video list, the second with has_more false
    api.then("video_list_page1").then("video_list_page2_last")
    # WHEN the videos stream runs
    records = list(Videos().records(client, context, []))
    # THEN both pages are landed; each request is a POST with max_count, the second with the first's cursor
    assert ids(records) == [V1, V2, V3]
    first, second = api.requests
    assert (first.method, first.url.path) == ("POST", "/v2/video/list/")
    assert "view_count" in first.url.params["fields"].split(",")
    assert body(first) == {"max_count": 20}
    assert body(second) == {"max_count": 20, "cursor": 1792247400000}  # page 1's data.cursor
    assert first.headers["content-type"] == "application/json"


def test_an_empty_list_is_one_request_and_no_rows(api, client, context):
    # GIVEN the other kind of last page: no videos, has_more false
    api.then("video_list_empty")
    # WHEN the videos stream runs THEN nothing is landed and nothing more is asked
    assert list(Videos().records(client, context, [])) == [] and len(api.requests) == 1


def test_videos_stop_at_the_first_one_older_than_the_window(api, client, context):
    # GIVEN a page whose second video predates the window start, with has_more true
    api.then("video_list_crossing_window")
    # WHEN the videos stream runs THEN only the video inside the window is landed and no next page is read
    assert ids(list(Videos().records(client, context, []))) == [V3] and len(api.requests) == 1


def test_video_stats_query_twenty_ids_a_call(api, client, context):
    # GIVEN 21 videos in the window
    api.then("video_query").then("video_query_sparse")
    videos = [{"id": f"75600000000000{n:05d}"} for n in range(21)]
    # WHEN the video stats stream runs
    records = list(VideoStats().records(client, context, videos))
    # THEN two POSTs ask for 20 ids then 1, with the fields, and every video answered is landed
    first, second = api.requests
    assert (first.method, first.url.path) == ("POST", "/v2/video/query/")
    assert len(body(first)["filters"]["video_ids"]) == 20 and body(second) == {"filters": {"video_ids": [
        "7560000000000000020"]}}
    assert "like_count" in first.url.params["fields"].split(",")
    assert ids(records) == [V1, V2, V3]


def test_a_video_without_optional_fields_is_landed_as_received(api, client, context):
    # GIVEN a video without title, description and share count
    api.then("video_query_sparse")
    # WHEN the video stats stream runs THEN the missing fields stay missing
    ((record, _),) = list(VideoStats().records(client, context, [{"id": V3}]))
    assert not {"title", "video_description", "share_count"} & set(record)


def test_rate_limit_with_retry_after_waits_then_succeeds(api, client, context, sleeps):
    # GIVEN a 429 rate_limit_exceeded with Retry-After: 7, then the page
    api.then("rate_limit_exceeded", 429, {"retry-after": "7"}).then("video_list_page2_last")
    # WHEN the videos stream runs THEN it slept 7 s once and landed the page, sending the same body again
    assert ids(list(Videos().records(client, context, []))) == [V3]
    assert sleeps == [7.0] and client.stats.retries == 1
    assert body(api.requests[0]) == body(api.requests[1])


def test_rate_limit_without_retry_after_waits_the_minute_window(api, client, context, sleeps):
    # GIVEN a 429 without headers, then the user
    api.then("rate_limit_exceeded", 429).then("user_info")
    # WHEN the user stream runs THEN it waited the one-minute sliding window
    assert len(list(User().records(client, context, []))) == 1 and sleeps == [60.0]


def test_server_error_is_retried_then_succeeds(api, client, context, sleeps):
    # GIVEN a 500 internal_error then the page
    api.then("internal_error", 500).then("video_list_page2_last")
    # WHEN the videos stream runs THEN it backed off once and landed the page
    assert ids(list(Videos().records(client, context, []))) == [V3]
    assert len(sleeps) == 1 and len(api.requests) == 2


def test_expired_token_raises_auth_error_after_one_request(api, client, context, sleeps):
    # GIVEN a 401 access_token_invalid
    api.then("access_token_invalid", 401)
    # WHEN the videos stream runs THEN AuthError names the connection, not the token, and nothing is retried
    with pytest.raises(AuthError) as error:
        list(Videos().records(client, context, []))
    assert "tiktok_northwind" in str(error.value) and "secret-token" not in str(error.value)
    assert len(api.requests) == 1 and sleeps == []


def test_invalid_params_fail_without_retrying(api, client, context, sleeps):
    # GIVEN a 400 invalid_params WHEN the stream runs THEN it fails at once with TikTok's message
    api.then("invalid_params", 400)
    with pytest.raises(ExtractorError, match="invalid_params"):
        list(VideoStats().records(client, context, [{"id": V1}]))
    assert len(api.requests) == 1 and sleeps == []


def test_a_video_without_create_time_or_id_is_skipped_and_counted(api, client, context):
    # GIVEN a page whose first video has no create_time and whose second has no id
    api.then("video_list_missing_fields")
    # WHEN the videos stream runs
    records = list(Videos().records(client, context, []))
    # THEN both are skipped, each counted, and the third lands
    assert [video["id"] for video, _ in records] == ["7559000000000000001"]
    assert client.findings.manifest() == {"skipped": {"video without create_time": 1, "video without id": 1}}
