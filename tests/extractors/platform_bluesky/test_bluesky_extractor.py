"""Bluesky extractor against recorded XRPC payloads: cursor paging, last pages, threads, limits, errors."""

from __future__ import annotations

import dataclasses
import time

import pytest

from extractors.base import AuthError
from extractors.bluesky import Posts, Profile, Replies, RivalPosts, RivalProfiles, Search

DID = "did:plc:z72i7hdynmk6r22z27h6tvur"


def rkeys(records):
    return [record["post"]["uri"].rsplit("/", 1)[1] for record, _ in records]


def test_profile_is_read_for_the_accounts_did(api, client, context):
    # GIVEN getProfile answers with the counts
    api.then("profile")
    # WHEN the profile stream runs
    ((record, parent),) = list(Profile().records(client, context, []))
    # THEN the profile is landed as received, asked for by DID with the session token
    assert parent is None and record["followersCount"] == 15230
    request = api.requests[0]
    assert request.url.path == "/xrpc/app.bsky.actor.getProfile"
    assert request.url.params["actor"] == DID
    assert request.headers["authorization"] == "Bearer secret-token"


def test_feed_follows_the_cursor_until_a_page_without_one_and_skips_reposts(api, client, context):
    # GIVEN a first page with a cursor (and a repost in it), then a page without a cursor
    api.then("feed_page1").then("feed_page2_last")
    # WHEN the posts stream runs
    records = list(Posts().records(client, context, []))
    # THEN the account's own posts of both pages are landed, the repost is not, and paging stops
    assert rkeys(records) == ["3m3xqj2abc22s", "3m3vt7kq4xy2d", "3m3pzz6ggsq2k"]
    first, second = api.requests
    assert "cursor" not in first.url.params
    assert second.url.params["cursor"] == "2026-10-18T12:30:00.000Z"
    assert first.url.params["filter"] == "posts_no_replies" and first.url.params["limit"] == "100"


def test_feed_stops_at_an_empty_page_even_if_it_carries_a_cursor(api, client, context):
    # GIVEN a cursor that leads to an empty feed that still carries a cursor
    api.then("feed_page1").then("feed_page2_empty_with_cursor")
    # WHEN the posts stream runs
    records = list(Posts().records(client, context, []))
    # THEN paging stops there rather than looping on the same cursor
    assert rkeys(records) == ["3m3xqj2abc22s", "3m3vt7kq4xy2d"]
    assert len(api.requests) == 2


def test_feed_stops_at_the_first_post_older_than_the_window(api, client, context):
    # GIVEN a page whose second post predates the window start, and a cursor
    api.then("feed_crossing_window")
    # WHEN the posts stream runs
    records = list(Posts().records(client, context, []))
    # THEN only the post inside the window is landed and the next page is not read
    assert rkeys(records) == ["3m3pzz6ggsq2k"]
    assert len(api.requests) == 1


def test_rate_limit_waits_until_ratelimit_reset_then_succeeds(api, client, context, sleeps):
    # GIVEN a 429 whose ratelimit-reset (epoch seconds) is 40 s away, then the page
    reset = int(time.time()) + 40
    api.then(
        "rate_limited",
        429,
        {
            "ratelimit-limit": "3000",
            "ratelimit-remaining": "0",
            "ratelimit-reset": str(reset),
            "ratelimit-policy": "3000;w=300",
        },
    )
    api.then("feed_page2_last")
    # WHEN the posts stream runs
    records = list(Posts().records(client, context, []))
    # THEN it slept until the reset, once, and landed the page
    assert len(sleeps) == 1 and 37 <= sleeps[0] <= 40
    assert rkeys(records) == ["3m3pzz6ggsq2k"] and len(api.requests) == 2


def test_upstream_failure_is_retried_then_succeeds(api, client, context, sleeps):
    # GIVEN a 502 UpstreamFailure from the app view, then the page
    api.then("upstream_failure", 502).then("feed_page2_last")
    # WHEN the posts stream runs
    records = list(Posts().records(client, context, []))
    # THEN it backed off once and landed the page
    assert rkeys(records) == ["3m3pzz6ggsq2k"]
    assert len(sleeps) == 1 and len(api.requests) == 2


def test_expired_token_is_an_auth_error_after_one_request(api, client, context, sleeps):
    # GIVEN XRPC's answer to an expired session: HTTP 400 with error ExpiredToken
    api.then("expired_token", 400)
    # WHEN the profile stream runs THEN AuthError names the connection, without the token, not retried
    with pytest.raises(AuthError) as error:
        list(Profile().records(client, context, []))
    assert "bluesky_northwind" in str(error.value) and "secret-token" not in str(error.value)
    assert len(api.requests) == 1 and sleeps == []


def test_posts_without_optional_fields_are_landed_as_received(api, client, context):
    # GIVEN a post view without counts, langs, facets, embed or labels
    api.then("feed_sparse")
    # WHEN the posts stream runs
    ((record, parent),) = list(Posts().records(client, context, []))
    # THEN it is landed unchanged: missing counts stay missing
    assert parent is None and "likeCount" not in record["post"] and "embed" not in record["post"]


def test_replies_flatten_the_thread_and_skip_blocked_and_deleted_entries(api, client, context):
    # GIVEN a post with replies (one answered by the brand) and a silent post
    api.then("feed_page1").then("feed_page2_last")
    posts = [record for record, _ in Posts().records(client, context, [])]
    api.requests.clear()
    api.then("thread").then("thread")
    # WHEN the replies stream runs under those posts
    records = list(Replies().records(client, context, posts))
    # THEN each reply at every depth is landed under its root post; posts with no reply are not asked
    root = f"at://{DID}/app.bsky.feed.post/3m3xqj2abc22s"
    assert [record["uri"].rsplit("/", 1)[1] for record, _ in records][:3] == [
        "3m3xqk7aaaa2a",
        "3m3xqmbbbbb2b",
        "3m3xqpccccc2c",
    ]
    third = f"at://{DID}/app.bsky.feed.post/3m3pzz6ggsq2k"
    assert [parent for _, parent in records] == [root] * 3 + [third] * 3
    # the second post has replyCount 0: its thread is not asked for
    assert [request.url.params["uri"] for request in api.requests] == [root, third]
    assert all(request.url.path == "/xrpc/app.bsky.feed.getPostThread" for request in api.requests)


def test_search_reads_mentions_then_each_campaign_hashtag_and_skips_the_brands_own_posts(api, client, context):
    # GIVEN two pages of posts mentioning the account (one of them the brand's own), then one hashtag page
    api.then("search_mentions_page1").then("search_last").then("search_last")
    tagged = dataclasses.replace(context, hashtags=("#NorthwindTrails",))
    # WHEN the search stream runs
    records = list(Search().records(client, tagged, []))
    # THEN others' posts land as received with what was searched as parent; the brand's own post is left out
    assert [(record["uri"].rsplit("/", 1)[1], searched) for record, searched in records] == [
        ("3m5xq2vhbxk2a", "@northwind.bsky.social"), ("3m5xk3d4f5g6h", "@northwind.bsky.social"),
        ("3m5xk3d4f5g6h", "#NorthwindTrails")]
    assert records[0][0]["likeCount"] == 96
    # AND the searches ask for the mentions of the handle, then the tag, newest first, since the window start
    first, second, third = api.requests
    assert first.url.path == "/xrpc/app.bsky.feed.searchPosts"
    assert first.url.params["mentions"] == "northwind.bsky.social" and "tag" not in first.url.params
    assert second.url.params["cursor"] == "25"
    assert third.url.params["tag"] == "NorthwindTrails" and "cursor" not in third.url.params
    assert {r.url.params["sort"] for r in api.requests} == {"latest"}
    assert first.url.params["since"] == "2026-10-14T00:00:00Z"


def test_a_post_without_created_at_or_a_post_view_is_skipped_and_counted(api, client, context):
    # GIVEN a feed page whose first post's record has no createdAt and whose second item has no post view
    api.then("feed_missing_fields")
    # WHEN the posts stream runs
    records = list(Posts().records(client, context, []))
    # THEN both are skipped, each counted, and the third lands
    assert [item["post"]["cid"] for item, _ in records] == ["bafyreisparse"]
    assert client.findings.manifest() == {"skipped": {"feed item without a post uri": 1,
                                                      "post without record.createdAt": 1}}


def test_rivals_profiles_then_their_own_posts_to_the_window_start(api, client, context):
    # GIVEN one rival named by handle: its profile, then its author feed crossing the window start
    api.then("rival_profile").then("feed_crossing_window")
    rivals = dataclasses.replace(context, rivals=("peakandpine.bsky.social",))
    # WHEN the rival streams run (the posts under the profiles read, as the run hands them over)
    profiles = list(RivalProfiles().records(client, rivals, []))
    posts = list(RivalPosts().records(client, rivals, [record for record, _ in profiles]))
    # THEN the profile lands as received under the rival as configured, the feed is asked by its DID
    assert [(parent, record["followersCount"]) for record, parent in profiles] == [("peakandpine.bsky.social", 6120)]
    assert api.requests[0].url.params["actor"] == "peakandpine.bsky.social"
    assert api.requests[1].url.params["actor"] == "did:plc:peakandpine4rivalxx2kq7a"
    assert api.requests[1].url.params["filter"] == "posts_no_replies"
    # AND its posts stop at the first one older than the window, each under the rival's DID
    assert posts and {parent for _, parent in posts} == {"did:plc:peakandpine4rivalxx2kq7a"}
    assert all(record["post"]["record"]["createdAt"] >= "2026-10-14" for record, _ in posts)


def test_a_rival_bluesky_does_not_know_is_recorded_and_the_stream_completes(api, client, context):
    # GIVEN getProfile refusing the rival (an unknown handle answers 400 InvalidRequest)
    api.then("profile_not_found", 400)
    rivals = dataclasses.replace(context, rivals=("gone.bsky.social",))
    # WHEN the profiles stream runs THEN nothing lands and the refusal is listed under item_errors
    assert list(RivalProfiles().records(client, rivals, [])) == []
    assert [error["id"] for error in client.findings.item_errors] == ["rival_profiles/gone.bsky.social"]
