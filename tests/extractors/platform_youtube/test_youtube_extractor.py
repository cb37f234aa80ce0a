"""YouTube Data API v3 and Analytics v2 extractor against recorded payloads: paging, last pages, window,
quota and rate limits, errors, optional fields."""

from __future__ import annotations

import dataclasses

import pytest

from extractors.base import AuthError, ExtractorError, QuotaExhausted
from extractors.youtube import Channel, ChannelDays, CommentThreads, RivalChannels, RivalVideos, Uploads, Videos

CHANNEL = {"id": "UCnorthwind0000000000202",
           "contentDetails": {"relatedPlaylists": {"uploads": "UUnorthwind0000000000202"}}}


def ids(records):
    return [record["id"] for record, _ in records]


def video_ids(records):
    return [record["contentDetails"]["videoId"] for record, _ in records]


def test_channel_is_read_with_statistics_as_strings(api, client, context):
    # GIVEN channels.list answering with the channel's statistics
    api.then("channel")
    # WHEN the channel stream runs
    ((record, parent),) = list(Channel().records(client, context, []))
    # THEN the channel is landed as received, counts still strings, asked for by id with a bearer token
    assert parent is None and record["statistics"]["subscriberCount"] == "48100"
    request = api.requests[0]
    assert request.url.path == "/youtube/v3/channels"
    assert request.url.params["id"] == "UCnorthwind0000000000202"
    assert set(request.url.params["part"].split(",")) == {"snippet", "statistics", "contentDetails"}
    assert request.headers["authorization"] == "Bearer secret-token"


def test_uploads_follow_next_page_token_until_a_page_without_one(api, client, context):
    # GIVEN two pages of the uploads playlist, the last without nextPageToken
    api.then("uploads_page1").then("uploads_page2_last")
    # WHEN the uploads stream runs under the channel
    records = list(Uploads().records(client, context, [CHANNEL]))
    # THEN every item of both pages is landed under the channel, and paging stops there
    assert video_ids(records) == ["dQw4w9WgXc3", "aBcDeFgHiJ2", "kLmNoPqRsT1"]
    assert {parent for _, parent in records} == {"UCnorthwind0000000000202"}
    first, second = api.requests
    assert first.url.params["playlistId"] == "UUnorthwind0000000000202"
    assert first.url.params["maxResults"] == "50" and "pageToken" not in first.url.params
    assert second.url.params["pageToken"] == "EAAaBlBUOkNBSQ"


def test_an_empty_uploads_playlist_is_one_request_and_no_rows(api, client, context):
    # GIVEN the other kind of last page: no items and no nextPageToken
    api.then("uploads_empty")
    # WHEN the uploads stream runs THEN nothing is landed and nothing more is asked
    assert list(Uploads().records(client, context, [CHANNEL])) == []
    assert len(api.requests) == 1


def test_uploads_stop_at_the_first_video_older_than_the_window(api, client, context):
    # GIVEN a page whose second upload predates the window start, and a nextPageToken
    api.then("uploads_crossing_window")
    # WHEN the uploads stream runs
    records = list(Uploads().records(client, context, [CHANNEL]))
    # THEN only the upload inside the window is landed and the next page is not read
    assert video_ids(records) == ["kLmNoPqRsT1"] and len(api.requests) == 1


def test_scheduled_uploads_without_a_publish_time_are_skipped(api, client, context):
    # GIVEN a scheduled upload (no contentDetails.videoPublishedAt) before a published one
    api.then("uploads_sparse")
    # WHEN the uploads stream runs THEN only the published one is landed
    assert video_ids(list(Uploads().records(client, context, [CHANNEL]))) == ["kLmNoPqRsT1"]


def test_videos_are_asked_for_fifty_ids_a_call(api, client, context):
    # GIVEN 51 uploads in the window
    api.then("videos").then("videos_sparse")
    uploads = [{"contentDetails": {"videoId": f"video{n:06d}"}} for n in range(51)]
    # WHEN the videos stream runs
    records = list(Videos().records(client, context, uploads))
    # THEN two calls ask for 50 ids then 1, with statistics, snippet, contentDetails and liveStreamingDetails
    first, second = api.requests
    assert len(first.url.params["id"].split(",")) == 50 and second.url.params["id"] == "video000050"
    assert set(first.url.params["part"].split(",")) == {"statistics", "snippet", "contentDetails",
                                                        "liveStreamingDetails"}
    assert ids(records) == ["dQw4w9WgXc3", "aBcDeFgHiJ2", "kLmNoPqRsT1", "kLmNoPqRsT1"]


def test_videos_without_optional_fields_are_landed_as_received(api, client, context):
    # GIVEN a video with its likes hidden, its comments off and no tags
    api.then("videos_sparse")
    # WHEN the videos stream runs
    ((record, parent),) = list(Videos().records(client, context, [{"contentDetails": {"videoId": "kLmNoPqRsT1"}}]))
    # THEN it is landed unchanged: the missing counts stay missing, never zero-filled
    assert parent is None
    assert "likeCount" not in record["statistics"] and "commentCount" not in record["statistics"]
    assert "tags" not in record["snippet"]


def test_comment_threads_page_to_the_end_and_skip_videos_without_comments(api, client, context):
    # GIVEN three videos, one with comments turned off (no commentCount), one with a count of "0"
    api.then("comment_threads_page1").then("comment_threads_page2_last")
    videos = [{"id": "dQw4w9WgXc3", "statistics": {"commentCount": "57"}},
              {"id": "aBcDeFgHiJ2", "statistics": {"commentCount": "0"}},
              {"id": "kLmNoPqRsT1", "statistics": {}}]
    # WHEN the comment threads stream runs
    records = list(CommentThreads().records(client, context, videos))
    # THEN only the first video is read, to the page without nextPageToken, threads landed with their replies
    assert ids(records) == ["UgzAAAAAAAAAAAAAAAAAAA3", "UgzAAAAAAAAAAAAAAAAAAA2", "UgzAAAAAAAAAAAAAAAAAAA1"]
    assert {parent for _, parent in records} == {"dQw4w9WgXc3"}
    assert records[0][0]["replies"]["comments"][0]["snippet"]["parentId"] == "UgzAAAAAAAAAAAAAAAAAAA3"
    first, second = api.requests
    assert first.url.params["videoId"] == "dQw4w9WgXc3" and set(first.url.params["part"].split(",")) == {
        "snippet", "replies"}
    assert second.url.params["pageToken"] == "QURTSl9pM2hCbFZsOW5h"


def test_channel_days_are_the_report_rows_named_by_their_column_headers(api, client, context):
    # GIVEN a YouTube Analytics report by day
    api.then("channel_days")
    # WHEN the channel days stream runs
    records = list(ChannelDays().records(client, context, []))
    # THEN each row is landed under its column names, and the window and channel are asked of the API
    assert records[0] == ({"day": "2026-10-14", "views": 4210, "estimatedMinutesWatched": 9120,
                           "subscribersGained": 31, "subscribersLost": 4}, "UCnorthwind0000000000202")
    assert len(records) == 3
    request = api.requests[0]
    assert request.url.host == "youtubeanalytics.googleapis.com" and request.url.path == "/v2/reports"
    assert request.url.params["ids"] == "channel==UCnorthwind0000000000202"
    assert (request.url.params["startDate"], request.url.params["endDate"]) == ("2026-10-14", "2026-10-20")
    assert request.url.params["dimensions"] == "day"
    assert "subscribersGained" in request.url.params["metrics"]


def test_a_report_without_rows_lands_nothing(api, client, context):
    # GIVEN a report whose range has no data yet: `columnHeaders` and no `rows`
    api.then("channel_days_no_rows")
    # WHEN the channel days stream runs THEN nothing is landed
    assert list(ChannelDays().records(client, context, [])) == []


def test_daily_quota_stops_at_once_without_waiting(api, client, context, sleeps):
    # GIVEN a 403 quotaExceeded: the daily quota resets at midnight Pacific, no wait helps
    api.then("quota_exceeded", 403)
    # WHEN the uploads stream runs THEN it stops cleanly as quota exhausted, after one request
    with pytest.raises(QuotaExhausted, match="quota exhausted"):
        list(Uploads().records(client, context, [CHANNEL]))
    assert sleeps == [] and len(api.requests) == 1


def test_rate_limit_waits_for_retry_after_then_succeeds(api, client, context, sleeps):
    # GIVEN a 429 with Retry-After: 30, then the page
    api.then("too_many_requests", 429, {"retry-after": "30"}).then("uploads_page2_last")
    # WHEN the uploads stream runs
    records = list(Uploads().records(client, context, [CHANNEL]))
    # THEN it slept the 30 s once and landed the page
    assert sleeps == [30.0] and video_ids(records) == ["kLmNoPqRsT1"]
    assert len(api.requests) == 2 and client.stats.retries == 1


def test_per_minute_rate_limit_waits_a_minute_then_succeeds(api, client, context, sleeps):
    # GIVEN a 403 rateLimitExceeded without headers, then the page
    api.then("rate_limited", 403).then("uploads_page2_last")
    # WHEN the uploads stream runs THEN it waits a minute, once, and lands the page
    assert video_ids(list(Uploads().records(client, context, [CHANNEL]))) == ["kLmNoPqRsT1"]
    assert sleeps == [60.0]


def test_server_error_is_retried_then_succeeds(api, client, context, sleeps):
    # GIVEN a 503 backendError then the channel
    api.then("backend_error", 503).then("channel")
    # WHEN the channel stream runs THEN it backed off once and landed the channel
    assert ids(list(Channel().records(client, context, []))) == ["UCnorthwind0000000000202"]
    assert len(sleeps) == 1 and len(api.requests) == 2


def test_expired_token_raises_auth_error_after_one_request(api, client, context, sleeps):
    # GIVEN a 401 authError
    api.then("unauthorized", 401)
    # WHEN the channel stream runs THEN AuthError names the connection, not the token, and nothing is retried
    with pytest.raises(AuthError) as error:
        list(Channel().records(client, context, []))
    assert "youtube_northwind" in str(error.value) and "secret-token" not in str(error.value)
    assert len(api.requests) == 1 and sleeps == []


def test_other_forbidden_answers_fail_without_retrying(api, client, context, sleeps):
    # GIVEN a 403 that is no quota: the token lacks the scope or the channel
    api.then("forbidden", 403)
    # WHEN the channel stream runs THEN it fails at once
    with pytest.raises(ExtractorError, match="403"):
        list(Channel().records(client, context, []))
    assert len(api.requests) == 1 and sleeps == []


def test_an_upload_without_its_video_id_is_skipped_and_counted(api, client, context):
    # GIVEN a playlist item with a publish time but no videoId, before a whole one
    api.then("uploads_missing_fields")
    # WHEN the uploads stream runs THEN only the whole one lands, and the other is counted as skipped
    assert video_ids(list(Uploads().records(client, context, [CHANNEL]))) == ["kLmNoPqRsT1"]
    assert client.findings.manifest() == {"skipped": {"playlist item without videoId": 1}}


def test_rival_channels_by_handle_then_their_uploads_of_the_window_with_statistics(api, client, context):
    # GIVEN a rival channel YouTube knows by its handle (its subscriber count hidden) and one it does not; the
    # first's uploads page crossing the window start, then its videos' statistics
    api.then("rival_channel").then("rival_channel_unknown").then("uploads_crossing_window").then("videos")
    rivals = dataclasses.replace(context, rivals=("summitgear", "@nobody"))
    # WHEN the rival streams run, the videos under the channels read
    channels = list(RivalChannels().records(client, rivals, []))
    videos = list(RivalVideos().records(client, rivals, [record for record, _ in channels]))
    # THEN the channel lands as received under the rival as configured, asked by its @handle
    assert [(parent, record["id"]) for record, parent in channels] == [("summitgear", "UCsummitgear00000000rv1")]
    assert [request.url.params.get("forHandle") for request in api.requests[:2]] == ["@summitgear", "@nobody"]
    assert [error["id"] for error in client.findings.item_errors] == ["rival_channels/@nobody"]
    # AND its uploads are read from its uploads playlist to the window start, then their statistics, 50 ids a call
    playlist, statistics = api.requests[2], api.requests[3]
    assert playlist.url.params["playlistId"] == "UUsummitgear00000000rv1"
    assert statistics.url.params["id"] == "kLmNoPqRsT1" and statistics.url.params["part"] == "statistics,snippet"
    assert videos and {parent for _, parent in videos} == {"UCsummitgear00000000rv1"}
