"""Facebook Pages (Graph API): the page, its published posts, their insights and their comments."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import httpx

from extractors.base import ApiRefusal, Record, RunContext, Stream, parse_json, parse_time
from extractors.graph import GraphClient, InsightsReader

# Post insights. Meta retired post_impressions (Nov 2025) and post_impressions_unique (June 2025) for every
# version; their replacements are views and unique viewers. A retired metric fails the whole call with `The
# value must be a valid insights metric` (naming none): InsightsReader then asks each metric alone, drops the
# refused one and records it in the manifest.
FACEBOOK_POST_METRICS = ("post_media_view", "post_total_media_view_unique", "post_reactions_by_type_total")
POST_FIELDS = (
    "id,created_time,message,permalink_url,status_type,attachments{media_type,type,unshimmed_url,target},"
    "reactions.summary(total_count).limit(0),comments.summary(total_count).limit(0),shares"
)
# The Video node's fields read for a video post: live_status (LIVE, LIVE_STOPPED, VOD...) is set only on a video
# that was broadcast live.
VIDEO_FIELDS = "id,live_status"
VIDEOS_PER_CALL = 50  # ids a `?ids=` read takes
COMMENT_FIELDS = "id,message,created_time,from{id,name},parent{id},like_count,comment_count"


class FacebookClient(GraphClient):
    platform = "facebook"

    @staticmethod
    def _error(response: httpx.Response) -> dict:
        # A 5xx from a proxy in front of Graph may carry `{"error": "<text>"}`: not a Graph error object.
        error = GraphClient._error(response)
        return error if isinstance(error, dict) else {}


def created(record: dict) -> dt.datetime | None:
    return parse_time(record.get("created_time"))


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
                if not record.get("id"):
                    client.skip("post without id")
                    continue
                when = created(record)
                if when is None:
                    client.skip("post without created_time")  # no time: in no window, no mart; counted
                    continue
                if when < context.window_start_utc:
                    return
                yield record, None


class PostInsights(Stream[FacebookClient]):
    name = "post_insights"

    def records(self, client: FacebookClient, context: RunContext, parents: list[dict]) -> Iterator[Record]:
        reader = InsightsReader(client)
        for post in parents:
            if not post.get("id"):
                continue  # the posts stream skipped and counted it
            try:
                data = reader.read(post["id"], "post", FACEBOOK_POST_METRICS)
            except ApiRefusal as error:
                reader.failed(post["id"], error)  # one post refused (a reel has no insights edge): skipped
                continue
            for item in data:
                yield item, post["id"]


class Comments(Stream[FacebookClient]):
    """Comments and replies in one flat list (`filter=stream`), each reply naming its `parent`."""

    name = "comments"

    def records(self, client: FacebookClient, context: RunContext, parents: list[dict]) -> Iterator[Record]:
        params = {"fields": COMMENT_FIELDS, "filter": "stream", "order": "chronological", "limit": 100}
        for post in parents:
            if not post.get("id") or not ((post.get("comments") or {}).get("summary") or {}).get("total_count"):
                continue  # no top-level comment means no reply either
            for page in client.pages(client.path(post["id"], "comments"), params):
                for record in page.get("data", []):
                    yield record, post["id"]


class Videos(Stream[FacebookClient]):
    """The Video node of each video post (its attachment's `target`), for `live_status`: the Post object carries no
    live marker, the Video does (set only on a live broadcast). Read by id, VIDEOS_PER_CALL ids a call (`?ids=`)."""

    name = "videos"

    def records(self, client: FacebookClient, context: RunContext, parents: list[dict]) -> Iterator[Record]:
        posts_of: dict[str, str] = {}  # video id -> the post it is attached to
        for post in parents:
            for attachment in ((post.get("attachments") or {}).get("data") or []):
                video = (attachment.get("target") or {}).get("id")
                if post.get("id") and attachment.get("media_type") == "video" and video:
                    posts_of.setdefault(str(video), post["id"])
        ids = list(posts_of)
        for start in range(0, len(ids), VIDEOS_PER_CALL):
            chunk = ids[start:start + VIDEOS_PER_CALL]
            try:
                body = parse_json(client.get(client.path(""), {"ids": ",".join(chunk), "fields": VIDEO_FIELDS}))
            except ApiRefusal as error:
                for video in chunk:
                    client.item_error(video, error)  # the videos stay `video`: recorded, the night goes on
                continue
            for video in chunk:
                if isinstance(body.get(video), dict):
                    yield body[video], posts_of[video]


class Stories(Stream[FacebookClient]):
    """The Page's live stories (`GET /{page-id}/stories`, status PUBLISHED): post_id, creation_time, media_type,
    media_id and url. Archived ones come back only where the Page keeps a story archive, so the intra-day capture
    reads them while they live. Meta documents no story insight metric for Pages: none is read (DECISIONLOG)."""

    name = "stories"
    FIELDS = "post_id,status,creation_time,media_type,media_id,url"

    def records(self, client: FacebookClient, context: RunContext, parents: list[dict]) -> Iterator[Record]:
        url = client.path(client.account.account_id, "stories")
        for page in client.pages(url, {"fields": self.FIELDS, "status": "PUBLISHED", "limit": 100}):
            for record in page.get("data", []):
                if not record.get("post_id"):
                    client.skip("story without post_id")
                    continue
                yield record, None


STREAMS: tuple[type[Stream[FacebookClient]], ...] = (Page, Posts, PostInsights, Comments, Videos)
# Read by the intra-day capture only (core.catalog: intraday).
CAPTURE_STREAMS: tuple[type[Stream[FacebookClient]], ...] = (Stories,)
CLIENT: type[FacebookClient] = FacebookClient
