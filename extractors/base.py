"""The shared extractor client: auth, retries with backoff, rate limits, redaction; and the stream base."""

from __future__ import annotations

import datetime as dt
import email.utils
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
from core.secrets import Credential, TokenStore, env_name, update_airflow_connection

log = logging.getLogger(__name__)


# Where requests go when the caller hands a transport in place of the network (an in-process API: the
# simulator, or recorded payloads) and the account names no base URL of its own.
IN_PROCESS_HOST = "http://simulator.local"


class ExtractorError(RuntimeError):
    """An API answer the extractor cannot use; the message never carries a token."""


class AuthError(ExtractorError):
    """An expired or revoked token that renewing did not cure: not retried, the connection must be fixed.
    The message names the account, what was refused, what to do (`hint`, the platform's own way to get a new
    credential) and where to store the result."""

    def __init__(self, platform: str, account: Account, detail: str, hint: str = "",
                 refused: str = "the token"):
        super().__init__(
            f"{platform} account {account.handle} ({account.key}): {platform} refused {refused}: {detail}. "
            f"{hint or 'Renew the token'}, and store it in the Airflow connection '{account.connection_id}' "
            f"(or the {env_name(account.connection_id)} environment variable)."
        )


@dataclass
class Grant:
    """A token endpoint's answer: the access token, its lifetime if told, and a new refresh token if the
    platform handed one (rotated: the previous one stops working)."""

    access_token: str
    expires_in: float | None = None
    refresh_token: str | None = None


# A token the API says is about to expire is renewed this long before (at most a tenth of its lifetime).
RENEW_MARGIN = dt.timedelta(minutes=5)


class QuotaExhausted(ExtractorError):
    """The API's quota is gone for longer than the run may wait: the stream stops cleanly."""


class ApiRefusal(ExtractorError):
    """A 4xx answer that is neither an auth error nor a rate limit: the API refused this one request. `status`
    and `body` (the parsed JSON answer) let a stream tell a refusal of one item or one metric from the rest."""

    def __init__(self, message: str, status: int, body: object):
        super().__init__(message)
        self.status = status
        self.body = body


@dataclass
class RunContext:
    """What one nightly extraction of one account needs to know about time."""

    snapshot_date: dt.date  # the logical date: counters are read as of the end of this day
    window_start: dt.date  # posts published since then are (re)read; older ones are settled
    hashtags: tuple[str, ...] = ()  # the brand's campaign hashtags (with #): searched for others' posts
    rivals: tuple[str, ...] = ()  # handles of the brand's rivals on this platform, read through this account

    @property
    def window_start_utc(self) -> dt.datetime:
        return dt.datetime.combine(self.window_start, dt.time(), tzinfo=dt.UTC)

    @property
    def snapshot_end_utc(self) -> dt.datetime:
        return dt.datetime.combine(self.snapshot_date + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)


@dataclass
class Stats:
    requests: int = 0
    token_requests: int = 0  # to the token endpoints, counted apart: they read no data
    renewals: int = 0  # access tokens obtained after the first (on expiry, or as it neared)
    retries: int = 0
    waited_seconds: float = 0.0
    notes: list[str] = field(default_factory=list)


LISTED = 50  # a manifest lists at most this many items of a kind; the count covers all of them


@dataclass
class Findings:
    """What one stream met that did not stop it, for its entry in the manifest (and the run's log):
    - `missing`: items landed without a field the extractor reads, by field (a LinkedIn comment without its
      urn lands, but its replies cannot be asked for);
    - `skipped`: items not landed, by reason (no id to load them under, no time to place them in a window);
    - `item_errors`: items whose own read failed (one media's insights), with the API's error;
    - `dropped_metrics`: metrics the API refused (retired, or not for this media type), asked again without;
    - `api_errors`: errors an answer carried beside its data (X's partial errors);
    - `gaps`: time the stream could not read (a search that does not reach that far back)."""

    missing: dict[str, int] = field(default_factory=dict)
    skipped: dict[str, int] = field(default_factory=dict)
    item_errors: list[dict] = field(default_factory=list)
    item_error_count: int = 0
    dropped_metrics: list[dict] = field(default_factory=list)
    api_errors: list[dict] = field(default_factory=list)
    api_error_count: int = 0
    gaps: list[dict] = field(default_factory=list)

    def manifest(self) -> dict:
        """The non-empty findings, lists cut to LISTED entries (with the full count beside them)."""
        entry: dict[str, object] = {}
        if self.missing:
            entry["missing_fields"] = dict(sorted(self.missing.items()))
        if self.skipped:
            entry["skipped"] = dict(sorted(self.skipped.items()))
        if self.item_error_count:
            entry["item_errors"] = self.item_errors[:LISTED]
            entry["item_error_count"] = self.item_error_count
        if self.dropped_metrics:
            entry["dropped_metrics"] = self.dropped_metrics
        if self.api_error_count:
            entry["api_errors"] = self.api_errors[:LISTED]
            entry["api_error_count"] = self.api_error_count
        if self.gaps:
            entry["gaps"] = self.gaps
        return entry


def parse_time(value: object) -> dt.datetime | None:
    """An API's timestamp as an aware datetime: ISO 8601 with `Z` or an offset (`+00:00`, Graph's `+0000`),
    or epoch seconds; None when absent or unreadable (the caller decides what an item without it means)."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        try:
            return dt.datetime.fromtimestamp(value, dt.UTC)
        except (OverflowError, OSError, ValueError):
            return None
    if not isinstance(value, str):
        return None
    try:
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


class Client:
    """One HTTP client per platform and account. Subclasses say how to authenticate, how to obtain an access
    token from the account's long-lived credential (`renewable`, `obtain`), and how to read errors.

    The access token is obtained before the first request (when the credential is not one itself), renewed
    when the API's announced expiry is near, and renewed once more if the API refuses it anyway (expired
    early, or its lifetime unknown); the request is then sent again. A refusal after that, or of the
    credential itself, raises AuthError naming the account and what to do."""

    platform: ClassVar[str]
    default_base_url: ClassVar[str]
    version: str = ""  # the pinned API version, for the platforms that have one (core.config.Extraction)
    # How an operator gets a new credential, for the errors (README, Platforms has the details).
    renew_hint: ClassVar[str] = "Create a new access token"

    def __init__(
        self,
        account: Account,
        token: str | Credential,
        *,
        base_url: str | None = None,
        transport: httpx.BaseTransport | None = None,
        max_attempts: int = 6,
        max_wait_seconds: float = 900.0,
        sleep: Callable[[float], None] = time.sleep,
        timeout: float = 30.0,
        version: str | None = None,
        store: TokenStore | None = None,
    ):
        self.account = account
        if isinstance(token, str):  # an access token handed over as such (tests, one-off scripts)
            token = Credential(account.connection_id, account.platform, "given", {"access_token": token})
        self.credential = token
        self.store = store  # where a rotated refresh token is kept; None: not kept (the simulated source)
        self._secrets = {secret for secret in token.secrets() if secret}
        self._token: str | None = token.get("access_token")
        self._expires_at: dt.datetime | None = None
        self._refresh_token: str | None = None  # the latest, once read or rotated
        self.max_attempts = max_attempts
        self.max_wait_seconds = max_wait_seconds
        self.sleep = sleep
        if version:
            self.version = version
        self.stats = Stats()
        self.findings = Findings()  # the current stream's; extractors.run gives each stream a fresh one
        # What time it is for the API: a test may set a clock; else the Date of the API's latest answer (the
        # clock its window rules are checked against), else this machine's.
        self.clock: Callable[[], dt.datetime] | None = None
        self._server_time: tuple[dt.datetime, float] | None = None
        self.http = httpx.Client(
            base_url=base_url or account.base_url or self.default_base_url,
            transport=transport,
            timeout=timeout,
            headers=self.auth_headers(),
        )

    # --- what platforms override -------------------------------------------------------------
    def auth_headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self._token}"} if self._token else {}

    def auth_params(self) -> dict[str, str]:
        return {}

    def renewable(self) -> bool:
        """Whether the credential can give a new access token (a refresh token, an app password...)."""
        return False

    def obtain(self, refresh_token: str | None) -> Grant:
        """A new access token from the long-lived credential (`refresh_token`: the latest one known)."""
        raise self.auth_error("the access token has expired or was revoked", "")

    def is_auth_error(self, response: httpx.Response) -> bool:
        return response.status_code == 401

    def rate_limit_wait(self, response: httpx.Response) -> float | None:
        """Seconds to wait before retrying, if this answer is a rate limit; None if it is not."""
        if response.status_code != 429:
            return None
        wait = retry_after(response)
        return 60.0 if wait is None else wait  # 0 means the window has already reset

    def inspect(self, response: httpx.Response) -> None:
        """Look at a successful answer before the stream reads it (X keeps partial errors beside the data)."""

    # --- what the streams report -------------------------------------------------------------
    def now(self) -> dt.datetime:
        if self.clock is not None:
            return self.clock()
        if self._server_time is not None:
            said, at = self._server_time
            return said + dt.timedelta(seconds=time.monotonic() - at)
        return dt.datetime.now(dt.UTC)

    def missing(self, field_name: str) -> None:
        """An item landed without a field the extractor reads."""
        count = self.findings.missing[field_name] = self.findings.missing.get(field_name, 0) + 1
        if count == 1:
            log.warning("%s %s: an item without %s is landed as received", self.platform, self.account.key,
                        field_name)

    def skip(self, reason: str) -> None:
        """An item not landed, counted in the manifest."""
        count = self.findings.skipped[reason] = self.findings.skipped.get(reason, 0) + 1
        if count == 1:
            log.warning("%s %s: skipped %s", self.platform, self.account.key, reason)

    def item_error(self, item_id: str, error: ExtractorError) -> None:
        """One item whose own read the API refused: the stream carries on without it."""
        self.findings.item_error_count += 1
        self.findings.item_errors.append({"id": item_id, "error": self.redact(str(error))[:500]})
        log.warning("%s %s: item %s skipped: %s", self.platform, self.account.key, item_id,
                    self.redact(str(error))[:300])

    def dropped_metric(self, metric: str, scope: str, error: ExtractorError) -> None:
        """A metric the API refused for `scope` (a media type, the account): asked again without it."""
        self.findings.dropped_metrics.append({"metric": metric, "scope": scope,
                                              "error": self.redact(str(error))[:500]})
        log.warning("%s %s: metric %s dropped for %s: %s", self.platform, self.account.key, metric, scope,
                    self.redact(str(error))[:300])

    def api_errors(self, errors: list, where: str) -> None:
        """Errors an answer carried beside its data: kept in the manifest and logged, the data still landed."""
        self.findings.api_error_count += len(errors)
        room = LISTED - len(self.findings.api_errors)
        self.findings.api_errors.extend(errors[:max(0, room)])
        log.warning("%s %s: %s answered %d error(s) beside its data: %s", self.platform, self.account.key,
                    where, len(errors), self.redact(json.dumps(errors[:3], ensure_ascii=False))[:500])

    def gap(self, start: dt.datetime, end: dt.datetime, reason: str) -> None:
        """Time the stream could not read."""
        self.findings.gaps.append({"from": start.isoformat(), "to": end.isoformat(), "reason": reason})
        log.warning("%s %s: not read from %s to %s: %s", self.platform, self.account.key, start.isoformat(),
                    end.isoformat(), reason)

    # --- tokens ------------------------------------------------------------------------------
    def auth_error(self, detail: str, refused: str = "the token") -> AuthError:
        return AuthError(self.platform, self.account, self.redact(detail), self.renew_hint, refused)

    def endpoint(self, url: str) -> str:
        """A token endpoint on the platform's own host (`url`), or on the base URL's host when a proxy or the
        simulator serves the API (same path); the credential's `token_url` wins over both."""
        override = self.credential.get("token_url")
        if override:
            return override
        if str(self.http.base_url).rstrip("/") == self.default_base_url:
            return url
        return httpx.URL(url).path

    def token_call(self, url: str, *, form: dict | None = None, json: object = None,
                   headers: dict[str, str] | None = None) -> tuple[httpx.Response, dict]:
        """One call to a token endpoint, without the API's Authorization header (only `headers`): 5xx and
        network errors retried thrice; the answer and its JSON body ({} if none) for the caller to judge."""
        for attempt in range(1, 4):
            self.stats.token_requests += 1
            request = self.http.build_request("POST", url, data=form, json=json)
            request.headers.pop("Authorization", None)
            request.headers.update(headers or {})
            try:
                response = self.http.send(request)
            except (httpx.TimeoutException, httpx.TransportError) as error:
                self._backoff(attempt, f"token endpoint: {type(error).__name__}")
                continue
            self._note_date(response)
            if response.status_code >= 500 or response.status_code == 429:
                self._backoff(attempt, f"token endpoint: HTTP {response.status_code}")
                continue
            try:
                body = response.json()
            except ValueError:
                # A body cut short in transit (the endpoints always answer JSON): the same request again.
                self._backoff(attempt, f"token endpoint: HTTP {response.status_code} with an unreadable body")
                continue
            return response, body if isinstance(body, dict) else {}
        raise ExtractorError(f"{self.platform} {self.account.key}: the token endpoint did not answer after 3 attempts")

    @staticmethod
    def token_error(response: httpx.Response, body: dict) -> str:
        """A token endpoint's refusal, from its error fields only: its body may hold tokens not known yet."""
        said = [str(body[name]).rstrip(".") for name in ("error", "error_description", "message")
                if isinstance(body.get(name), str | int)]
        return f"HTTP {response.status_code} {': '.join(said) or '(no error named)'}"

    def refresh_grant(self, url: str, form: dict, headers: dict[str, str] | None = None,
                      refused: str = "the refresh token") -> Grant:
        """An OAuth 2.0 token request (RFC 6749: a refresh_token or a JWT bearer grant) and its answer; an
        error answer (`invalid_grant`: revoked or expired) raises AuthError."""
        response, body = self.token_call(url, form=form, headers=headers)
        token = body.get("access_token")
        if response.status_code != 200 or not isinstance(token, str) or not token:
            raise self.auth_error(self.token_error(response, body), refused)
        expires = body.get("expires_in")
        try:
            lifetime = float(expires) if expires is not None else None
        except (TypeError, ValueError):
            lifetime = None
        rotated = body.get("refresh_token")
        return Grant(token, lifetime, rotated if isinstance(rotated, str) and rotated else None)

    def _ensure_token(self) -> None:
        if self._token is None:
            if not self.renewable():
                raise self.auth_error(f"{self.credential.where} holds no access token and nothing to obtain one "
                                      f"with ({self.credential.kind})", "the credential")
            self._renew()
        elif self._expires_at is not None and self.now() >= self._expires_at and self.renewable():
            log.info("%s %s: the access token is about to expire; renewing it", self.platform, self.account.key)
            self._renew()

    def _renew(self) -> None:
        if self.store is not None and self.credential.source != "simulated":
            with self.store.locked(self.credential.connection_id):
                self._renew_now()
        else:
            self._renew_now()

    def _renew_now(self) -> None:
        first = self._token is None
        used = self._refresh_token
        if used is None:
            used = (self.store.refresh_token(self.credential) if self.store is not None
                    else self.credential.get("refresh_token"))
        grant = self.obtain(used)
        self._token = grant.access_token
        self._secrets.add(grant.access_token)
        self._expires_at = None
        if grant.expires_in:
            margin = min(RENEW_MARGIN, dt.timedelta(seconds=grant.expires_in / 10))
            self._expires_at = self.now() + dt.timedelta(seconds=grant.expires_in) - margin
        if not first:
            self.stats.renewals += 1
        if grant.refresh_token and grant.refresh_token != used:
            self._secrets.add(grant.refresh_token)
            self._refresh_token = grant.refresh_token
            self._keep(grant.refresh_token)
        elif used:
            self._refresh_token = used
        self.http.headers.pop("Authorization", None)
        self.http.headers.update(self.auth_headers())

    def _keep(self, refresh_token: str) -> None:
        """A rotated refresh token: the previous one no longer works, so the new one must outlive the run."""
        if self.store is None or self.credential.source in ("simulated", "given"):
            return
        self.store.save(self.credential, refresh_token)
        written = update_airflow_connection(self.credential, refresh_token)
        log.warning("%s %s: %s rotated the refresh token of %s; the new one is kept in %s%s", self.platform,
                    self.account.key, self.platform, self.credential.where,
                    self.store.path(self.credential.connection_id),
                    " and written into the connection" if written else
                    " (it is used from there while the connection holds the one it replaced)")

    def check(self) -> str:
        """Obtain an access token as a run would; what was obtained (check-credentials)."""
        self._ensure_token()
        if self.stats.token_requests:
            expiry = f", expires {self._expires_at.isoformat(timespec='seconds')}" if self._expires_at else ""
            return f"obtained an access token{expiry}"
        return "access token used as stored"

    # --- the shared mechanism ----------------------------------------------------------------
    def redact(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, "***")
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
        self._ensure_token()
        if url.startswith("http"):
            # A next-page link carries its own query; httpx would replace it with `params`, losing the cursor.
            url, params = str(httpx.URL(url).copy_merge_params(self.auth_params())), None
        else:
            # None, not {}: httpx drops the query of a relative url when given empty params.
            params = {**self.auth_params(), **(params or {})} or None
        renewed = False
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
            self._note_date(response)
            if self.is_auth_error(response):
                if not renewed and self.renewable():
                    # Expired before its announced time, or its lifetime was not announced: renew, and ask again
                    # (not counted as a retry: nothing went wrong with the request). A fresh token refused at
                    # once is not renewed again.
                    renewed = True
                    log.warning("%s %s: the access token was refused (%s); renewing it", self.platform,
                                self.account.key, self._describe(response)[:120])
                    self._renew()
                    continue
                raise self.auth_error(self._describe(response))
            # Another answer came in between: a later refusal is a new expiry (short-lived tokens during long
            # waits), not the fresh token refused at once (a missing scope), which fails above.
            renewed = False
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
                raise ApiRefusal(
                    f"{self.platform} {self.redact(str(response.request.url))}: {self._describe(response)}",
                    response.status_code, response.json(),
                )
            try:
                response.json()
            except ValueError:
                # A body cut short in transit: the same request usually succeeds again.
                self._backoff(attempt, "truncated or invalid JSON body")
                continue
            self.inspect(response)
            return response
        raise ExtractorError(
            f"{self.platform} {self.redact(url)}: gave up after {self.max_attempts} attempts"
        )

    def _note_date(self, response: httpx.Response) -> None:
        header = response.headers.get("date")
        if not header:
            return
        try:
            said = email.utils.parsedate_to_datetime(header)
        except (TypeError, ValueError, IndexError):
            return
        if said.tzinfo is None:
            said = said.replace(tzinfo=dt.UTC)
        self._server_time = (said, time.monotonic())

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
