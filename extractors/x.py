"""X API v2: the user (public_metrics), its tweets (posts and its own replies) and its mentions."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator

import httpx

from extractors.base import Client, Record, RunContext, Stream, parse_json, retry_after

TWEET_FIELDS = (
    "id,text,created_at,author_id,conversation_id,lang,public_metrics,entities,attachments,"
    "in_reply_to_user_id,referenced_tweets,edit_history_tweet_ids"
)
# X's rate-limit windows are 15 minutes; a 429 without a reset header waits one window.
WINDOW_SECONDS = 900.0


class XClient(Client):
    platform = "x"
    default_base_url = "https://api.x.com"

    def rate_limit_wait(self, response: httpx.Response) -> float | None:
        if response.status_code != 429:
            return None
        try:
            problem = json.loads(response.content)
        except ValueError:
            problem = {}
        if isinstance(problem, dict) and "usage-capped" in str(problem.get("type", "")):
            # The monthly post cap: no reset header helps before the billing period turns.
            return float("inf")
        wait = retry_after(response)  # 0.0 when the reset has already passed: retry at once
        return WINDOW_SECONDS if wait is None else wait

    def pages(self, url: str, params: dict) -> Iterator[dict]:
        """Follow meta.next_token; a page without it, or `meta.result_count: 0` without data, is the last."""
        token = None
        while True:
            body = parse_json(self.get(url, {**params, **({"pagination_token": token} if token else {})}))
            yield body
            token = (body.get("meta") or {}).get("next_token")
            if not token or not body.get("data"):
                return


def created(record: dict) -> dt.datetime:
    return dt.datetime.fromisoformat(record["created_at"].replace("Z", "+00:00"))


def _since(context: RunContext) -> str:
    return context.window_start_utc.strftime("%Y-%m-%dT%H:%M:%SZ")


class User(Stream):
    name = "user"

    def records(self, client: XClient, context, parents) -> Iterator[Record]:
        body = parse_json(
            client.get(f"/2/users/{client.account.account_id}", {"user.fields": "created_at,public_metrics"})
        )
        yield body["data"], None


class Tweets(Stream):
    """The account's own tweets since the window start: posts, and its replies to comments
    (those carry `referenced_tweets` of type `replied_to`). Retweets are left out."""

    name = "tweets"

    def records(self, client: XClient, context: RunContext, parents) -> Iterator[Record]:
        params = {
            "max_results": 100,
            "tweet.fields": TWEET_FIELDS,
            "exclude": "retweets",
            "start_time": _since(context),
        }
        for page in client.pages(f"/2/users/{client.account.account_id}/tweets", params):
            for record in page.get("data", []):
                # Newest first; start_time already bounds it, the check guards a lax server.
                if created(record) < context.window_start_utc:
                    return
                yield record, None


class Mentions(Stream):
    """Tweets mentioning the account since the window start: the comments on its posts and the rest."""

    name = "mentions"

    def records(self, client: XClient, context: RunContext, parents) -> Iterator[Record]:
        params = {"max_results": 100, "tweet.fields": TWEET_FIELDS, "start_time": _since(context)}
        for page in client.pages(f"/2/users/{client.account.account_id}/mentions", params):
            for record in page.get("data", []):
                if created(record) < context.window_start_utc:
                    return
                parent = next(
                    (
                        ref["id"]
                        for ref in record.get("referenced_tweets", [])
                        if ref.get("type") == "replied_to"
                    ),
                    None,
                )
                yield record, parent


STREAMS: tuple[type[Stream], ...] = (User, Tweets, Mentions)
CLIENT: type[Client] = XClient
