"""TikTok Display API v2: the token's user (follower, likes and video counts), its videos published since the
window start (POST /v2/video/list/) and their counters refreshed by id (POST /v2/video/query/). The Display
API has no comments endpoint: TikTok comments are not extracted. An account's account_id is the user's
open_id (per app); its token is the user's OAuth access token."""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx

from extractors.base import (
    IN_PROCESS_HOST,
    Client,
    ExtractorError,
    Grant,
    Record,
    RunContext,
    Stream,
    parse_json,
    retry_after,
)

USER_FIELDS = "open_id,display_name,follower_count,likes_count,video_count"
VIDEO_FIELDS = ("id,create_time,title,video_description,duration,view_count,like_count,comment_count,share_count,"
                "cover_image_url,share_url")
PAGE_SIZE = 20  # video/list's max_count and video/query's video_ids are capped at 20
# Each endpoint allows 600 requests a minute, a sliding window: a 429 without Retry-After waits one.
WINDOW_SECONDS = 60.0


TOKEN_URL = "https://open.tiktokapis.com/v2/oauth/token/"


class TikTokClient(Client):
    """The connection holds the app's client key (login), client secret, and the user's refresh token
    (password). Access tokens live two hours (`expires_in`), refresh tokens 365 days; a refresh hands a new
    refresh token and the previous one stops working, so the new one is kept (core.secrets.TokenStore)."""

    platform = "tiktok"
    default_base_url = "https://open.tiktokapis.com"
    renew_hint = ("Authorize the app again through TikTok Login Kit (scopes user.info.basic user.info.stats "
                  "video.list) to get a new refresh token")

    def renewable(self) -> bool:
        return bool(self.credential.get("refresh_token") and self.credential.get("client_key"))

    def obtain(self, refresh_token: str | None) -> Grant:
        form = {"client_key": self.credential.get("client_key") or "",
                "client_secret": self.credential.get("client_secret") or "",
                "grant_type": "refresh_token", "refresh_token": refresh_token or ""}
        return self.refresh_grant(self.endpoint(TOKEN_URL), form)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.http.base_url.host == httpx.URL(IN_PROCESS_HOST).host:
            # The simulated token names no user; the simulator reads whose it is from this header.
            self.http.headers["X-Tiktok-Open-Id"] = self.account.account_id

    @staticmethod
    def error_code(response: httpx.Response) -> str | None:
        try:
            return str((json.loads(response.content).get("error") or {}).get("code"))
        except (ValueError, AttributeError):
            return None

    def is_auth_error(self, response: httpx.Response) -> bool:
        return response.status_code == 401 or self.error_code(response) in {"access_token_invalid",
                                                                           "scope_not_authorized"}

    def rate_limit_wait(self, response: httpx.Response) -> float | None:
        if response.status_code != 429 and self.error_code(response) != "rate_limit_exceeded":
            return None
        wait = retry_after(response)
        return WINDOW_SECONDS if wait is None else wait

    def data(self, response: httpx.Response) -> dict:
        """`data` of an answer whose `error.code` is ok; any other code is the API refusing the request."""
        body = parse_json(response)
        code = (body.get("error") or {}).get("code", "ok")
        if code != "ok":
            raise ExtractorError(f"tiktok {response.request.url.path}: {self._describe(response)}")
        return body.get("data") or {}


class User(Stream[TikTokClient]):
    name = "user"

    def records(self, client: TikTokClient, context: RunContext, parents: list[dict]) -> Iterator[Record]:
        user = client.data(client.get("/v2/user/info/", {"fields": USER_FIELDS})).get("user") or {}
        if user.get("open_id") != client.account.account_id:
            raise ExtractorError(f"tiktok: the token of connection '{client.account.connection_id}' belongs to "
                                 f"open_id {user.get('open_id')}, not {client.account.account_id}")
        yield user, None


class Videos(Stream[TikTokClient]):
    """The user's videos, newest first, down to the first one created before the window start; a page with
    `has_more: false` (or no videos) is the last."""

    name = "videos"

    def records(self, client: TikTokClient, context: RunContext, parents: list[dict]) -> Iterator[Record]:
        since = context.window_start_utc.timestamp()
        body: dict = {"max_count": PAGE_SIZE}
        while True:
            page = client.data(client.post("/v2/video/list/", json=body, params={"fields": VIDEO_FIELDS}))
            for video in page.get("videos") or []:
                if not video.get("id"):
                    client.skip("video without id")
                    continue
                created = video.get("create_time")
                if not isinstance(created, int | float):
                    client.skip("video without create_time")  # in no window, no mart; counted
                    continue
                if created < since:
                    return
                yield video, client.account.account_id
            if not page.get("has_more") or not page.get("videos") or page.get("cursor") is None:
                return
            body = {"max_count": PAGE_SIZE, "cursor": page["cursor"]}


class VideoStats(Stream[TikTokClient]):
    """The window's videos asked for again by id, 20 a call: their counters as of the end of the run."""

    name = "video_stats"

    def records(self, client: TikTokClient, context: RunContext, parents: list[dict]) -> Iterator[Record]:
        ids = [video["id"] for video in parents if video.get("id")]
        for start in range(0, len(ids), PAGE_SIZE):
            body = {"filters": {"video_ids": ids[start:start + PAGE_SIZE]}}
            page = client.data(client.post("/v2/video/query/", json=body, params={"fields": VIDEO_FIELDS}))
            for video in page.get("videos") or []:
                yield video, client.account.account_id


STREAMS: tuple[type[Stream[TikTokClient]], ...] = (User, Videos, VideoStats)
CLIENT: type[TikTokClient] = TikTokClient
