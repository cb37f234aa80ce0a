"""What a simulated platform handler takes and gives: the request, the response, the API error.

The platform modules (simulator.platforms) import this; the WSGI app (simulator.api) imports them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode

from simulator.world import World

GRAPH_VERSION = "v23.0"


@dataclass(frozen=True)
class Quirks:
    """Answers the real APIs give, in their documented shapes, that a night must survive; off by default, a
    test turns them on (simulator.api.Faults.quirks):
    - `missing_fields` (dotted paths) are left out of every `missing_every`-th item of each page of a listing;
    - `insights_refused_every`: the Graph API refuses the insights of each media or post whose id is a multiple
      of it (Instagram: media posted before the account became a business account, subcode 2108006);
    - `retired_metrics`: Graph insights metrics refused as no longer supported, named in the error;
    - `partial_errors`: X answers a page whose first tweet's author is gone with HTTP 200, the data, and an
      `errors` array naming that author (absent from includes.users)."""

    missing_fields: tuple[str, ...] = ()
    missing_every: int = 0
    insights_refused_every: int = 0
    retired_metrics: frozenset[str] = frozenset()
    partial_errors: bool = False


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    base: str  # scheme://host/<platform>, to build absolute paging links as the real APIs do
    body: object = None  # a POST's JSON body (GA4's runReport), None when absent or not JSON
    form: dict[str, str] = field(default_factory=dict)  # a POST's form fields (the OAuth token endpoints)
    quirks: Quirks = field(default_factory=Quirks)


@dataclass
class Response:
    status: int
    body: object
    headers: dict[str, str]


class ApiError(Exception):
    def __init__(self, status: int, body: object, headers: dict[str, str] | None = None):
        super().__init__(status)
        self.response = Response(status, body, headers or {})


Handler = Callable[[World, Request, dt.datetime, dict], Response]


def iso_z(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def page_link(request: Request, **params: object) -> str:
    query = {**request.query, **{key: str(value) for key, value in params.items()}}
    return f"{request.base}{request.path}?{urlencode(query)}"
