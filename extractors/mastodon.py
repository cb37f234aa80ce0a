"""Mastodon REST API v1: the account, its statuses (Link-header paging), the replies in their context, the
mentions of the account (notifications) and others' statuses on the brand's campaign hashtags."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from extractors.base import Client, Record, RunContext, Stream, parse_json


class MastodonClient(Client):
    platform = "mastodon"
    default_base_url = "https://mastodon.social"

    def pages(self, url: str, params: dict) -> Iterator[list]:
        """Follow the Link header's rel="next"; a header without it, or an empty page, is the last."""
        while url:
            response = self.get(url, params)
            body = parse_json(response)
            yield body
            if not body:
                return
            url, params = response.links.get("next", {}).get("url", ""), {}


class Account(Stream[MastodonClient]):
    name = "account"

    def records(self, client: MastodonClient, context: RunContext, parents: list[dict]) -> Iterator[Record]:
        yield parse_json(client.get(f"/api/v1/accounts/{client.account.account_id}")), None


class Statuses(Stream[MastodonClient]):
    name = "statuses"

    def records(self, client: MastodonClient, context: RunContext, parents: list[dict]) -> Iterator[Record]:
        url = f"/api/v1/accounts/{client.account.account_id}/statuses"
        params = {"limit": 40, "exclude_replies": "true", "exclude_reblogs": "true"}
        for page in client.pages(url, params):
            for record in page:
                created = dt.datetime.fromisoformat(record["created_at"].replace("Z", "+00:00"))
                if created < context.window_start_utc:
                    return
                yield record, None


class Replies(Stream[MastodonClient]):
    name = "replies"

    def records(self, client: MastodonClient, context: RunContext, parents: list[dict]) -> Iterator[Record]:
        for status in parents:
            if not status.get("replies_count"):
                continue
            body = parse_json(client.get(f"/api/v1/statuses/{status['id']}/context"))
            for record in body.get("descendants", []):
                yield record, status["id"]


def _within(client: MastodonClient, url: str, params: dict, context: RunContext) -> Iterator[dict]:
    """A newest-first listing's records until the first one older than the window start."""
    for page in client.pages(url, params):
        for record in page:
            if dt.datetime.fromisoformat(record["created_at"].replace("Z", "+00:00")) < context.window_start_utc:
                return
            yield record


class Mentions(Stream[MastodonClient]):
    """Mention notifications of the token's account since the window start: replies to its posts (also
    read as replies) and others' statuses naming it."""

    name = "mentions"

    def records(self, client: MastodonClient, context: RunContext, parents: list[dict]) -> Iterator[Record]:
        for record in _within(client, "/api/v1/notifications", {"types[]": "mention", "limit": 40}, context):
            yield record, None


class HashtagStatuses(Stream[MastodonClient]):
    """Public statuses on each campaign hashtag's timeline since the window start; the parent id is the
    hashtag, so a status carrying two of them lands twice and staging keeps it once."""

    name = "hashtag_statuses"

    def records(self, client: MastodonClient, context: RunContext, parents: list[dict]) -> Iterator[Record]:
        for hashtag in context.hashtags:
            url = f"/api/v1/timelines/tag/{hashtag.lstrip('#')}"
            for record in _within(client, url, {"limit": 40}, context):
                yield record, hashtag


STREAMS: tuple[type[Stream[MastodonClient]], ...] = (Account, Statuses, Replies, Mentions, HashtagStatuses)
CLIENT: type[MastodonClient] = MastodonClient
