"""Mastodon REST API v1: the account, its statuses (Link-header paging) and the replies in their context."""

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


class Account(Stream):
    name = "account"

    def records(self, client: MastodonClient, context, parents) -> Iterator[Record]:
        yield parse_json(client.get(f"/api/v1/accounts/{client.account.account_id}")), None


class Statuses(Stream):
    name = "statuses"

    def records(self, client: MastodonClient, context: RunContext, parents) -> Iterator[Record]:
        url = f"/api/v1/accounts/{client.account.account_id}/statuses"
        params = {"limit": 40, "exclude_replies": "true", "exclude_reblogs": "true"}
        for page in client.pages(url, params):
            for record in page:
                created = dt.datetime.fromisoformat(record["created_at"].replace("Z", "+00:00"))
                if created < context.window_start_utc:
                    return
                yield record, None


class Replies(Stream):
    name = "replies"
    parent = "statuses"

    def records(self, client: MastodonClient, context, parents) -> Iterator[Record]:
        for status in parents:
            if not status.get("replies_count"):
                continue
            body = parse_json(client.get(f"/api/v1/statuses/{status['id']}/context"))
            for record in body.get("descendants", []):
                yield record, status["id"]


STREAMS: tuple[type[Stream], ...] = (Account, Statuses, Replies)
CLIENT: type[Client] = MastodonClient
