"""X API v2: the user (public_metrics), its tweets (posts and its own replies), its mentions, and the recent
search for the brand's campaign hashtags."""

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
USER_FIELDS = "username,public_metrics"
# X's rate-limit windows are 15 minutes; a 429 without a reset header waits one window.
WINDOW_SECONDS = 900.0
# The recent search reaches 7 days back from the request (the full archive needs the Pro tier).
RECENT_SEARCH_DAYS = 7


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

    def pages(self, url: str, params: dict, token_param: str = "pagination_token") -> Iterator[dict]:
        """Follow meta.next_token (sent back as `pagination_token`, or `next_token` on the search
        endpoints); a page without it, or `meta.result_count: 0` without data, is the last."""
        token = None
        while True:
            body = parse_json(self.get(url, {**params, **({token_param: token} if token else {})}))
            yield body
            token = (body.get("meta") or {}).get("next_token")
            if not token or not body.get("data"):
                return


def created(record: dict) -> dt.datetime:
    return dt.datetime.fromisoformat(record["created_at"].replace("Z", "+00:00"))


def _since(context: RunContext) -> str:
    return context.window_start_utc.strftime("%Y-%m-%dT%H:%M:%SZ")


def with_author(tweet: dict, page: dict) -> dict:
    """The tweet as received, plus its author's user object from the page's `includes.users` under
    `author` (X sends them apart; the tweet alone has only author_id, and handles and follower counts
    are what the influencer and campaign marts need)."""
    users = {user.get("id"): user for user in (page.get("includes") or {}).get("users", [])}
    author = users.get(tweet.get("author_id"))
    return {**tweet, "author": author} if author else tweet


class User(Stream[XClient]):
    name = "user"

    def records(self, client: XClient, context: RunContext, parents: list[dict]) -> Iterator[Record]:
        body = parse_json(
            client.get(f"/2/users/{client.account.account_id}", {"user.fields": "created_at,public_metrics"})
        )
        yield body["data"], None


class Tweets(Stream[XClient]):
    """The account's own tweets since the window start: posts, and its replies to comments
    (those carry `referenced_tweets` of type `replied_to`). Retweets are left out."""

    name = "tweets"

    def records(self, client: XClient, context: RunContext, parents: list[dict]) -> Iterator[Record]:
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


class Mentions(Stream[XClient]):
    """Tweets mentioning the account since the window start: the comments on its posts and the rest."""

    name = "mentions"

    def records(self, client: XClient, context: RunContext, parents: list[dict]) -> Iterator[Record]:
        params = {"max_results": 100, "tweet.fields": TWEET_FIELDS, "start_time": _since(context),
                  "expansions": "author_id", "user.fields": USER_FIELDS}
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
                yield with_author(record, page), parent


class HashtagSearch(Stream[XClient]):
    """Others' tweets carrying one of the brand's campaign hashtags (retweets left out), since the window
    start or as far back as the recent search reaches."""

    name = "hashtag_search"

    def records(self, client: XClient, context: RunContext, parents: list[dict]) -> Iterator[Record]:
        if not context.hashtags:
            return
        since = context.search_start_utc(RECENT_SEARCH_DAYS)
        params = {
            "query": f"({' OR '.join(context.hashtags)}) -is:retweet",
            "max_results": 100,
            "tweet.fields": TWEET_FIELDS,
            "expansions": "author_id",
            "user.fields": USER_FIELDS,
            "start_time": since.strftime("%Y-%m-%dT%H:%M:%SZ"),
        }
        for page in client.pages("/2/tweets/search/recent", params, token_param="next_token"):
            for record in page.get("data", []):
                if created(record) < since:
                    return
                yield with_author(record, page), None


STREAMS: tuple[type[Stream[XClient]], ...] = (User, Tweets, Mentions, HashtagSearch)
CLIENT: type[XClient] = XClient
