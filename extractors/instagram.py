"""Instagram Graph API: user, user insights, media, media insights and comments of a professional account,
and the media by others that tag or @mention it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from extractors.base import Record, RunContext, Stream, parse_json
from extractors.graph import INSTAGRAM_MEDIA_METRICS, GraphClient


class InstagramClient(GraphClient):
    platform = "instagram"


def published(record: dict) -> dt.datetime:
    return dt.datetime.strptime(record["timestamp"], "%Y-%m-%dT%H:%M:%S%z")


class User(Stream[InstagramClient]):
    name = "user"

    def records(self, client: InstagramClient, context: RunContext, parents: list[dict]) -> Iterator[Record]:
        fields = "id,username,followers_count,follows_count,media_count"
        yield parse_json(client.get(client.path(client.account.account_id), {"fields": fields})), None


class UserInsights(Stream[InstagramClient]):
    name = "user_insights"

    def records(self, client: InstagramClient, context: RunContext, parents: list[dict]) -> Iterator[Record]:
        since = dt.datetime.combine(context.snapshot_date, dt.time(), tzinfo=dt.UTC)
        params = {"metric": "reach", "period": "day", "since": int(since.timestamp()),
                  "until": int((since + dt.timedelta(days=1)).timestamp())}
        body = parse_json(client.get(client.path(client.account.account_id, "insights"), params))
        for item in body.get("data", []):
            yield item, client.account.account_id


class Media(Stream[InstagramClient]):
    name = "media"

    def records(self, client: InstagramClient, context: RunContext, parents: list[dict]) -> Iterator[Record]:
        fields = ("id,caption,media_type,media_product_type,permalink,timestamp,username,"
                  "like_count,comments_count")
        url = client.path(client.account.account_id, "media")
        # Newest first: once a page reaches posts older than the window, the rest are settled.
        for page in client.pages(url, {"fields": fields, "limit": 50}):
            for record in page.get("data", []):
                if published(record) < context.window_start_utc:
                    return
                yield record, None


class MediaInsights(Stream[InstagramClient]):
    name = "media_insights"

    def records(self, client: InstagramClient, context: RunContext, parents: list[dict]) -> Iterator[Record]:
        metrics = ",".join(INSTAGRAM_MEDIA_METRICS[client.version])
        for media in parents:
            body = parse_json(client.get(client.path(media["id"], "insights"), {"metric": metrics}))
            for item in body.get("data", []):
                yield item, media["id"]


class Comments(Stream[InstagramClient]):
    name = "comments"

    def records(self, client: InstagramClient, context: RunContext, parents: list[dict]) -> Iterator[Record]:
        fields = "id,text,timestamp,username,like_count,replies{id,text,timestamp,username,like_count}"
        for media in parents:
            if not media.get("comments_count"):
                continue  # saves a call per silent post; the count is exact
            for page in client.pages(client.path(media["id"], "comments"), {"fields": fields, "limit": 50}):
                for record in page.get("data", []):
                    yield record, media["id"]


class Tags(Stream[InstagramClient]):
    """Media by others in which the account is tagged or @mentioned, since the window start (newest
    first). Instagram's hashtag search is not read: it gives no author and only a day of media."""

    name = "tags"

    def records(self, client: InstagramClient, context: RunContext, parents: list[dict]) -> Iterator[Record]:
        fields = "id,caption,media_type,permalink,timestamp,username,like_count,comments_count"
        for page in client.pages(client.path(client.account.account_id, "tags"), {"fields": fields, "limit": 50}):
            for record in page.get("data", []):
                if published(record) < context.window_start_utc:
                    return
                yield record, None


STREAMS: tuple[type[Stream[InstagramClient]], ...] = (User, UserInsights, Media, MediaInsights, Comments, Tags)
CLIENT: type[InstagramClient] = InstagramClient
