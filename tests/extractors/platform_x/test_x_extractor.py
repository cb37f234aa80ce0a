"""X API v2 extractor against recorded payloads: paging, last pages, window, rate limits, errors."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import time
from pathlib import Path

import pytest

from extractors.base import AuthError, ExtractorError, QuotaExhausted
from extractors.x import HashtagSearch, Mentions, RivalTweets, RivalUsers, Tweets, User

PAYLOADS = Path(__file__).parent / "payloads"


def ids(records):
    return [record["id"] for record, _ in records]


def test_user_is_read_with_public_metrics(api, client, context):
    # GIVEN the user lookup answers with public_metrics
    api.then("user")
    # WHEN the user stream runs
    records = list(User().records(client, context, []))
    # THEN the user object is landed as received, asked for with a bearer token
    ((record, parent),) = records
    assert parent is None and record["username"] == "northwind"
    assert record["public_metrics"]["followers_count"] == 20512
    request = api.requests[0]
    assert request.url.path == "/2/users/1580000000000000202"
    assert "public_metrics" in request.url.params["user.fields"]
    assert request.headers["authorization"] == "Bearer secret-token"


def test_tweets_follow_next_token_until_a_page_without_one(api, client, context):
    # GIVEN two pages, the last without meta.next_token
    api.then("tweets_page1").then("tweets_page2_last")
    # WHEN the tweets stream runs
    records = list(Tweets().records(client, context, []))
    # THEN every tweet of both pages is landed, newest first, and paging stops there
    assert ids(records) == ["1846000000000000003", "1846000000000000002", "1846000000000000001"]
    first, second = api.requests
    assert "pagination_token" not in first.url.params
    assert second.url.params["pagination_token"] == "7140dibdnow9c7btw3z4ax0fo3r0ytl1x3ecq0ffvh3q1"
    # AND the window and the fields are asked of the API, retweets left out, replies kept
    assert first.url.params["start_time"] == "2026-10-14T00:00:00Z"
    assert first.url.params["exclude"] == "retweets"
    assert first.url.params["max_results"] == "100"
    for field in ("created_at", "public_metrics", "entities", "attachments", "referenced_tweets"):
        assert field in first.url.params["tweet.fields"]


def test_tweets_stop_at_an_empty_page_after_a_next_token(api, client, context):
    # GIVEN a next_token that leads to `{"meta": {"result_count": 0}}`, X's other kind of last page
    api.then("tweets_page1").then("tweets_page2_empty")
    # WHEN the tweets stream runs
    records = list(Tweets().records(client, context, []))
    # THEN the first page's tweets are landed and nothing more is asked
    assert ids(records) == ["1846000000000000003", "1846000000000000002"]
    assert len(api.requests) == 2


def test_tweets_stop_at_the_first_tweet_older_than_the_window(api, client, context):
    # GIVEN a page whose second tweet predates the window start, and a next_token
    api.then("tweets_crossing_window")
    # WHEN the tweets stream runs
    records = list(Tweets().records(client, context, []))
    # THEN only the tweet inside the window is landed and the next page is not read
    assert ids(records) == ["1846000000000000001"]
    assert len(api.requests) == 1


def test_rate_limit_waits_until_the_reset_header_then_succeeds(api, client, context, sleeps):
    # GIVEN a 429 whose x-rate-limit-reset is 30 s away, then the page
    reset = int(time.time()) + 30
    api.then(
        "too_many_requests",
        429,
        {"x-rate-limit-limit": "900", "x-rate-limit-remaining": "0", "x-rate-limit-reset": str(reset)},
    )
    api.then("tweets_page2_last")
    # WHEN the tweets stream runs
    records = list(Tweets().records(client, context, []))
    # THEN it slept until the reset, once, and landed the page
    assert len(sleeps) == 1 and 27 <= sleeps[0] <= 30
    assert ids(records) == ["1846000000000000001"]
    assert len(api.requests) == 2 and client.stats.retries == 1


def test_monthly_usage_cap_stops_without_waiting(api, client, context, sleeps):
    # GIVEN X's usage-capped 429, which no reset header lifts before the month turns
    api.then("usage_capped", 429, {"x-rate-limit-remaining": "0"})
    # WHEN the tweets stream runs THEN it stops cleanly as quota exhausted, after one request
    with pytest.raises(QuotaExhausted, match="quota exhausted"):
        list(Tweets().records(client, context, []))
    assert sleeps == [] and len(api.requests) == 1


def test_server_error_is_retried_then_succeeds(api, client, context, sleeps):
    # GIVEN a 503 then the page
    api.then("service_unavailable", 503).then("tweets_page2_last")
    # WHEN the tweets stream runs
    records = list(Tweets().records(client, context, []))
    # THEN it backed off once and landed the page
    assert ids(records) == ["1846000000000000001"]
    assert len(sleeps) == 1 and len(api.requests) == 2


def test_expired_token_raises_auth_error_after_one_request(api, client, context, sleeps):
    # GIVEN a 401
    api.then("unauthorized", 401)
    # WHEN the user stream runs THEN AuthError names the connection, not the token, and nothing is retried
    with pytest.raises(AuthError) as error:
        list(User().records(client, context, []))
    assert "x_northwind" in str(error.value) and "secret-token" not in str(error.value)
    assert len(api.requests) == 1 and sleeps == []


def test_tweets_without_optional_fields_are_landed_as_received(api, client, context):
    # GIVEN a tweet with no entities, attachments, author or impression/bookmark counts
    api.then("tweets_sparse")
    # WHEN the tweets stream runs
    records = list(Tweets().records(client, context, []))
    # THEN it is landed unchanged, the missing counts left missing (never zero-filled)
    ((record, parent),) = records
    assert parent is None
    assert "impression_count" not in record["public_metrics"] and "entities" not in record


def test_mentions_carry_the_tweet_they_reply_to_as_parent(api, client, context):
    # GIVEN one reply to a brand tweet and one plain mention, on a last page
    api.then("mentions_page1")
    # WHEN the mentions stream runs
    records = list(Mentions().records(client, context, []))
    # THEN the reply's parent is the replied-to tweet and the plain mention has none
    assert [(record["id"], parent) for record, parent in records] == [
        ("1845990000000000001", "1846000000000000001"),
        ("1845980000000000007", None),
    ]
    assert api.requests[0].url.path == "/2/users/1580000000000000202/mentions"
    assert api.requests[0].url.params["start_time"] == "2026-10-14T00:00:00Z"


def test_rate_limit_whose_reset_has_passed_is_retried_at_once(api, client, context, sleeps):
    # GIVEN a 429 whose x-rate-limit-reset is already in the past, then the page
    api.then(
        "too_many_requests",
        429,
        {"x-rate-limit-remaining": "0", "x-rate-limit-reset": str(int(time.time()) - 5)},
    )
    api.then("tweets_page2_last")
    # WHEN the tweets stream runs
    records = list(Tweets().records(client, context, []))
    # THEN it does not wait a whole window: the window has already turned
    assert sleeps == [0.0] and len(records) == 1


# --- the recent search for the brand's campaign hashtags ------------------------------------------------------
# X's clock when the recorded search answers were made: the night after the recorded logical date (2026-10-20)
X_NOW = dt.datetime(2026, 10, 21, 3, 0, tzinfo=dt.UTC)


def test_hashtag_search_asks_for_every_campaign_hashtag_and_follows_next_token(api, client, context):
    # GIVEN a brand with two campaign hashtags, and two pages of search results
    api.then("search_page1").then("search_page2_last")
    client.clock = lambda: X_NOW
    tagged = dataclasses.replace(context, hashtags=("#NorthwindTrails", "#WinterReadyNW"))
    # WHEN the hashtag_search stream runs
    records = list(HashtagSearch().records(client, tagged, []))
    # THEN every tweet of both pages is landed, with its author from includes.users
    assert ids(records) == ["1846100000000000031", "1846090000000000032", "1846010000000000033"]
    assert [record["author"]["username"] for record, _ in records] == ["ana_hikes", "trailtom", "sam_outdoors"]
    assert records[1][0]["author"]["public_metrics"]["followers_count"] == 23000
    assert records[1][0]["public_metrics"]["like_count"] == 420  # the rest as received
    # AND the query names both hashtags without retweets; search pages with next_token, not pagination_token
    first, second = api.requests
    assert first.url.path == "/2/tweets/search/recent"
    assert first.url.params["query"] == "(#NorthwindTrails OR #WinterReadyNW) -is:retweet"
    assert first.url.params["expansions"] == "author_id"
    assert second.url.params["next_token"] == "b26v89c19zqg8o3fr5qcr2cssn4bb1fwh4hxxxfhafwh9"
    assert "pagination_token" not in second.url.params


def test_hashtag_search_is_bounded_by_the_real_clock_and_ends_at_the_nights_end(api, client, context):
    # GIVEN a first night whose window starts weeks back (a backfill), run at 03:00 the next morning
    api.then("search_page2_last")
    client.clock = lambda: X_NOW
    backfill = dataclasses.replace(context, window_start=dt.date(2026, 9, 1), hashtags=("#NorthwindTrails",))
    # WHEN the hashtag_search stream runs
    list(HashtagSearch().records(client, backfill, []))
    # THEN it asks from 7 days before now on the clock (and a 2-minute margin: X answers 400 for anything
    # older), to the end of the logical date, 2026-10-20 (end_time is exclusive)
    request = api.requests[0]
    assert request.url.params["start_time"] == "2026-10-14T03:02:00Z"
    assert request.url.params["end_time"] == "2026-10-21T00:00:00Z"
    # AND the part of the window the search no longer reaches is recorded as a gap
    (gap,) = client.findings.manifest()["gaps"]
    assert (gap["from"], gap["to"]) == ("2026-09-01T00:00:00+00:00", "2026-10-14T03:02:00+00:00")
    assert "7 days" in gap["reason"]


def test_a_night_too_old_to_search_asks_nothing_and_records_the_gap(api, client, context):
    # GIVEN a night (2026-10-20, window from 10-14) run late, on 2026-11-02: X's recent search reaches 10-26
    client.clock = lambda: dt.datetime(2026, 11, 2, 3, 0, tzinfo=dt.UTC)
    tagged = dataclasses.replace(context, hashtags=("#NorthwindTrails",))
    # WHEN the hashtag_search stream runs THEN nothing is asked (the API would answer 400)
    assert list(HashtagSearch().records(client, tagged, [])) == []
    assert api.requests == []
    # AND the whole window is recorded as a gap
    (gap,) = client.findings.manifest()["gaps"]
    assert (gap["from"], gap["to"]) == ("2026-10-14T00:00:00+00:00", "2026-10-21T00:00:00+00:00")


def test_the_search_window_follows_the_clock_of_x_s_answers(api, client, context):
    # GIVEN the user lookup answered with X's Date header (the day after the night), then the search
    api.then("user", headers={"date": "Wed, 21 Oct 2026 06:30:00 GMT"}).then("search_page2_last")
    tagged = dataclasses.replace(context, hashtags=("#NorthwindTrails",))
    # WHEN the user stream, then the hashtag_search stream run on the same client
    list(User().records(client, tagged, []))
    list(HashtagSearch().records(client, tagged, []))
    # THEN the search starts 7 days (and the margin) before X's clock (plus the moments since its answer,
    # rounded up to the second), not this machine's
    start = dt.datetime.fromisoformat(api.requests[1].url.params["start_time"].replace("Z", "+00:00"))
    assert dt.timedelta(0) <= start - dt.datetime(2026, 10, 14, 6, 32, tzinfo=dt.UTC) <= dt.timedelta(seconds=2)
    assert api.requests[1].url.params["end_time"] == "2026-10-21T00:00:00Z"


def test_partial_errors_are_kept_in_the_manifest_and_logged(api, client, context, caplog):
    # GIVEN a mentions page answered with HTTP 200, its data, and an `errors` array: one author is gone
    api.then("mentions_partial_errors")
    # WHEN the mentions stream runs
    records = list(Mentions().records(client, context, []))
    # THEN both tweets land (the one whose author is gone, without `author`)
    assert ids(records) == ["1845990000000000011", "1845990000000000012"]
    assert "author" not in records[0][0] and records[1][0]["author"]["username"] == "kim_walks"
    # AND the errors are kept for the manifest, as received, and logged
    findings = client.findings.manifest()
    assert findings["api_errors"] == json.loads((PAYLOADS / "mentions_partial_errors.json").read_text())["errors"]
    assert findings["api_error_count"] == 1
    assert any("Could not find user with author_id" in message for message in caplog.messages)


def test_a_user_answered_with_errors_alone_fails_clearly(api, client, context):
    # GIVEN the user lookup answered with HTTP 200 and `errors` only (the account is gone)
    api.then("user_not_found")
    # WHEN the user stream runs THEN it fails naming the account and X's error, not with a KeyError
    with pytest.raises(ExtractorError, match="user 1580000000000000202 not returned.*Could not find user"):
        list(User().records(client, context, []))


def test_tweets_without_created_at_or_id_are_skipped_and_counted(api, client, context):
    # GIVEN a page whose first tweet has no created_at and whose second has no id
    api.then("tweets_missing_fields")
    # WHEN the tweets stream runs
    records = list(Tweets().records(client, context, []))
    # THEN both are skipped, each counted, and the listing goes on to the third
    assert ids(records) == ["1846000000000000008"]
    assert client.findings.manifest() == {"skipped": {"tweet without created_at": 1, "tweet without id": 1}}


def test_hashtag_search_asks_nothing_for_a_brand_without_campaigns(api, client, context):
    # GIVEN no campaign hashtags WHEN the stream runs THEN no request is made
    assert list(HashtagSearch().records(client, context, [])) == []
    assert api.requests == []


def test_mentions_carry_their_author_when_x_sends_it(api, client, context):
    # GIVEN the mentions page (recorded without includes)
    api.then("mentions_page1")
    # WHEN the mentions stream runs
    records = list(Mentions().records(client, context, []))
    # THEN authors are asked for, and a tweet without an included author is landed exactly as received
    assert api.requests[0].url.params["expansions"] == "author_id"
    assert all("author" not in record for record, _ in records)


def test_rivals_are_looked_up_by_username_then_their_own_posts_read_to_the_window_start(api, client, context):
    # GIVEN two rivals: one X knows, one it answers with HTTP 200 and a Not Found error alone
    api.then("rival_user").then("rival_user_not_found").then("rival_tweets")
    rivals = dataclasses.replace(context, rivals=("summitgear", "@gone_brand"))
    # WHEN the rival streams run, the posts under the users read
    users = list(RivalUsers().records(client, rivals, []))
    tweets = list(RivalTweets().records(client, rivals, [record for record, _ in users]))
    # THEN the known rival lands under its username as configured, with public_metrics; the other is listed
    assert [(parent, record["public_metrics"]["followers_count"]) for record, parent in users] == [
        ("summitgear", 48210)]
    assert [error["id"] for error in client.findings.item_errors] == ["rival_users/gone_brand"]
    assert "Could not find user" in client.findings.item_errors[0]["error"]
    lookup = api.requests[0]
    assert lookup.url.path == "/2/users/by/username/summitgear"
    assert lookup.url.params["user.fields"] == "created_at,public_metrics"
    # AND its timeline is asked without retweets or replies from the window start, and stops at the window
    timeline = api.requests[2]
    assert timeline.url.path == "/2/users/1600000000000004242/tweets"
    assert timeline.url.params["exclude"] == "retweets,replies"
    assert timeline.url.params["start_time"] == "2026-10-14T00:00:00Z"
    assert [(record["id"], parent) for record, parent in tweets] == [
        ("1846100000000000031", "1600000000000004242"), ("1846100000000000022", "1600000000000004242")]
