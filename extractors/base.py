"""The shared extractor client: auth, retries with backoff, rate limits, redaction; and the stream base."""

from __future__ import annotations

import datetime as dt
import json
import logging
import random
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import ClassVar, Generic, TypeVar

import httpx

from core.config import Account
from core.landing import Record

log = logging.getLogger(__name__)


# Where requests go when the caller hands a transport in place of the network (an in-process API: the
# simulator, or recorded payloads) and the account names no base URL of its own.
IN_PROCESS_HOST = "http://simulator.local"


class ExtractorError(RuntimeError):
    """An API answer the extractor cannot use; the message never carries a token."""


class AuthError(ExtractorError):
    """An expired or revoked token: not retried, the connection must be fixed."""

    def __init__(self, platform: str, account: Account, detail: str):
        super().__init__(
            f"{platform} rejected the token of account {account.handle} ({account.key}): {detail}. "
            f"Renew the token in the Airflow connection '{account.connection_id}' "
            f"(or the SMW_CONN_{account.connection_id.upper()} environment variable)."
        )


class QuotaExhausted(ExtractorError):
    """The API's quota is gone for longer than the run may wait: the stream stops cleanly."""


@dataclass
class RunContext:
    """What one nightly extraction of one account needs to know about time."""

    snapshot_date: dt.date  # the logical date: counters are read as of the end of this day
    window_start: dt.date  # posts published since then are (re)read; older ones are settled
    hashtags: tuple[str, ...] = ()  # the brand's campaign hashtags (with #): searched for others' posts

    @property
    def window_start_utc(self) -> dt.datetime:
        return dt.datetime.combine(self.window_start, dt.time(), tzinfo=dt.UTC)

    @property
    def snapshot_end_utc(self) -> dt.datetime:
        return dt.datetime.combine(self.snapshot_date + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)

    def search_start_utc(self, reach_days: int) -> dt.datetime:
        """The window start, or the oldest time a search API reaching `reach_days` back still accepts from
        a run made up to a day late; derived from the logical date alone, so a re-run asks the same."""
        return max(self.window_start_utc, self.snapshot_end_utc - dt.timedelta(days=reach_days - 1))


@dataclass
class Stats:
    requests: int = 0
    retries: int = 0
    waited_seconds: float = 0.0
    notes: list[str] = field(default_factory=list)


class Client:
    """One HTTP client per platform and account. Subclasses say how to authenticate and read errors."""

    platform: ClassVar[str]
    default_base_url: ClassVar[str]

    def __init__(
        self,
        account: Account,
        token: str,
        *,
        base_url: str | None = None,
        transport: httpx.BaseTransport | None = None,
        max_attempts: int = 6,
        max_wait_seconds: float = 900.0,
        sleep: Callable[[float], None] = time.sleep,
        timeout: float = 30.0,
    ):
        self.account = account
        self._token = token
        self.max_attempts = max_attempts
        self.max_wait_seconds = max_wait_seconds
        self.sleep = sleep
        self.stats = Stats()
        self.http = httpx.Client(
            base_url=base_url or account.base_url or self.default_base_url,
            transport=transport,
            timeout=timeout,
            headers=self.auth_headers(),
        )

    # --- what platforms override -------------------------------------------------------------
    def auth_headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self._token}"}

    def auth_params(self) -> dict[str, str]:
        return {}

    def is_auth_error(self, response: httpx.Response) -> bool:
        return response.status_code == 401

    def rate_limit_wait(self, response: httpx.Response) -> float | None:
        """Seconds to wait before retrying, if this answer is a rate limit; None if it is not."""
        if response.status_code != 429:
            return None
        wait = retry_after(response)
        return 60.0 if wait is None else wait  # 0 means the window has already reset

    # --- the shared mechanism ----------------------------------------------------------------
    def redact(self, text: str) -> str:
        text = text.replace(self._token, "***") if self._token else text
        return re.sub(r"(access_token=)[^&\s\"']+", r"\1***", text)

    def get(self, url: str, params: dict | None = None) -> httpx.Response:
        return self._send("GET", url, params, None)

    def post(self, url: str, json: object = None, params: dict | None = None) -> httpx.Response:
        """POST a JSON body (TikTok's video list and query, GA4's runReport) under the same policy as GET."""
        return self._send("POST", url, params, json)

    def request(self, method: str, url: str, *, params: dict | None = None, json: object = None) -> httpx.Response:
        return self._send(method, url, params, json)

    def _send(self, method: str, url: str, params: dict | None, json: object) -> httpx.Response:
        """One call with retries: transport errors, 5xx, truncated bodies and rate limits are retried with
        backoff; an auth error raises AuthError at once; another 4xx raises ExtractorError."""
        if url.startswith("http"):
            # A next-page link carries its own query; httpx would replace it with `params`, losing the cursor.
            url, params = str(httpx.URL(url).copy_merge_params(self.auth_params())), None
        else:
            # None, not {}: httpx drops the query of a relative url when given empty params.
            params = {**self.auth_params(), **(params or {})} or None
        for attempt in range(1, self.max_attempts + 1):
            self.stats.requests += 1
            try:
                if method == "GET":  # through http.get, which GA4Client.request wraps to send its POST
                    response = self.http.get(url, params=params)
                else:
                    response = self.http.request(method, url, params=params, json=json)
            except (httpx.TimeoutException, httpx.TransportError) as error:
                self._backoff(attempt, f"{type(error).__name__}")
                continue
            if self.is_auth_error(response):
                raise AuthError(self.platform, self.account, self._describe(response))
            wait = self.rate_limit_wait(response)
            if wait is not None:
                if wait > self.max_wait_seconds or attempt == self.max_attempts:
                    raise QuotaExhausted(
                        f"{self.platform} quota exhausted for {self.account.key}; retry in {wait:.0f}s: "
                        f"{self._describe(response)}"
                    )
                self._wait(wait, f"rate limited ({response.status_code})")
                continue
            if response.status_code >= 500:
                self._backoff(attempt, f"HTTP {response.status_code}")
                continue
            if response.status_code >= 400 and not _readable(response):
                # The APIs always explain a 4xx in a JSON body; one cut short in transit is retried.
                self._backoff(attempt, f"HTTP {response.status_code} with an unreadable body")
                continue
            if response.status_code >= 400:
                raise ExtractorError(
                    f"{self.platform} {self.redact(str(response.request.url))}: {self._describe(response)}"
                )
            try:
                response.json()
            except ValueError:
                # A body cut short in transit: the same request usually succeeds again.
                self._backoff(attempt, "truncated or invalid JSON body")
                continue
            return response
        raise ExtractorError(
            f"{self.platform} {self.redact(url)}: gave up after {self.max_attempts} attempts"
        )

    def _describe(self, response: httpx.Response) -> str:
        return f"HTTP {response.status_code} {self.redact(response.text[:300])}"

    def _backoff(self, attempt: int, reason: str) -> None:
        # Full jitter keeps many mapped tasks from retrying in step against the same API.
        self._wait(random.uniform(0, min(60.0, 0.5 * 2**attempt)), reason)

    def _wait(self, seconds: float, reason: str) -> None:
        self.stats.retries += 1
        self.stats.waited_seconds += seconds
        log.warning("%s %s: %s, waiting %.1fs", self.platform, self.account.key, reason, seconds)
        self.sleep(seconds)

    def close(self) -> None:
        self.http.close()


def _readable(response: httpx.Response) -> bool:
    try:
        response.json()
    except ValueError:
        return False
    return True


def retry_after(response: httpx.Response) -> float | None:
    """Seconds from Retry-After, or from an x-rate-limit-reset epoch/ISO header, whichever is given."""
    header = response.headers.get("retry-after")
    if header:
        try:
            return max(0.0, float(header))
        except ValueError:
            pass
    reset = response.headers.get("x-rate-limit-reset") or response.headers.get("x-ratelimit-reset")
    if reset:
        now = dt.datetime.now(dt.UTC)
        try:
            return max(0.0, float(reset) - now.timestamp())
        except ValueError:
            try:
                return max(0.0, (dt.datetime.fromisoformat(reset.replace("Z", "+00:00")) - now).total_seconds())
            except ValueError:
                return None
    return None


C = TypeVar("C", bound=Client)


class Stream(Generic[C]):
    """One endpoint: how to read its records for one account and night. What the stream is (its key, its
    parent stream, its raw table) is declared once, in core.catalog, under the same name.

    A stream is generic over the client of its platform (`Stream[MastodonClient]`), whose own helpers
    (paging, batching) its records use."""

    name: ClassVar[str]

    def records(self, client: C, context: RunContext, parents: list[dict]) -> Iterator[Record]:
        raise NotImplementedError


def parse_json(response: httpx.Response):
    return json.loads(response.content)
