"""YouTube Data API v3 (channel, uploads, videos, comment threads) and YouTube Analytics v2 (channel by day)."""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx

from extractors.base import ApiRefusal, ExtractorError, Record, RunContext, Stream, parse_json, parse_time, retry_after
from extractors.google import GoogleClient

ANALYTICS_URL = "https://youtubeanalytics.googleapis.com/v2/reports"
ANALYTICS_METRICS = "views,estimatedMinutesWatched,subscribersGained,subscribersLost"
# The daily quota (10,000 units a project by default) resets at midnight Pacific time: waiting won't help.
QUOTA_REASONS = {"quotaExceeded", "dailyLimitExceeded"}
# The per-minute limits lift within a minute.
RATE_REASONS = {"rateLimitExceeded", "userRateLimitExceeded"}
WINDOW_SECONDS = 60.0
VIDEOS_PER_CALL = 50


class YouTubeClient(GoogleClient):
    platform = "youtube"
    default_base_url = "https://www.googleapis.com"
    scopes = "https://www.googleapis.com/auth/youtube.readonly https://www.googleapis.com/auth/yt-analytics.readonly"
    service_accounts = False  # the YouTube Data API has none (NoLinkedYouTubeAccount)
    renew_hint = ("Authorize the app again as the channel's owner (Google OAuth consent, scopes youtube.readonly "
                  "and yt-analytics.readonly, access_type=offline) to get a new refresh token")

    @staticmethod
    def _reason(response: httpx.Response) -> str | None:
        """`error.errors[0].reason` of a Google API error; None when the body cannot be read."""
        try:
            error = json.loads(response.content).get("error") or {}
            return str((error.get("errors") or [{}])[0].get("reason", ""))
        except (ValueError, AttributeError, TypeError, IndexError):
            return None

    def rate_limit_wait(self, response: httpx.Response) -> float | None:
        if response.status_code == 429:
            wait = retry_after(response)
            return WINDOW_SECONDS if wait is None else wait
        if response.status_code != 403:
            return None
        reason = self._reason(response)
        if reason in QUOTA_REASONS:
            return float("inf")
        if reason in RATE_REASONS or reason is None:
            # A 403 body cut short in transit cannot say which it was: a short wait then asks again.
            wait = retry_after(response)
            return WINDOW_SECONDS if wait is None else wait
        return None  # forbidden for another reason (e.g. forbidden, insufficientPermissions): fails the stream

    def pages(self, url: str, params: dict) -> Iterator[dict]:
        """Follow `nextPageToken`; a page without one, or without items, is the last."""
        token = None
        while True:
            body = parse_json(self.get(url, {**params, **({"pageToken": token} if token else {})}))
            yield body
            token = body.get("nextPageToken")
            if not token or not body.get("items"):
                return

    def analytics(self, params: dict) -> httpx.Response:
        """YouTube Analytics lives on its own host; a proxy or the simulator serves it next to the Data API."""
        if str(self.http.base_url).rstrip("/") == self.default_base_url:
            return self.get(str(httpx.URL(ANALYTICS_URL, params=params)))
        return self.get("/v2/reports", params)


class Channel(Stream[YouTubeClient]):
    name = "channel"

    def records(self, client: YouTubeClient, context: RunContext, parents: list[dict]) -> Iterator[Record]:
        params = {"part": "snippet,statistics,contentDetails", "id": client.account.account_id}
        items = parse_json(client.get("/youtube/v3/channels", params)).get("items") or []
        if not items:
            raise ExtractorError(f"youtube: channel {client.account.account_id} not found for this token")
        yield items[0], None


class Uploads(Stream[YouTubeClient]):
    """The uploads playlist's items published since the window start (newest first); scheduled or private
    uploads carry no `videoPublishedAt` and are skipped."""

    name = "uploads"

    def records(self, client: YouTubeClient, context: RunContext, parents: list[dict]) -> Iterator[Record]:
        for channel in parents:
            uploads = ((channel.get("contentDetails") or {}).get("relatedPlaylists") or {}).get("uploads")
            channel_id = channel.get("id") or client.account.account_id
            params = {"part": "contentDetails", "playlistId": uploads or "UU" + channel_id[2:],
                      "maxResults": 50}
            for page in client.pages("/youtube/v3/playlistItems", params):
                for item in page.get("items", []):
                    details = item.get("contentDetails") or {}
                    if not details.get("videoId"):
                        client.skip("playlist item without videoId")
                        continue
                    published = parse_time(details.get("videoPublishedAt"))
                    if published is None:
                        continue  # scheduled or private: no videoPublishedAt until it is published
                    if published < context.window_start_utc:
                        return
                    yield item, channel_id


class Videos(Stream[YouTubeClient]):
    """statistics, snippet, contentDetails and liveStreamingDetails of the window's uploads, 50 ids a call."""

    name = "videos"

    def records(self, client: YouTubeClient, context: RunContext, parents: list[dict]) -> Iterator[Record]:
        ids = [item["contentDetails"]["videoId"] for item in parents]  # the uploads stream kept only these
        for start in range(0, len(ids), VIDEOS_PER_CALL):
            # liveStreamingDetails: the only mark of a live broadcast once it is over (liveBroadcastContent is
            # then `none`, as for any video)
            params = {"part": "statistics,snippet,contentDetails,liveStreamingDetails",
                      "id": ",".join(ids[start:start + VIDEOS_PER_CALL]), "maxResults": VIDEOS_PER_CALL}
            for video in parse_json(client.get("/youtube/v3/videos", params)).get("items", []):
                yield video, None


class CommentThreads(Stream[YouTubeClient]):
    """Top-level comments with their replies (`replies.comments`). The API embeds up to five replies a thread;
    a thread whose `totalReplyCount` is larger is landed as received (comments.list would read the rest)."""

    name = "comment_threads"

    def records(self, client: YouTubeClient, context: RunContext, parents: list[dict]) -> Iterator[Record]:
        for video in parents:
            if not video.get("id") or not int((video.get("statistics") or {}).get("commentCount") or 0):
                continue  # no count: comments are off; zero: nothing to read
            params = {"part": "snippet,replies", "videoId": video["id"], "maxResults": 100,
                      "textFormat": "plainText"}
            for page in client.pages("/youtube/v3/commentThreads", params):
                for thread in page.get("items", []):
                    yield thread, video["id"]


class ChannelDays(Stream[YouTubeClient]):
    """YouTube Analytics by day over the window: each row of `rows`, keyed by its `columnHeaders` names."""

    name = "channel_days"

    def records(self, client: YouTubeClient, context: RunContext, parents: list[dict]) -> Iterator[Record]:
        params = {"ids": f"channel=={client.account.account_id}", "dimensions": "day", "sort": "day",
                  "metrics": ANALYTICS_METRICS, "startDate": context.window_start.isoformat(),
                  "endDate": context.snapshot_date.isoformat()}
        body = parse_json(client.analytics(params))
        names = [header.get("name") for header in body.get("columnHeaders", [])]
        for row in body.get("rows") or []:  # no `rows` at all when the range has no data yet
            if not isinstance(row, list) or len(row) != len(names):
                client.skip("row not matching the column headers")
                continue
            yield dict(zip(names, row, strict=True)), client.account.account_id


class RivalChannels(Stream[YouTubeClient]):
    """Each rival channel's public snippet, statistics and uploads playlist (`brands[].rivals`: its handle):
    `channels.list` with `forHandle`. A handle YouTube does not know answers no item: listed under
    `item_errors`, the others are still read."""

    name = "rival_channels"

    def records(self, client: YouTubeClient, context: RunContext, parents: list[dict]) -> Iterator[Record]:
        for rival in context.rivals:
            handle = rival if rival.startswith("@") else f"@{rival}"
            body = parse_json(client.get("/youtube/v3/channels", {"part": "snippet,statistics,contentDetails",
                                                                   "forHandle": handle}))
            items = body.get("items") or []
            if not items:
                client.item_error(f"rival_channels/{rival}", ApiRefusal(
                    f"youtube: no channel has the handle {handle}", 200, body))
                continue
            yield items[0], rival


class RivalVideos(Stream[YouTubeClient]):
    """Each rival channel's uploads since the window start, with their public statistics (views, likes,
    comments): its uploads playlist newest first to the window start, then `videos.list`, 50 ids a call. The
    playlist pages are an index and are not landed; the parent id is the channel id."""

    name = "rival_videos"

    def records(self, client: YouTubeClient, context: RunContext, parents: list[dict]) -> Iterator[Record]:
        for channel in parents:
            channel_id = channel.get("id")
            uploads = ((channel.get("contentDetails") or {}).get("relatedPlaylists") or {}).get("uploads")
            if not channel_id or not uploads:
                continue
            ids = list(_uploads_since(client, uploads, context))
            for start in range(0, len(ids), VIDEOS_PER_CALL):
                params = {"part": "statistics,snippet", "id": ",".join(ids[start:start + VIDEOS_PER_CALL]),
                          "maxResults": VIDEOS_PER_CALL}
                for video in parse_json(client.get("/youtube/v3/videos", params)).get("items", []):
                    yield video, channel_id


def _uploads_since(client: YouTubeClient, playlist: str, context: RunContext) -> Iterator[str]:
    """The video ids of a playlist's items published since the window start, newest first."""
    params = {"part": "contentDetails", "playlistId": playlist, "maxResults": 50}
    for page in client.pages("/youtube/v3/playlistItems", params):
        for item in page.get("items", []):
            details = item.get("contentDetails") or {}
            published = parse_time(details.get("videoPublishedAt"))
            if not details.get("videoId") or published is None:
                continue
            if published < context.window_start_utc:
                return
            yield details["videoId"]


STREAMS: tuple[type[Stream[YouTubeClient]], ...] = (Channel, Uploads, Videos, CommentThreads, ChannelDays,
                                                      RivalChannels, RivalVideos)
CLIENT: type[YouTubeClient] = YouTubeClient
