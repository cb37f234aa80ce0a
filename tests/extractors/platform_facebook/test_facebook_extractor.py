"""Facebook Pages extractor against recorded Graph payloads: paging, last pages, insights, limits, errors."""

from __future__ import annotations

import json

import pytest

from extractors.base import AuthError
from extractors.facebook import Comments, Page, PostInsights, Posts

PAGE = "104000000000202"


def ids(records):
    return [record["id"] for record, _ in records]


def test_page_is_read_with_followers_and_the_token_as_a_parameter(api, client, context):
    # GIVEN the page node answers with its counts
    api.then("page")
    # WHEN the page stream runs
    ((record, parent),) = list(Page().records(client, context, []))
    # THEN the page is landed as received; Graph takes the token as access_token, on the pinned version
    assert parent is None and record["followers_count"] == 48210
    request = api.requests[0]
    assert request.url.path == f"/v23.0/{PAGE}"
    assert request.url.params["access_token"] == "secret-token"
    assert "followers_count" in request.url.params["fields"]


def test_posts_follow_paging_next_until_a_page_without_it(api, client, context):
    # GIVEN a first page with paging.next (carrying a recorded token) and a last page with cursors only
    api.then("posts_page1").then("posts_page2_last")
    # WHEN the posts stream runs
    records = list(Posts().records(client, context, []))
    # THEN every post of both pages is landed, and the next link is followed with this client's token
    assert ids(records) == [
        f"{PAGE}_1220000000000003",
        f"{PAGE}_1220000000000002",
        f"{PAGE}_1220000000000001",
    ]
    first, second = api.requests
    assert first.url.path == f"/v23.0/{PAGE}/published_posts"
    assert first.url.params["since"] == str(int(context.window_start_utc.timestamp()))
    for field in ("reactions.summary(total_count)", "comments.summary(total_count)", "shares"):
        assert field in first.url.params["fields"]
    assert second.url.params["after"] == "QVFIUmFyZAGZAhNHN3"
    assert second.url.params["access_token"] == "secret-token"


def test_posts_stop_at_an_empty_data_page(api, client, context):
    # GIVEN paging.next that leads to `{"data": []}`, the Graph API's other kind of last page
    api.then("posts_page1").then("posts_page2_empty")
    # WHEN the posts stream runs
    records = list(Posts().records(client, context, []))
    # THEN the first page is landed and nothing more is asked
    assert len(records) == 2 and len(api.requests) == 2


def test_posts_stop_at_the_first_post_older_than_the_window(api, client, context):
    # GIVEN a page whose second post predates the window, and a next link
    api.then("posts_crossing_window")
    # WHEN the posts stream runs
    records = list(Posts().records(client, context, []))
    # THEN only the post inside the window is landed and the next page is not read
    assert ids(records) == [f"{PAGE}_1220000000000001"] and len(api.requests) == 1


def test_posts_without_optional_fields_are_landed_as_received(api, client, context):
    # GIVEN a post without message, shares (nobody shared), attachments or permalink
    api.then("posts_sparse")
    # WHEN the posts stream runs
    ((record, _),) = list(Posts().records(client, context, []))
    # THEN it is landed unchanged: shares stays missing rather than zero
    assert "shares" not in record and "message" not in record and "attachments" not in record


def test_post_insights_ask_the_pinned_versions_metrics_per_post(api, client, context):
    # GIVEN one post and its insights
    api.then("post_insights")
    parents = [{"id": f"{PAGE}_1220000000000003"}]
    # WHEN the insights stream runs
    records = list(PostInsights().records(client, context, parents))
    # THEN each metric is a record under its post; no retired impressions metric is asked
    assert [(record["name"], parent) for record, parent in records] == [
        ("post_media_view", f"{PAGE}_1220000000000003"),
        ("post_total_media_view_unique", f"{PAGE}_1220000000000003"),
        ("post_reactions_by_type_total", f"{PAGE}_1220000000000003"),
    ]
    asked = api.requests[0].url.params["metric"].split(",")
    assert "post_impressions" not in asked and "post_impressions_unique" not in asked


def test_a_refused_metric_the_error_does_not_name_is_found_one_by_one_and_dropped(api, client, context):
    # GIVEN post insights refusing the list with Meta's "(#100) The value must be a valid insights metric", which
    # names no metric (post_reactions_by_type_total has been retired), for two posts
    api.then("metric_invalid", 400)
    api.then("post_insights_views").then("post_insights_viewers").then("metric_invalid", 400)
    api.then("post_insights_views_viewers")
    parents = [{"id": f"{PAGE}_1220000000000003"}, {"id": f"{PAGE}_1220000000000004"}]
    # WHEN the insights stream runs
    records = list(PostInsights().records(client, context, parents))
    # THEN each metric was asked alone once to find the refused one, which is dropped for the rest of the stream
    asked = [request.url.params["metric"] for request in api.requests]
    assert asked == ["post_media_view,post_total_media_view_unique,post_reactions_by_type_total",
                     "post_media_view", "post_total_media_view_unique", "post_reactions_by_type_total",
                     "post_media_view,post_total_media_view_unique"]
    # AND the other metrics of both posts land; the manifest records the dropped metric with Meta's error
    assert [(record["name"], parent[-1]) for record, parent in records] == [
        ("post_media_view", "3"), ("post_total_media_view_unique", "3"),
        ("post_media_view", "4"), ("post_total_media_view_unique", "4")]
    (dropped,) = client.findings.manifest()["dropped_metrics"]
    assert dropped["metric"] == "post_reactions_by_type_total" and "valid insights metric" in dropped["error"]


def test_one_posts_insights_refused_is_skipped_and_recorded(api, client, context):
    # GIVEN two posts, the first one refusing its insights as a whole (a node with no insights edge)
    api.then("node_without_insights", 400).then("post_insights")
    parents = [{"id": f"{PAGE}_1220000000000005"}, {"id": f"{PAGE}_1220000000000003"}]
    # WHEN the insights stream runs
    records = list(PostInsights().records(client, context, parents))
    # THEN the second post's insights land, and the first is recorded with its error, not retried
    assert {parent for _, parent in records} == {f"{PAGE}_1220000000000003"} and len(api.requests) == 2
    findings = client.findings.manifest()
    assert findings["item_error_count"] == 1 and findings["item_errors"][0]["id"] == f"{PAGE}_1220000000000005"
    assert "nonexisting field (insights)" in findings["item_errors"][0]["error"]


def test_posts_without_created_time_or_id_are_skipped_and_counted(api, client, context):
    # GIVEN a page whose first post has no created_time and whose second has no id
    api.then("posts_missing_fields")
    # WHEN the posts stream runs
    records = list(Posts().records(client, context, []))
    # THEN both are skipped, each counted; the third (in the window) lands
    assert [record["id"] for record, _ in records] == [f"{PAGE}_1220000000000004"]
    assert client.findings.manifest() == {"skipped": {"post without created_time": 1, "post without id": 1}}


def test_comments_read_the_flat_stream_only_for_posts_with_comments(api, client, context):
    # GIVEN a post with comments (two pages, a reply on the first) and one with none
    api.then("posts_page1").then("posts_page2_empty")
    parents = [record for record, _ in Posts().records(client, context, [])]
    api.requests.clear()
    api.then("comments_page1").then("comments_page2_last")
    # WHEN the comments stream runs
    records = list(Comments().records(client, context, parents))
    # THEN all comments and replies are landed under their post; the silent post is not asked
    assert ids(records) == [
        "1220000000000003_1790001",
        "1220000000000003_1790002",
        "1220000000000003_1790003",
    ]
    assert {parent for _, parent in records} == {f"{PAGE}_1220000000000003"}
    assert records[1][0]["parent"]["id"] == "1220000000000003_1790001"
    assert "from" not in records[2][0]  # `from` is optional: withheld for some users
    assert len(api.requests) == 2
    assert api.requests[0].url.params["filter"] == "stream"


def test_page_rate_limit_waits_the_business_use_case_estimate_then_succeeds(api, client, context, sleeps):
    # GIVEN error code 32 with X-Business-Use-Case-Usage saying access returns in 3 minutes, then the page
    usage = {
        PAGE: [
            {
                "type": "pages",
                "call_count": 100,
                "total_cputime": 20,
                "total_time": 40,
                "estimated_time_to_regain_access": 3,
            }
        ]
    }
    api.then("rate_limited", 400, {"x-business-use-case-usage": json.dumps(usage)})
    api.then("page")
    # WHEN the page stream runs
    records = list(Page().records(client, context, []))
    # THEN it waited the estimate, once, and landed the page
    assert sleeps == [180.0] and len(records) == 1 and len(api.requests) == 2


def test_transient_server_error_is_retried_then_succeeds(api, client, context, sleeps):
    # GIVEN a 500 with Graph's is_transient error, then the page
    api.then("transient_error", 500).then("page")
    # WHEN the page stream runs
    records = list(Page().records(client, context, []))
    # THEN it backed off once and landed the page
    assert len(records) == 1 and len(sleeps) == 1 and len(api.requests) == 2


def test_expired_token_is_an_auth_error_after_one_request(api, client, context, sleeps):
    # GIVEN Graph's expired-session answer: HTTP 400, code 190, subcode 463
    api.then("expired_token", 400)
    # WHEN the page stream runs THEN AuthError names the connection, without the token, not retried
    with pytest.raises(AuthError) as error:
        list(Page().records(client, context, []))
    assert "facebook_northwind" in str(error.value) and "secret-token" not in str(error.value)
    assert len(api.requests) == 1 and sleeps == []
