"""LinkedIn Community Management API extractor against recorded payloads: version headers, start/count paging
and each kind of last page, the window, Rest.li lists, comments and replies, rate limits, errors, sparse fields."""

from __future__ import annotations

from urllib.parse import unquote

import pytest

from extractors.base import AuthError, ExtractorError, QuotaExhausted
from extractors.linkedin import LINKEDIN_VERSION, Comments, FollowerStatistics, Posts, ShareStatistics

ORG = "urn:li:organization:81234202"
SHARE, UGC_POST, OTHER_SHARE = ("urn:li:share:7251000000000000003", "urn:li:ugcPost:7250000000000000002",
                                "urn:li:share:7249000000000000001")


def ids(records):
    return [record["id"] for record, _ in records]


def test_follower_statistics_are_lifetime_counts_asked_with_the_pinned_version(api, client, context):
    # GIVEN the organization's lifetime follower statistics, and its follower count (networkSizes)
    api.then("follower_statistics").then("network_size")
    # WHEN the follower statistics stream runs
    ((record, parent),) = list(FollowerStatistics().records(client, context, []))
    # THEN the element is landed as received, asked for by organization URN with the version headers
    assert parent == "81234202" and record["organizationalEntity"] == ORG
    assert sum(item["followerCounts"]["organicFollowerCount"] for item in record["followerCountsByGeoCountry"]) == 23775
    request = api.requests[0]
    assert request.url.path == "/rest/organizationalEntityFollowerStatistics"
    assert request.url.params["q"] == "organizationalEntity" and request.url.params["organizationalEntity"] == ORG
    assert "timeIntervals" not in request.url.params
    assert request.headers["linkedin-version"] == LINKEDIN_VERSION and len(LINKEDIN_VERSION) == 6
    assert request.headers["x-restli-protocol-version"] == "2.0.0"
    assert request.headers["authorization"] == "Bearer secret-token"


def test_the_follower_total_is_read_from_network_sizes(api, client, context):
    # GIVEN lifetime statistics whose facets list their top 100 values only, each organicFollowerCount already
    # counting the paid followers; and networkSizes, the organization's follower total
    api.then("follower_statistics").then("network_size")
    # WHEN the follower statistics stream runs
    ((record, _),) = list(FollowerStatistics().records(client, context, []))
    # THEN networkSizes is asked for the organization's COMPANY_FOLLOWED_BY_MEMBER edge, and its answer lands,
    # as received, with the element: the total is firstDegreeSize, not a sum of a facet
    size = api.requests[1]
    assert size.url.raw_path.startswith(b"/rest/networkSizes/urn%3Ali%3Aorganization%3A81234202?")
    assert size.url.params["edgeType"] == "COMPANY_FOLLOWED_BY_MEMBER"
    assert size.headers["linkedin-version"] == LINKEDIN_VERSION
    assert record["networkSize"] == {"firstDegreeSize": 24310}
    assert {key for key in record if key.startswith("followerCounts")} == {
        "followerCountsByAssociationType", "followerCountsByGeoCountry", "followerCountsBySeniority"}


def test_network_sizes_refused_still_lands_the_statistics_and_is_recorded(api, client, context):
    # GIVEN the statistics, then networkSizes refused (403: the token's member lacks the permission)
    api.then("follower_statistics").then("network_size_forbidden", 403)
    # WHEN the follower statistics stream runs
    ((record, _),) = list(FollowerStatistics().records(client, context, []))
    # THEN the element lands without a total (staging then reads the largest facet), and the refusal is recorded
    assert "networkSize" not in record and record["organizationalEntity"] == ORG
    (error,) = client.findings.manifest()["item_errors"]
    assert error["id"] == f"networkSizes {ORG}" and "ACCESS_DENIED" in error["error"]


def test_posts_without_their_time_or_id_are_skipped_and_counted(api, client, context):
    # GIVEN a page whose first post has neither publishedAt nor createdAt and whose second has no id
    api.then("posts_missing_fields")
    # WHEN the posts stream runs
    records = list(Posts().records(client, context, []))
    # THEN both are skipped, each counted, and the listing goes on to the third
    assert ids(records) == [OTHER_SHARE]
    assert client.findings.manifest() == {"skipped": {"post without id": 1, "post without publishedAt or createdAt": 1}}


def test_posts_page_by_start_until_start_plus_count_reaches_total(api, client, context):
    # GIVEN two pages of posts: total 102, 100 a page
    api.then("posts_page1").then("posts_page2_last")
    # WHEN the posts stream runs
    records = list(Posts().records(client, context, []))
    # THEN both pages are landed and paging stops after the second
    assert ids(records) == [SHARE, UGC_POST, OTHER_SHARE]
    first, second = api.requests
    assert first.url.params["author"] == ORG and first.url.params["q"] == "author"
    assert b"author=urn%3Ali%3Aorganization%3A81234202" in first.url.query
    assert (first.url.params["start"], first.url.params["count"]) == ("0", "100")
    assert second.url.params["start"] == "100"


@pytest.mark.parametrize("payload", ["posts_empty", "posts_short_without_total"])
def test_an_empty_page_or_a_short_one_without_total_is_the_last(api, client, context, payload):
    # GIVEN a first page that is also the last: no elements, or fewer than asked for and no `total`
    api.then(payload)
    # WHEN the posts stream runs THEN one request is made
    list(Posts().records(client, context, []))
    assert len(api.requests) == 1


def test_posts_stop_at_the_first_one_older_than_the_window(api, client, context):
    # GIVEN a page whose second post predates the window start, and more pages behind it
    api.then("posts_crossing_window")
    # WHEN the posts stream runs THEN only the post inside the window is landed and no next page is read
    assert ids(list(Posts().records(client, context, []))) == [OTHER_SHARE] and len(api.requests) == 1


def test_a_post_without_optional_fields_is_landed_as_received(api, client, context):
    # GIVEN a text post (no `content`) without `publishedAt`
    api.then("posts_sparse")
    # WHEN the posts stream runs THEN it is landed unchanged, dated by createdAt for the window
    ((record, _),) = list(Posts().records(client, context, []))
    assert "content" not in record and "publishedAt" not in record


def test_share_statistics_ask_shares_and_ugc_posts_in_restli_lists(api, client, context):
    # GIVEN two shares and one ugcPost in the window
    api.then("share_statistics").then("share_statistics_ugc")
    posts = [{"id": SHARE}, {"id": UGC_POST}, {"id": OTHER_SHARE}]
    # WHEN the share statistics stream runs
    records = list(ShareStatistics().records(client, context, posts))
    # THEN one call per kind, each a List() of encoded URNs, and each element is keyed by its post's URN
    shares, ugc_posts = (request.url.query.decode() for request in api.requests)
    assert "shares=List(urn%3Ali%3Ashare%3A7251000000000000003,urn%3Ali%3Ashare%3A7249000000000000001)" in shares
    assert "ugcPosts=List(urn%3Ali%3AugcPost%3A7250000000000000002)" in ugc_posts
    assert f"organizationalEntity={ORG}" in unquote(shares)
    assert [(record["post_urn"], parent) for record, parent in records] == [
        (SHARE, SHARE), (OTHER_SHARE, OTHER_SHARE), (UGC_POST, UGC_POST)]
    assert records[0][0]["totalShareStatistics"]["uniqueImpressionsCount"] == 1840


def test_share_statistics_without_optional_counts_are_not_zero_filled(api, client, context):
    # GIVEN statistics without uniqueImpressionsCount and clickCount
    api.then("share_statistics_sparse")
    # WHEN the stream runs THEN the missing counts stay missing
    ((record, _),) = list(ShareStatistics().records(client, context, [{"id": SHARE}]))
    assert "uniqueImpressionsCount" not in record["totalShareStatistics"]
    assert "clickCount" not in record["totalShareStatistics"]


def test_comments_page_to_the_end_then_read_the_replies_of_comments_that_have_some(api, client, context):
    # GIVEN a post with comments over two pages, one comment with a reply, and a post without comments
    api.then("comments_page1").then("replies").then("comments_page2_last")
    statistics = [{"share": SHARE, "totalShareStatistics": {"commentCount": 7}},
                  {"share": OTHER_SHARE, "totalShareStatistics": {"commentCount": 0}}]
    # WHEN the comments stream runs
    records = list(Comments().records(client, context, statistics))
    # THEN comments and the reply are landed under the post, the reply after its comment, the quiet post unread
    assert ids(records) == ["7251100000000000011", "7251100000000000021", "7251100000000000012",
                            "7251100000000000013"]
    assert {parent for _, parent in records} == {SHARE}
    assert records[1][0]["parentComment"] == records[0][0]["commentUrn"]
    comments, replies, second = api.requests
    assert comments.url.raw_path.startswith(b"/rest/socialActions/urn%3Ali%3Ashare%3A7251000000000000003/comments")
    assert unquote(replies.url.raw_path.decode()).startswith(
        "/rest/socialActions/urn:li:comment:(urn:li:share:7251000000000000003,7251100000000000011)/comments")
    assert second.url.params["start"] == "100"


def test_rate_limit_without_retry_after_waits_a_minute_then_succeeds(api, client, context, sleeps):
    # GIVEN a 429 with no Retry-After (LinkedIn sends none), then the page
    api.then("too_many_requests", 429).then("posts_page2_last")
    # WHEN the posts stream runs THEN it waited a minute once and landed the page
    assert ids(list(Posts().records(client, context, []))) == [OTHER_SHARE]
    assert sleeps == [60.0] and client.stats.retries == 1


def test_rate_limit_with_retry_after_waits_that_long_then_succeeds(api, client, context, sleeps):
    # GIVEN a 429 with Retry-After: 12, then the statistics
    api.then("too_many_requests", 429, {"retry-after": "12"}).then("follower_statistics").then("network_size")
    # WHEN the follower statistics stream runs THEN it slept 12 s once and landed the element
    assert len(list(FollowerStatistics().records(client, context, []))) == 1
    assert sleeps == [12.0] and len(api.requests) == 3


def test_the_daily_throttle_stops_at_once_without_waiting(api, client, context, sleeps):
    # GIVEN a 429 naming the DAY limit: it resets at midnight UTC
    api.then("daily_limit", 429)
    # WHEN the posts stream runs THEN it stops cleanly as quota exhausted after one request
    with pytest.raises(QuotaExhausted):
        list(Posts().records(client, context, []))
    assert sleeps == [] and len(api.requests) == 1


def test_server_error_is_retried_then_succeeds(api, client, context, sleeps):
    # GIVEN a 500 then the statistics
    api.then("server_error", 500).then("follower_statistics").then("network_size")
    # WHEN the stream runs THEN it backed off once and landed the element
    assert len(list(FollowerStatistics().records(client, context, []))) == 1
    assert len(sleeps) == 1 and len(api.requests) == 3


def test_expired_token_raises_auth_error_after_one_request(api, client, context, sleeps):
    # GIVEN a 401 INVALID_ACCESS_TOKEN
    api.then("unauthorized", 401)
    # WHEN the posts stream runs THEN AuthError names the connection, not the token, and nothing is retried
    with pytest.raises(AuthError) as error:
        list(Posts().records(client, context, []))
    assert "linkedin_northwind" in str(error.value) and "secret-token" not in str(error.value)
    assert len(api.requests) == 1 and sleeps == []


def test_a_sunset_version_fails_without_retrying(api, client, context, sleeps):
    # GIVEN a 426: the pinned version has been sunset
    api.then("version_sunset", 426)
    # WHEN the stream runs THEN it fails at once, saying so
    with pytest.raises(ExtractorError, match="426"):
        list(FollowerStatistics().records(client, context, []))
    assert len(api.requests) == 1 and sleeps == []
