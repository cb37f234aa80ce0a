"""Meta's Graph API (Facebook Pages and Instagram): the pinned version and its metric lists, in one place."""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx

from extractors.base import Client, parse_json, retry_after

GRAPH_API_VERSION = "v23.0"

# Metrics per Graph version. Asking for a retired metric fails the whole call, so the list follows the
# version: impressions and plays were retired for media in v22 (2025), replaced by views.
INSTAGRAM_MEDIA_METRICS = {
    "v21.0": ("reach", "saved", "shares", "impressions", "total_interactions"),
    "v23.0": ("reach", "saved", "shares", "views", "total_interactions"),
}

# Meta's throttling codes: app (4), user (17), too many calls (32), page/account (613, 80001-80006).
RATE_LIMIT_CODES = {4, 17, 32, 613, 80001, 80002, 80004, 80005, 80006}


class GraphClient(Client):
    default_base_url = "https://graph.facebook.com"
    version = GRAPH_API_VERSION

    def auth_headers(self) -> dict[str, str]:
        return {}

    def auth_params(self) -> dict[str, str]:
        return {"access_token": self._token}

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
