"""The simulated world served in the shape of the platforms' public APIs, as one WSGI app."""

from __future__ import annotations

import copy
import datetime as dt
import email.utils
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import parse_qs, parse_qsl

import httpx

from core.config import Drift, Settings
from simulator.auth import TokenAuthority
from simulator.platforms import ROUTES
from simulator.protocol import GRAPH_VERSION, ApiError, Handler, Quirks, Request, Response, iso_z, page_link
from simulator.world import World

__all__ = ["GRAPH_VERSION", "ApiError", "Faults", "Handler", "Quirks", "Request", "Response", "SimulatorApp",
           "iso_z", "page_link", "simulator_transport", "transport"]

@dataclass
class Faults:
    """Knobs that make the simulated APIs misbehave the way the real ones do."""

    rate_limit_every: int = 0  # every Nth request gets the platform's rate-limit answer
    server_error_every: int = 0  # every Nth request gets a 503
    expired_token: bool = False
    truncate_every: int = 0  # every Nth body is cut in half
    delay_seconds: float = 0.0  # slow answers: the server waits this long before answering ...
    delay_every: int = 0  # ... every Nth request (0: every request, when delay_seconds is set)
    sleep: Callable[[float], None] = field(default=time.sleep, repr=False)
    quirks: Quirks = field(default_factory=Quirks)  # documented but unhappy answers (simulator.protocol.Quirks)
    # Tokens (simulator.auth): the lifetime of an access token (0: the platform's documented one), how far the
    # simulated clock moves with each request (so a night's run outlives its tokens), whether token answers
    # announce the expiry, the account keys whose grant is revoked, and the service accounts' public keys.
    token_lifetime_seconds: float = 0.0
    seconds_per_request: float = 0.0
    announce_token_expiry: bool = True
    revoked: frozenset[str] = frozenset()
    service_accounts: dict[str, str] = field(default_factory=dict)

    def delay_for(self, request_number: int) -> float:
        if self.delay_seconds <= 0:
            return 0.0
        return self.delay_seconds if not self.delay_every or request_number % self.delay_every == 0 else 0.0


class SimulatorApp:
    """A WSGI app: `/<platform>/<platform's own path>`; the simulated clock says what 'now' is."""

    def __init__(self, world: World, as_of: dt.datetime, faults: Faults | None = None):
        self.world = world
        self.as_of = as_of
        self.faults = faults or Faults()
        self.routes = ROUTES
        self.requests = 0
        self.token_requests = 0
        self.served: dict[str, int] = {}
        self.tokens = TokenAuthority(self.now, self.faults.token_lifetime_seconds, self.faults.announce_token_expiry,
                                     self.faults.revoked, self.faults.service_accounts)

    def now(self) -> dt.datetime:
        """The simulated clock: the night's moment, moved on by every data request so far (not by the token
        requests, so that a night whose tokens expire reads what the same night without expiry reads)."""
        elapsed = self.requests * self.faults.seconds_per_request
        return self.as_of + dt.timedelta(seconds=elapsed) if elapsed else self.as_of

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        platform, _, rest = path.lstrip("/").partition("/")
        token_request = self.tokens.is_token_path(platform, "/" + rest)
        if token_request:
            self.token_requests += 1  # counted apart: the faults' every-Nth cadence is of data requests
        else:
            self.requests += 1
        host = environ.get("HTTP_HOST") or environ.get("SERVER_NAME", "localhost")
        body, form = _body(environ)
        request = Request(
            method=environ["REQUEST_METHOD"],
            path="/" + rest,
            query={key: values[-1] for key, values in parse_qs(environ.get("QUERY_STRING", "")).items()},
            headers={key[5:].replace("_", "-").lower(): value for key, value in environ.items()
                     if key.startswith("HTTP_")},
            base=f"{environ.get('wsgi.url_scheme', 'http')}://{host}/{platform}",
            body=body,
            form=form,
            quirks=self.faults.quirks,
        )
        delay = 0.0 if token_request else self.faults.delay_for(self.requests)
        if delay:
            self.faults.sleep(delay)
        response = self._dispatch(platform, request)
        payload = json.dumps(response.body, ensure_ascii=False).encode()
        if not token_request and self.faults.truncate_every and self.requests % self.faults.truncate_every == 0:
            payload = payload[: len(payload) // 2]
        start_response(f"{response.status} {'OK' if response.status < 400 else 'Error'}", self.headers(response))
        return [payload]

    def headers(self, response: Response) -> list[tuple[str, str]]:
        """An answer's headers. Every answer says what time it is on the simulated clock (`Date`), as HTTP
        servers do on theirs: the clock the simulated APIs check their window rules against."""
        return [("Content-Type", "application/json; charset=utf-8"),
                ("Date", email.utils.format_datetime(self.now().astimezone(dt.UTC), usegmt=True)),
                *response.headers.items()]

    def _dispatch(self, platform: str, request: Request) -> Response:
        module = self.routes.get(platform)
        if module is None:
            return Response(404, {"error": f"unknown platform {platform!r}"}, {})
        if self.tokens.is_token_path(platform, request.path):
            return self.tokens.answer(platform, request)
        try:
            if self.faults.expired_token:
                raise module.expired_token_error()
            self.tokens.check(platform, request, module.expired_token_error)
            if self.faults.rate_limit_every and self.requests % self.faults.rate_limit_every == 0:
                raise module.rate_limit_error(self.now())
            if self.faults.server_error_every and self.requests % self.faults.server_error_every == 0:
                raise ApiError(503, {"error": "service unavailable"})
            for pattern, handler in module.ROUTES:
                match = _compiled(pattern).fullmatch(request.path)
                if match:
                    # The handlers answer as of the simulated clock (the night's moment unless time moves).
                    response = handler(self.world, request, self.now(), match.groupdict())
                    self.served[platform] = self.served.get(platform, 0) + 1
                    night = (self.as_of - dt.timedelta(microseconds=1)).date()
                    return _drifted(_without_fields(response, request.quirks), platform,
                                    self.world.settings.simulator.drift, night)
            return Response(404, {"error": f"no route {request.path}"}, {})
        except ApiError as error:
            return error.response


# Where each API's listings keep their items: Graph and X `data`, LinkedIn `elements`, YouTube `items`, Bluesky
# `feed` and `posts`, Mastodon a bare list (and `descendants` of a context), TikTok `data.videos`.
LIST_KEYS = ("data", "elements", "items", "feed", "posts", "descendants")


def _without_fields(response: Response, quirks: Quirks) -> Response:
    """The answer with quirks.missing_fields left out of every missing_every-th item of its listing (on a copy:
    the handlers memoize what they shape)."""
    if not quirks.missing_fields or quirks.missing_every <= 0 or response.status >= 400:
        return response
    body = copy.deepcopy(response.body)
    response = Response(response.status, body, response.headers)
    items = body if isinstance(body, list) else None
    if isinstance(body, dict):
        items = next((body[key] for key in LIST_KEYS if isinstance(body.get(key), list)), None)
        if items is None and isinstance(body.get("data"), dict) and isinstance(body["data"].get("videos"), list):
            items = body["data"]["videos"]
    if not items:
        return response
    for index in range(quirks.missing_every - 1, len(items), quirks.missing_every):
        item = items[index]
        for path in quirks.missing_fields:
            *parents, last = path.split(".")
            holder = item
            for part in parents:
                holder = holder.get(part) if isinstance(holder, dict) else None
            if isinstance(holder, dict):
                holder.pop(last, None)
    return response


def _listed(body: object) -> list | None:
    if isinstance(body, list):
        return body
    if isinstance(body, dict):
        items = next((body[key] for key in LIST_KEYS if isinstance(body.get(key), list)), None)
        if items is None and isinstance(body.get("data"), dict) and isinstance(body["data"].get("videos"), list):
            items = body["data"]["videos"]
        return items
    return None


def _drifted(response: Response, platform: str, drifts: tuple[Drift, ...], night: dt.date) -> Response:
    """The answer as a platform that changed its API on `night` gives it (simulator.drift in the world's
    configuration): a field dropped or renamed in every item of a listing (an item not a listing: the body),
    or a Graph insights metric (an item with `name` and `values`) no longer returned, or under a new name."""
    active = [drift for drift in drifts if drift.platform == platform and drift.since <= night
              and (drift.until is None or night <= drift.until)]
    if not active or response.status >= 400:
        return response
    body = copy.deepcopy(response.body)
    listed = _listed(body)
    items = listed if listed is not None else [body]
    for drift in active:
        kept = []
        for item in items:
            if isinstance(item, dict) and item.get("name") == drift.field and "values" in item:
                if drift.rename_to is None:
                    continue  # the metric is no longer returned
                item["name"] = drift.rename_to
            elif isinstance(item, dict):
                *parents, last = drift.field.split(".")
                holder: object = item
                for part in parents:
                    holder = holder.get(part) if isinstance(holder, dict) else None
                if isinstance(holder, dict) and last in holder:
                    value = holder.pop(last)
                    if drift.rename_to is not None:
                        holder[drift.rename_to] = value
            kept.append(item)
        items[:] = kept
    return Response(response.status, body, response.headers)


_PATTERNS: dict[str, re.Pattern] = {}


def _compiled(pattern: str) -> re.Pattern:
    """A route's pattern compiled once (re.fullmatch looks its cache up for every route of every request)."""
    compiled = _PATTERNS.get(pattern)
    if compiled is None:
        compiled = _PATTERNS[pattern] = re.compile(pattern)
    return compiled


def _body(environ) -> tuple[object, dict[str, str]]:
    """A POST's JSON body (None when absent or not JSON) and its form fields (the token endpoints')."""
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if not length:
        return None, {}
    content = environ["wsgi.input"].read(length)
    return parse_body(content, environ.get("CONTENT_TYPE", ""))


def parse_body(content: bytes, content_type: str) -> tuple[object, dict[str, str]]:
    if content_type.startswith("application/x-www-form-urlencoded"):
        return None, dict(parse_qsl(content.decode("utf-8", "replace")))
    try:
        return json.loads(content), {}
    except ValueError:
        return None, {}


def transport(world: World, as_of: dt.datetime, faults: Faults | None = None) -> httpx.WSGITransport:
    """An in-process httpx transport over the simulator: real HTTP semantics, no sockets."""
    return httpx.WSGITransport(app=SimulatorApp(world, as_of, faults))


def simulator_transport(settings: Settings, snapshot_date: dt.date,
                        faults: Faults | None = None) -> httpx.WSGITransport:
    """The transport the extractors get for a night of the simulated world (`extraction.source: simulator`)."""
    world = World(settings, through=snapshot_date)
    return transport(world, world.now(snapshot_date), faults)

