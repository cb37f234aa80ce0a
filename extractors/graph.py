"""Meta's Graph API (Facebook Pages and Instagram): the pinned version and its metric lists, in one place."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence

import httpx

from core.config import Extraction
from extractors.base import ApiRefusal, Client, ExtractorError, parse_json, retry_after

# The pinned version (core.config keeps it with its sunset day; extractors.run hands it to the client).
GRAPH_API_VERSION = Extraction.model_fields["graph_api"].default.version

# Instagram media insights per media product type, as the Instagram Media Insights reference documents them
# since v22 (views replaced impressions, plays and clips_replays_count, retired in 2025): the contract's metrics
# each type reports. A story has no `saved`; carousel albums are FEED media (no insights for their children).
# Meta also refuses a documented metric for some media (users report `views` and `shares` refused): such a
# metric is dropped for that type and asked again without (InsightsReader), and the manifest says so.
INSTAGRAM_MEDIA_METRICS: dict[str, tuple[str, ...]] = {
    "FEED": ("reach", "saved", "shares", "views", "total_interactions"),
    "CAROUSEL_ALBUM": ("reach", "saved", "shares", "views", "total_interactions"),
    "REELS": ("reach", "saved", "shares", "views", "total_interactions"),
    "STORY": ("reach", "shares", "views", "total_interactions"),
}
# A live story's insights (Instagram Media Insights, STORY, since v18 for navigation): two calls, since a metric
# with a breakdown cannot be asked for beside others. exits, taps_forward and taps_back were retired in v18 (Dec
# 2023): `navigation` with the story_navigation_action_type breakdown (tap_forward, tap_back, tap_exit,
# swipe_forward) replaces them; impressions was retired in v22.
INSTAGRAM_STORY_METRICS = ("views", "reach", "replies", "shares", "total_interactions", "follows", "profile_visits")
INSTAGRAM_STORY_NAVIGATION = {"breakdown": "story_navigation_action_type"}
# The account's daily reach and views: views exists only as a total_value (the v22 change), so both are asked
# for as one day's total.
INSTAGRAM_USER_METRICS = ("reach", "views")

# Meta's throttling codes: app (4), user (17), too many calls (32), page/account (613, 80001-80006).
RATE_LIMIT_CODES = {4, 17, 32, 613, 80001, 80002, 80004, 80005, 80006}


class GraphClient(Client):
    """Meta has no refresh flow: the connection holds a long-lived token. A Page token obtained from a
    long-lived User token does not expire; a long-lived User token lasts about 60 days. Either is invalidated
    when its user changes password, loses the Page role or removes the app: Meta answers code 190."""

    default_base_url = "https://graph.facebook.com"
    version = GRAPH_API_VERSION
    renew_hint = ("Get a new long-lived User access token (Facebook Login for Business, exchanged with "
                  "grant_type=fb_exchange_token) of someone with a role on the Page, then the Page's token from "
                  "GET /me/accounts (it does not expire)")

    def auth_headers(self) -> dict[str, str]:
        return {}

    def auth_params(self) -> dict[str, str]:
        return {"access_token": self._token} if self._token else {}

    @staticmethod
    def _error(response: httpx.Response) -> dict:
        try:
            body = json.loads(response.content)
        except ValueError:
            return {}
        error = body.get("error") if isinstance(body, dict) else None
        return error if isinstance(error, dict) else {}  # some proxies and 5xx pages send a bare string

    def is_auth_error(self, response: httpx.Response) -> bool:
        return response.status_code == 401 or self._error(response).get("code") == 190

    def rate_limit_wait(self, response: httpx.Response) -> float | None:
        if response.status_code == 429 or self._error(response).get("code") in RATE_LIMIT_CODES:
            # Meta gives no Retry-After; its usage headers say how far over the budget the app is.
            wait = retry_after(response)
            return usage_wait(response) if wait is None else wait
        return None

    def path(self, *parts: str) -> str:
        return "/" + "/".join((self.version, *parts))

    def pages(self, url: str, params: dict) -> Iterator[dict]:
        """Follow `paging.next` to exhaustion; a page without it, or with an empty `data`, is the last."""
        while url:
            body = parse_json(self.get(url, params))
            yield body
            url, params = (body.get("paging") or {}).get("next") or "", {}
            if not body.get("data"):
                return


def graph_error(error: ApiRefusal) -> dict:
    body = error.body.get("error") if isinstance(error.body, dict) else None
    return body if isinstance(body, dict) else {}


def refuses_metric(error: ApiRefusal) -> bool:
    """A refusal of the metric list (a retired metric, or one not for this media type), as opposed to a
    refusal of the object itself (media posted before the business conversion: subcode 2108006, `Invalid
    parameter`; a story with too few viewers: code 10; a reel without an insights edge)."""
    detail = graph_error(error)
    return detail.get("code") == 100 and "metric" in str(detail.get("message", "")).lower()


def too_few_viewers(error: ApiRefusal) -> bool:
    """A story's insights refused because fewer than 5 people saw it: `(#10) Not enough viewers for the media to
    show insights`. Code 10 also means a missing permission, so the message decides."""
    detail = graph_error(error)
    return detail.get("code") == 10 and "not enough viewers" in str(detail.get("message", "")).lower()


def refused_metrics(error: ApiRefusal, asked: Sequence[str]) -> list[str]:
    """The metrics of `asked` that the refusal names: `metric[0] must be one of the following values: a, b`
    lists the allowed ones; `The Media Insights API does not support the impressions, replies metric for this
    media product type` and `Starting from version v22.0 ... the impressions metric is no longer supported`
    name the refused ones. Facebook's `The value must be a valid insights metric` names none."""
    detail = graph_error(error)
    message = f"{detail.get('message', '')} {detail.get('error_user_msg', '')}"
    listed = re.search(r"must be one of the following values:\s*(.+)", message)
    if listed:
        allowed = {name.strip(" .") for name in listed.group(1).split(",")}
        return [metric for metric in asked if metric not in allowed]
    return [metric for metric in asked if re.search(rf"(?<![\w]){re.escape(metric)}(?![\w])", message)]


class InsightsReader:
    """`/{object-id}/insights` for the objects of one stream. A metric the API refuses (retired, or not for
    this kind of object) is dropped, recorded in the manifest, and the call made again without it; it is not
    asked for again for that kind during the stream. When the refusal does not say which metric it is, each is
    asked alone once. An object the API refuses as a whole raises ApiRefusal for the stream to record
    (`failed`); a stream whose first objects are all refused (a missing permission) fails."""

    FAIL_AFTER = 3  # refusals in a row, before any object succeeded, that fail the stream

    def __init__(self, client: GraphClient, extra: dict | None = None, edge: str = "insights"):
        self.client = client
        self.extra = extra or {}
        self.edge = edge  # the object's insights edge: `insights`, or a Threads profile's `threads_insights`
        self.refused: dict[str, set[str]] = {}
        self.succeeded = 0
        self.failures = 0

    def read(self, object_id: str, kind: str, wanted: Sequence[str]) -> list[dict]:
        """The insights items (`data`) of one object; [] when every metric was refused for its kind."""
        refused = self.refused.setdefault(kind, set())
        metrics = [metric for metric in wanted if metric not in refused]
        while metrics:
            try:
                data = self._get(object_id, metrics)
            except ApiRefusal as error:
                if not refuses_metric(error):
                    raise
                named = refused_metrics(error, metrics)
                if named:
                    self._drop(named, kind, error)
                    metrics = [metric for metric in metrics if metric not in named]
                    continue
                return self._one_by_one(object_id, kind, metrics, error)
            self.succeeded += 1
            return data
        self.succeeded += 1
        return []

    def failed(self, object_id: str, error: ApiRefusal) -> None:
        """Record an object the API refused; raise once the stream's first objects were all refused."""
        self.client.item_error(object_id, error)
        self.failures += 1
        if not self.succeeded and self.failures >= self.FAIL_AFTER:
            raise ExtractorError(f"{self.client.platform}: the insights of the first {self.failures} objects "
                                 f"were all refused; the last: {error}")

    def _get(self, object_id: str, metrics: Sequence[str]) -> list[dict]:
        params = {"metric": ",".join(metrics), **self.extra}
        return parse_json(self.client.get(self.client.path(object_id, self.edge), params)).get("data") or []

    def _one_by_one(self, object_id: str, kind: str, metrics: list[str], error: ApiRefusal) -> list[dict]:
        data, named = [], []
        for metric in metrics:
            try:
                data += self._get(object_id, [metric])
            except ApiRefusal as alone:
                if not refuses_metric(alone):
                    raise
                named.append(metric)
        if not named:
            raise error  # each metric alone is accepted: the list as a whole was refused for another reason
        self._drop(named, kind, error)
        self.succeeded += 1
        return data

    def _drop(self, metrics: Sequence[str], kind: str, error: ApiRefusal) -> None:
        for metric in metrics:
            self.refused.setdefault(kind, set()).add(metric)
            self.client.dropped_metric(metric, kind, error)


def usage_wait(response: httpx.Response) -> float:
    """Seconds to wait from X-Business-Use-Case-Usage's estimated_time_to_regain_access (minutes)."""
    header = response.headers.get("x-business-use-case-usage")
    if header:
        try:
            usage = json.loads(header)
            minutes = max(entry.get("estimated_time_to_regain_access", 0)
                          for entries in usage.values() for entry in entries)
            if minutes:
                return 60.0 * minutes
        except (ValueError, AttributeError, TypeError):
            pass
    # X-App-Usage only reports percentages; Meta's window is an hour, so back off in minutes.
    return 60.0
