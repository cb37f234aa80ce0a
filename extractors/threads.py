"""Meta's Threads API (graph.threads.net, v1.0): the profile's threads (posts), each thread's lifetime insights
and its conversation (every reply at any depth, with its author's username), and the profile's insights of the
logical date.

The API is Graph-shaped (the access token as a query parameter, `data` and `paging.next` listings, Graph error
bodies with code 190 for a refused token), so the client is a GraphClient on its own host and version."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from extractors.base import ApiRefusal, Record, RunContext, Stream, parse_time
from extractors.graph import GraphClient, InsightsReader

THREADS_API_VERSION = "v1.0"
# The media insights the Threads Insights API documents (views and shares are marked "in development");
# lifetime values. A metric it refuses is dropped for the stream and recorded (InsightsReader).
MEDIA_METRICS = ("views", "likes", "replies", "reposts", "quotes", "shares")
# The profile's insights: views (of the profile, not of its posts) as a daily time series; the others as totals
# over since..until; followers_count is the current total whatever the range.
USER_METRICS = ("views", "likes", "replies", "reposts", "quotes", "followers_count")
THREAD_FIELDS = ("id,media_product_type,media_type,permalink,text,timestamp,shortcode,is_quote_post,username,"
                 "link_attachment_url")
REPLY_FIELDS = "id,text,username,timestamp,replied_to,root_post,is_reply,hide_status,media_type,permalink"


class ThreadsClient(GraphClient):
    """A long-lived Threads user access token (60 days) held by the connection and used as stored. Meta
    refreshes one for another 60 days at GET /refresh_access_token?grant_type=th_refresh_token once it is a
    day old (README, Platforms, Threads); an expired one cannot be refreshed, and the API answers code 190."""

    platform = "threads"
    default_base_url = "https://graph.threads.net"
    version = THREADS_API_VERSION
    renew_hint = ("Refresh the long-lived Threads token before its 60 days end (GET https://graph.threads.net/"
                  "refresh_access_token?grant_type=th_refresh_token&access_token=...) and store the new one; once "
                  "expired, log in again (scopes threads_basic, threads_manage_insights, threads_read_replies) "
                  "and exchange the short-lived token (grant_type=th_exchange_token)")


def published(record: dict) -> dt.datetime | None:
    return parse_time(record.get("timestamp"))


def _unix(moment: dt.datetime) -> int:
    return int(moment.timestamp())


class Threads(Stream[ThreadsClient]):
    """The profile's threads published since the window start, newest first. A repost of another's thread
    (media_type REPOST_FACADE) is not the brand's post and has no insights: it is skipped and counted."""

    name = "threads"

    def records(self, client: ThreadsClient, context: RunContext, parents: list[dict]) -> Iterator[Record]:
        params = {"fields": THREAD_FIELDS, "limit": 100, "since": _unix(context.window_start_utc),
                  "until": _unix(context.snapshot_end_utc)}
        for page in client.pages(client.path(client.account.account_id, "threads"), params):
            for record in page.get("data", []):
                when = published(record)
                if not record.get("id"):
                    client.skip("thread without id")
                elif when is None:
                    client.skip("thread without timestamp")
                elif record.get("media_type") == "REPOST_FACADE":
                    client.skip("repost of another profile's thread")
                elif when < context.window_start_utc:
                    return  # newest first: the rest are older still
                else:
                    yield record, None


class MediaInsights(Stream[ThreadsClient]):
    name = "media_insights"

    def records(self, client: ThreadsClient, context: RunContext, parents: list[dict]) -> Iterator[Record]:
        reader = InsightsReader(client)
        for thread in parents:
            try:
                data = reader.read(thread["id"], "thread", MEDIA_METRICS)
            except ApiRefusal as error:
                reader.failed(thread["id"], error)
                continue
            for item in data:
                yield item, thread["id"]


class Replies(Stream[ThreadsClient]):
    """Every reply in each thread's conversation (`/conversation`, flattened, any depth), oldest first; a reply
    names its immediate parent (`replied_to`) and its author (`username`, for public profiles and the brand's)."""

    name = "replies"

    def records(self, client: ThreadsClient, context: RunContext, parents: list[dict]) -> Iterator[Record]:
        for thread in parents:
            url = client.path(thread["id"], "conversation")
            for page in client.pages(url, {"fields": REPLY_FIELDS, "reverse": "false", "limit": 100}):
                for record in page.get("data", []):
                    if not record.get("id"):
                        client.skip("reply without id")
                        continue
                    yield record, thread["id"]


class UserInsights(Stream[ThreadsClient]):
    """The profile's insights over the logical date (UTC day). The API ignores since/until before 13 April 2024
    (1712991600): a night before it is read as Meta answers, and staging dates each value by the logical date."""

    name = "user_insights"

    def records(self, client: ThreadsClient, context: RunContext, parents: list[dict]) -> Iterator[Record]:
        since = dt.datetime.combine(context.snapshot_date, dt.time(), tzinfo=dt.UTC)
        reader = InsightsReader(client, {"since": _unix(since), "until": _unix(since + dt.timedelta(days=1))},
                                edge="threads_insights")
        for item in reader.read(client.account.account_id, "profile", USER_METRICS):
            yield item, client.account.account_id


STREAMS: tuple[type[Stream[ThreadsClient]], ...] = (Threads, MediaInsights, Replies, UserInsights)
CLIENT: type[ThreadsClient] = ThreadsClient
