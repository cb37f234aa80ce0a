"""What a simulated platform handler takes and gives: the request, the response, the API error.

The platform modules (simulator.platforms) import this; the WSGI app (simulator.api) imports them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from simulator.world import World

GRAPH_VERSION = "v23.0"


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    base: str  # scheme://host/<platform>, to build absolute paging links as the real APIs do
    body: object = None  # a POST's JSON body (GA4's runReport), None when absent or not JSON


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
