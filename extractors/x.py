"""X API v2: the user (public_metrics), its tweets (posts and its own replies), its mentions, and the recent
search for the brand's campaign hashtags.

An answer with HTTP 200 may carry an `errors` array beside its `data` (partial errors: a deleted author of an
expansion, a withheld tweet): the data lands, the errors go to the manifest and the log."""

from __future__ import annotations

import base64
import datetime as dt
import json
from collections.abc import Iterator

import httpx

from extractors.base import (
    ApiRefusal,
    Client,
    ExtractorError,
    Grant,
    Record,
    RunContext,
    Stream,
    parse_json,
    parse_time,
    retry_after,
)

TWEET_FIELDS = (
    "id,text,created_at,author_id,conversation_id,lang,public_metrics,entities,attachments,"
    "in_reply_to_user_id,referenced_tweets,edit_history_tweet_ids"
)
USER_FIELDS = "username,public_metrics"
# X's rate-limit windows are 15 minutes; a 429 without a reset header waits one window.
WINDOW_SECONDS = 900.0
# The recent search accepts a start_time within the 7 days before the request, by X's clock (the full archive
# needs the Pro tier), and an end_time at least 10 seconds before the request. The margin covers the time
# between reading the clock and the request, and a clock a little behind X's.
RECENT_SEARCH_DAYS = 7
SEARCH_MARGIN = dt.timedelta(minutes=2)
END_TIME_LAG = dt.timedelta(seconds=10)


TOKEN_URL = "https://api.x.com/2/oauth2/token"


class XClient(Client):
    """OAuth 2.0 user context: the connection holds the app's client id (login), its client secret for a
    confidential client (sent as HTTP Basic auth, as X asks), and a refresh token (password) from an
    authorization with `offline.access`. Access tokens live two hours; each refresh hands a new refresh token
    and the old one stops working, so the new one is kept (core.secrets.TokenStore)."""

    platform = "x"
    default_base_url = "https://api.x.com"
    renew_hint = ("Authorize the app again (OAuth 2.0 Authorization Code with PKCE, scopes tweet.read users.read "
                  "offline.access) to get a new refresh token")

    def renewable(self) -> bool:
        return bool(self.credential.get("refresh_token") and self.credential.get("client_id"))

    def obtain(self, refresh_token: str | None) -> Grant:
        client_id, secret = self.credential.get("client_id") or "", self.credential.get("client_secret")
        form = {"grant_type": "refresh_token", "refresh_token": refresh_token or "", "client_id": client_id}
        headers = {}
        if secret:
            basic = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
            headers["Authorization"] = f"Basic {basic}"
        return self.refresh_grant(self.endpoint(TOKEN_URL), form, headers)

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

    def inspect(self, response: httpx.Response) -> None:
        try:
            body = json.loads(response.content)
        except ValueError:
            return
        errors = body.get("errors") if isinstance(body, dict) else None
        if isinstance(errors, list) and errors:
            self.api_errors(errors, response.request.url.path)

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


def created(record: dict) -> dt.datetime | None:
    return parse_time(record.get("created_at"))


def _stamp(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _since(context: RunContext) -> str:
    return _stamp(context.window_start_utc)


def newest_first(client: XClient, pages: Iterator[dict], start: dt.datetime) -> Iterator[tuple[dict, dict]]:
    """Each tweet of newest-first pages, with its page, down to the first one older than `start` (start_time
    already bounds them; the check guards a lax server). A tweet without an id or without created_at (it
    belongs to no window and no day of the marts) is skipped, and counted in the manifest."""
    for page in pages:
        for record in page.get("data") or []:
            if not record.get("id"):
                client.skip("tweet without id")
                continue
            when = created(record)
            if when is None:
                client.skip("tweet without created_at")
                continue
            if when < start:
                return
            yield record, page


def search_window(client: XClient, context: RunContext) -> tuple[dt.datetime, dt.datetime, bool]:
    """The part of the night's window the recent search still serves: from the window start, or from 7 days
    before now on X's clock if that is later, to the end of the logical date; and whether that end may be
    sent as end_time (it must be 10 seconds old). What the search no longer reaches is recorded as a gap."""
    now = client.now()
    floor = now - dt.timedelta(days=RECENT_SEARCH_DAYS) + SEARCH_MARGIN
    floor = floor.replace(microsecond=0) + dt.timedelta(seconds=1 if floor.microsecond else 0)
    start, end = max(context.window_start_utc, floor), context.snapshot_end_utc
    if start > context.window_start_utc:
        client.gap(context.window_start_utc, min(start, end),
                   f"X's recent search reaches {RECENT_SEARCH_DAYS} days back from the request ({_stamp(now)})")
    return start, end, end <= now - END_TIME_LAG


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
        if not isinstance(body.get("data"), dict):  # X answers a missing user with 200 and errors alone
            raise ExtractorError(f"x: user {client.account.account_id} not returned: "
                                 f"{json.dumps(body.get('errors'), ensure_ascii=False)[:300]}")
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
        pages = client.pages(f"/2/users/{client.account.account_id}/tweets", params)
        for record, _ in newest_first(client, pages, context.window_start_utc):
            yield record, None


class Mentions(Stream[XClient]):
    """Tweets mentioning the account since the window start: the comments on its posts and the rest."""

    name = "mentions"

    def records(self, client: XClient, context: RunContext, parents: list[dict]) -> Iterator[Record]:
        params = {"max_results": 100, "tweet.fields": TWEET_FIELDS, "start_time": _since(context),
                  "expansions": "author_id", "user.fields": USER_FIELDS}
        pages = client.pages(f"/2/users/{client.account.account_id}/mentions", params)
        for record, page in newest_first(client, pages, context.window_start_utc):
            parent = next(
                (ref.get("id") for ref in record.get("referenced_tweets") or [] if ref.get("type") == "replied_to"),
                None,
            )
            yield with_author(record, page), parent


class HashtagSearch(Stream[XClient]):
    """Others' tweets carrying one of the brand's campaign hashtags (retweets left out), from the window start,
    or from as far back as the recent search reaches (7 days before now, on X's clock), to the end of the
    logical date (end_time). A night too old to search is not asked for; the manifest records the gap."""

    name = "hashtag_search"

    def records(self, client: XClient, context: RunContext, parents: list[dict]) -> Iterator[Record]:
        if not context.hashtags:
            return
        since, until, send_until = search_window(client, context)
        if since >= until:
            return  # the whole night is older than the search reaches: recorded as a gap
        params = {
            "query": f"({' OR '.join(context.hashtags)}) -is:retweet",
            "max_results": 100,
            "tweet.fields": TWEET_FIELDS,
            "expansions": "author_id",
            "user.fields": USER_FIELDS,
            "start_time": _stamp(since),
            **({"end_time": _stamp(until)} if send_until else {}),
        }
        pages = client.pages("/2/tweets/search/recent", params, token_param="next_token")
        for record, page in newest_first(client, pages, since):
            when = created(record)
            if when is not None and when >= until:
                continue  # after the night (end_time could not be sent yet)
            yield with_author(record, page), None


class RivalUsers(Stream[XClient]):
    """Each rival's public profile (`brands[].rivals`: its username), with `public_metrics` (followers, tweets):
    `GET /2/users/by/username/:username`. X answers an unknown or suspended username with HTTP 200 and `errors`
    alone: that rival is listed under `item_errors`, the others are still read."""

    name = "rival_users"

    def records(self, client: XClient, context: RunContext, parents: list[dict]) -> Iterator[Record]:
        for rival in context.rivals:
            username = rival.lstrip("@")
            try:
                body = parse_json(client.get(f"/2/users/by/username/{username}",
                                             {"user.fields": "created_at,public_metrics"}))
            except ApiRefusal as error:
                client.item_error(f"rival_users/{username}", error)
                continue
            if not isinstance(body.get("data"), dict):
                client.item_error(f"rival_users/{username}", ApiRefusal(
                    f"x: user {username} not returned: {json.dumps(body.get('errors'), ensure_ascii=False)[:300]}",
                    200, body))
                continue
            yield body["data"], rival


class RivalTweets(Stream[XClient]):
    """Each rival's own posts since the window start (no retweets, no replies), with their `public_metrics`;
    the parent id is the rival's user id."""

    name = "rival_tweets"

    def records(self, client: XClient, context: RunContext, parents: list[dict]) -> Iterator[Record]:
        params = {"max_results": 100, "tweet.fields": TWEET_FIELDS, "exclude": "retweets,replies",
                  "start_time": _since(context)}
        for user in parents:
            if not user.get("id"):
                continue
            pages = client.pages(f"/2/users/{user['id']}/tweets", params)
            for record, _ in newest_first(client, pages, context.window_start_utc):
                yield record, user["id"]


STREAMS: tuple[type[Stream[XClient]], ...] = (User, Tweets, Mentions, HashtagSearch, RivalUsers, RivalTweets)
CLIENT: type[XClient] = XClient
