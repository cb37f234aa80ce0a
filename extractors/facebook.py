"""Facebook Pages (Graph API): the page, its published posts, their insights and their comments."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import httpx

from extractors.base import Record, RunContext, Stream, parse_json
from extractors.graph import GraphClient

# Post insights per Graph version. Meta retired post_impressions (Nov 2025) and post_impressions_unique
# (June 2025) for every version; their replacements are views and unique viewers. A retired metric fails
# the whole call, so the list follows the pinned version in graph.py.
FACEBOOK_POST_METRICS = {
    "v23.0": ("post_media_view", "post_total_media_view_unique", "post_reactions_by_type_total"),
}
POST_FIELDS = (
    "id,created_time,message,permalink_url,status_type,attachments{media_type,type,unshimmed_url},"
    "reactions.summary(total_count).limit(0),comments.summary(total_count).limit(0),shares"
)
COMMENT_FIELDS = "id,message,created_time,from{id,name},parent{id},like_count,comment_count"


class FacebookClient(GraphClient):
    platform = "facebook"

    @staticmethod
    def _error(response: httpx.Response) -> dict:
        # A 5xx from a proxy in front of Graph may carry `{"error": "<text>"}`: not a Graph error object.
        error = GraphClient._error(response)
        return error if isinstance(error, dict) else {}


def created(record: dict) -> dt.datetime:
    return dt.datetime.strptime(record["created_time"], "%Y-%m-%dT%H:%M:%S%z")


class Page(Stream[FacebookClient]):
    name = "page"

    def records(self, client: FacebookClient, context: RunContext, parents: list[dict]) -> Iterator[Record]:
        fields = "id,name,username,link,followers_count,fan_count"
        yield parse_json(client.get(client.path(client.account.account_id), {"fields": fields})), None


class Posts(Stream[FacebookClient]):
    name = "posts"

    def records(self, client: FacebookClient, context: RunContext, parents: list[dict]) -> Iterator[Record]:
        params = {"fields": POST_FIELDS, "limit": 50, "since": int(context.window_start_utc.timestamp())}
        # Newest first: once a page reaches posts older than the window, the rest are settled.
        for page in client.pages(client.path(client.account.account_id, "published_posts"), params):
            for record in page.get("data", []):
                if created(record) < context.window_start_utc:
                    return
                yield record, None


class PostInsights(Stream[FacebookClient]):
    name = "post_insights"

    def records(self, client: FacebookClient, context: RunContext, parents: list[dict]) -> Iterator[Record]:
        metrics = ",".join(FACEBOOK_POST_METRICS[client.version])
        for post in parents:
            body = parse_json(client.get(client.path(post["id"], "insights"), {"metric": metrics}))
            for item in body.get("data", []):
                yield item, post["id"]


class Comments(Stream[FacebookClient]):
    """Comments and replies in one flat list (`filter=stream`), each reply naming its `parent`."""

    name = "comments"

    def records(self, client: FacebookClient, context: RunContext, parents: list[dict]) -> Iterator[Record]:
        params = {"fields": COMMENT_FIELDS, "filter": "stream", "order": "chronological", "limit": 100}
        for post in parents:
            if not ((post.get("comments") or {}).get("summary") or {}).get("total_count"):
                continue  # no top-level comment means no reply either
            for page in client.pages(client.path(post["id"], "comments"), params):
                for record in page.get("data", []):
                    yield record, post["id"]


STREAMS: tuple[type[Stream[FacebookClient]], ...] = (Page, Posts, PostInsights, Comments)
CLIENT: type[FacebookClient] = FacebookClient
