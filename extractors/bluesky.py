"""Bluesky (AT Protocol app view): the profile, the author feed, the reply threads of its posts, and the
search for others' posts mentioning the account or carrying the brand's campaign hashtags."""

from __future__ import annotations

import base64
import datetime as dt
import json
import time
from collections.abc import Iterator

import httpx

from extractors.base import ApiRefusal, Client, Grant, Record, RunContext, Stream, parse_json, parse_time, retry_after

# The app view's rate-limit policy is announced as "<limit>;w=<seconds>"; without headers, wait a window.
WINDOW_SECONDS = 300.0
# XRPC answers an expired or bad session token with HTTP 400 and one of these error names.
AUTH_ERRORS = {"ExpiredToken", "InvalidToken", "AuthenticationRequired", "AuthMissing"}


class BlueskyClient(Client):
    """Reads the app.bsky.* methods through the account's PDS with its session token (accessJwt).

    The connection holds an app password (and the handle or DID as `identifier`, else the account's handle):
    `com.atproto.server.createSession` exchanges it for a session, an accessJwt of about two hours and a
    refreshJwt; `com.atproto.server.refreshSession`, authorized by the refreshJwt, renews both. The app
    password stays the long-lived credential: a session that cannot be refreshed is created again from it,
    so nothing is written back."""

    platform = "bluesky"
    default_base_url = "https://bsky.social"
    renew_hint = ("Create a new app password (Bluesky: Settings, Privacy and security, App passwords) for the "
                  "account's handle")

    def renewable(self) -> bool:
        return self.credential.get("app_password") is not None

    def obtain(self, refresh_token: str | None) -> Grant:
        if refresh_token:
            response, body = self.token_call("/xrpc/com.atproto.server.refreshSession",
                                             headers={"Authorization": f"Bearer {refresh_token}"})
            if response.status_code == 200 and body.get("accessJwt"):
                return Grant(body["accessJwt"], jwt_lifetime(body["accessJwt"], self.now()), body.get("refreshJwt"))
            # A refreshJwt expired or revoked: a new session from the app password.
        identifier = self.credential.get("identifier") or self.account.handle
        response, body = self.token_call("/xrpc/com.atproto.server.createSession",
                                         json={"identifier": identifier,
                                               "password": self.credential.get("app_password")})
        if response.status_code != 200 or not body.get("accessJwt"):
            raise self.auth_error(f"createSession for {identifier}: {self.token_error(response, body)}",
                                  "the app password")
        return Grant(body["accessJwt"], jwt_lifetime(body["accessJwt"], self.now()), body.get("refreshJwt"))

    def _keep(self, refresh_token: str) -> None:
        """A session's refreshJwt lives as long as the run: the app password is what is kept."""

    @staticmethod
    def _error(response: httpx.Response) -> str:
        try:
            body = json.loads(response.content)
        except ValueError:
            return ""
        return str(body.get("error", "")) if isinstance(body, dict) else ""

    def is_auth_error(self, response: httpx.Response) -> bool:
        return response.status_code == 401 or (
            response.status_code == 400 and self._error(response) in AUTH_ERRORS
        )

    def rate_limit_wait(self, response: httpx.Response) -> float | None:
        if response.status_code != 429:
            return None
        reset = response.headers.get("ratelimit-reset")
        if reset:
            try:
                return max(0.0, float(reset) - time.time())
            except ValueError:
                pass
        return retry_after(response) or WINDOW_SECONDS

    def pages(self, method: str, params: dict, items: str = "feed") -> Iterator[dict]:
        """Follow `cursor`; a page without one, or with no `items` (the feed, or searchPosts' posts), is the
        last."""
        cursor = None
        while True:
            body = parse_json(
                self.get(f"/xrpc/{method}", {**params, **({"cursor": cursor} if cursor else {})})
            )
            yield body
            cursor = body.get("cursor")
            if not cursor or not body.get(items):
                return


def jwt_lifetime(token: str, now: dt.datetime) -> float | None:
    """Seconds until a JWT's `exp`, read without checking its signature (the PDS checks it); None if the
    token is not a JWT: the client then learns of the expiry from the ExpiredToken answer."""
    parts = token.split(".")
    if len(parts) != 3:
        return None
    try:
        claims = json.loads(base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)))
        return float(claims["exp"]) - now.timestamp()
    except (ValueError, KeyError, TypeError):
        return None


def created(post_view: dict) -> dt.datetime | None:
    return parse_time((post_view.get("record") or {}).get("createdAt"))


class Profile(Stream[BlueskyClient]):
    name = "profile"

    def records(self, client: BlueskyClient, context: RunContext, parents: list[dict]) -> Iterator[Record]:
        response = client.get("/xrpc/app.bsky.actor.getProfile", {"actor": client.account.account_id})
        yield parse_json(response), None


class Posts(Stream[BlueskyClient]):
    """The account's own posts since the window start, as feed items; reposts and pins are skipped."""

    name = "posts"

    def records(self, client: BlueskyClient, context: RunContext, parents: list[dict]) -> Iterator[Record]:
        for item in author_posts(client, client.account.account_id, context):
            yield item, None


def author_posts(client: BlueskyClient, actor: str, context: RunContext) -> Iterator[dict]:
    """An author's own posts since the window start, as feed items, newest first (`posts_no_replies`)."""
    params = {"actor": actor, "limit": 100, "filter": "posts_no_replies"}
    for page in client.pages("app.bsky.feed.getAuthorFeed", params):
        for item in page.get("feed", []):
            if item.get("reason"):
                continue  # a repost (sorted by repost time) or the pinned post: not a post of the window
            post = item.get("post")
            if not isinstance(post, dict) or not post.get("uri"):
                client.skip("feed item without a post uri")
                continue
            when = created(post)
            if when is None:
                client.skip("post without record.createdAt")  # no time: in no window, no mart; counted
                continue
            if when < context.window_start_utc:
                return
            yield item


class Replies(Stream[BlueskyClient]):
    """Every reply under each post (inbound comments and the brand's answers), flattened from the thread."""

    name = "replies"

    def records(self, client: BlueskyClient, context: RunContext, parents: list[dict]) -> Iterator[Record]:
        for item in parents:
            post = item.get("post") or {}
            if not post.get("uri") or not post.get("replyCount"):
                continue  # saves a call per silent post
            params = {"uri": post["uri"], "depth": 100, "parentHeight": 0}
            body = parse_json(client.get("/xrpc/app.bsky.feed.getPostThread", params))
            for reply in _walk(body.get("thread", {})):
                yield reply, post["uri"]


def _walk(node: dict) -> Iterator[dict]:
    # notFoundPost and blockedPost entries carry no post view; their own replies are not served.
    for child in node.get("replies", []):
        if (
            child.get("$type", "app.bsky.feed.defs#threadViewPost") == "app.bsky.feed.defs#threadViewPost"
            and "post" in child
        ):
            yield child["post"]
            yield from _walk(child)


class Search(Stream[BlueskyClient]):
    """Others' posts since the window start that mention the account, then those on each campaign hashtag
    (searchPosts, newest first). The parent id is what was searched (`@handle` or the #hashtag), so a post
    found twice lands twice and staging keeps it once."""

    name = "search"

    def records(self, client: BlueskyClient, context: RunContext, parents: list[dict]) -> Iterator[Record]:
        since = context.window_start_utc.strftime("%Y-%m-%dT%H:%M:%SZ")
        handle = client.account.handle
        searches = [(f"@{handle}", {"q": handle, "mentions": handle}),
                    *((tag, {"q": tag, "tag": tag.lstrip("#")}) for tag in context.hashtags)]
        for searched, filters in searches:
            params = {**filters, "sort": "latest", "since": since, "limit": 100}
            for page in client.pages("app.bsky.feed.searchPosts", params, items="posts"):
                for post in page.get("posts", []):
                    if (post.get("author") or {}).get("did") == client.account.account_id:
                        continue  # the brand's own posts are read from its feed
                    if not post.get("uri"):
                        client.skip("post without uri")
                        continue
                    yield post, searched


class RivalProfiles(Stream[BlueskyClient]):
    """Each rival's public profile (`brands[].rivals`: a handle or a DID), with its follower and post counts."""

    name = "rival_profiles"

    def records(self, client: BlueskyClient, context: RunContext, parents: list[dict]) -> Iterator[Record]:
        for rival in context.rivals:
            try:
                yield parse_json(client.get("/xrpc/app.bsky.actor.getProfile", {"actor": rival})), rival
            except ApiRefusal as error:
                client.item_error(f"rival_profiles/{rival}", error)


class RivalPosts(Stream[BlueskyClient]):
    """Each rival's own posts since the window start, with their public counts; the parent id is its DID."""

    name = "rival_posts"

    def records(self, client: BlueskyClient, context: RunContext, parents: list[dict]) -> Iterator[Record]:
        for profile in parents:
            if profile.get("did"):
                for item in author_posts(client, profile["did"], context):
                    yield item, profile["did"]


STREAMS: tuple[type[Stream[BlueskyClient]], ...] = (Profile, Posts, Replies, Search, RivalProfiles,
                                                     RivalPosts)
CLIENT: type[BlueskyClient] = BlueskyClient
