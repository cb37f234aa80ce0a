"""Google Analytics Data API v1beta: runReport of a GA4 property (the shop's sessions from social links).

POST /v1beta/properties/{property_id}:runReport with a JSON body: dateRanges, dimensions, metrics, offset,
limit. Rows carry `dimensionValues` and `metricValues` whose values are strings, as the real API sends them;
`rowCount` is the total before paging. Errors use Google's `{"error": {"code", "message", "status"}}`."""

from __future__ import annotations

import datetime as dt
import json
from typing import cast

from simulator.protocol import ApiError, Request, Response
from simulator.web import brand_of, sessions_on
from simulator.world import World

# sessionDefaultChannelGroup: GA4's own channel of the session (simulator.web.default_channel_group).
DIMENSIONS = ("date", "sessionSource", "sessionMedium", "sessionCampaignName", "sessionManualAdContent",
              "sessionDefaultChannelGroup")
METRICS = {"sessions": "TYPE_INTEGER", "keyEvents": "TYPE_INTEGER", "totalRevenue": "TYPE_CURRENCY"}
MAX_LIMIT = 250_000


def _error(code: int, status: str, message: str) -> ApiError:
    return ApiError(code, {"error": {"code": code, "message": message, "status": status}})


def expired_token_error() -> ApiError:
    return _error(401, "UNAUTHENTICATED", "Request had invalid authentication credentials. Expected OAuth 2 "
                                          "access token, login cookie or other valid authentication credential.")


def rate_limit_error(as_of: dt.datetime) -> ApiError:
    return _error(429, "RESOURCE_EXHAUSTED", "Exhausted property tokens per hour for a project per property. "
                                             "To learn more, visit https://developers.google.com/analytics/"
                                             "devguides/reporting/data/v1/quotas")


def _check_token(request: Request) -> None:
    if not request.headers.get("authorization", "").startswith("Bearer "):
        raise expired_token_error()


def _date(value: str, as_of: dt.datetime) -> dt.date:
    if value == "today":
        return (as_of - dt.timedelta(microseconds=1)).date()
    if value == "yesterday":
        return (as_of - dt.timedelta(microseconds=1)).date() - dt.timedelta(days=1)
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise _error(400, "INVALID_ARGUMENT", f"Invalid date: {value!r}.") from None


def _number(value: float | int, kind: str) -> str:
    return str(int(value)) if kind == "TYPE_INTEGER" else (f"{value:.2f}".rstrip("0").rstrip(".") or "0")


def run_report(world: World, request: Request, as_of: dt.datetime, params: dict) -> Response:
    _check_token(request)
    brand = brand_of(world, params["property_id"])
    if brand is None:
        raise _error(403, "PERMISSION_DENIED", "User does not have sufficient permissions for this property.")
    body = cast(dict, request.body or {})  # runReport's JSON body is an object
    dimensions = [item.get("name") for item in body.get("dimensions", [])]
    metrics = [item.get("name") for item in body.get("metrics", [])]
    unknown = [name for name in dimensions if name not in DIMENSIONS] + [m for m in metrics if m not in METRICS]
    if unknown or not metrics:
        raise _error(400, "INVALID_ARGUMENT", f"Field {unknown[0] if unknown else 'metrics'} is not a valid "
                                              "dimension or metric in this simulator.")
    ranges = body.get("dateRanges") or [{"startDate": "yesterday", "endDate": "yesterday"}]
    start, end = _date(ranges[0]["startDate"], as_of), _date(ranges[0]["endDate"], as_of)
    last = (as_of - dt.timedelta(microseconds=1)).date()
    offset = int(body.get("offset", 0) or 0)
    limit = int(body.get("limit", 10_000) or 10_000)
    if offset < 0 or not 1 <= limit <= MAX_LIMIT:
        raise _error(400, "INVALID_ARGUMENT", "limit must be between 1 and 250000 and offset not negative.")
    totals: dict[tuple, list] = {}
    day = start
    while day <= min(end, last):  # the future has no data
        for row in sessions_on(world, brand, day):
            key = tuple(row[name] for name in dimensions)
            sums = totals.setdefault(key, [0, 0, 0.0])
            sums[0] += row["sessions"]
            sums[1] += row["keyEvents"]
            sums[2] += row["totalRevenue"]
        day += dt.timedelta(days=1)
    ordered = sorted(totals.items())
    rows = [{"dimensionValues": [{"value": value} for value in key],
             "metricValues": [{"value": _number(sums[("sessions", "keyEvents", "totalRevenue").index(name)],
                                                METRICS[name])} for name in metrics]}
            for key, sums in ordered[offset: offset + limit]]
    answer: dict = {
        "dimensionHeaders": [{"name": name} for name in dimensions],
        "metricHeaders": [{"name": name, "type": METRICS[name]} for name in metrics],
    }
    if rows:
        answer["rows"] = rows  # an empty report leaves `rows` (and rowCount) out, as GA4 does
    if ordered:
        answer["rowCount"] = len(ordered)
    answer["metadata"] = {"currencyCode": "EUR" if brand.language == "fr" else "USD", "timeZone": brand.timezone}
    answer["kind"] = "analyticsData#runReport"
    return Response(200, answer, {})


ROUTES = [
    (r"/v1beta/properties/(?P<property_id>\d+):runReport", run_report),
]


def parse_body(raw: bytes) -> dict:
    try:
        return json.loads(raw or b"{}")
    except ValueError:
        raise _error(400, "INVALID_ARGUMENT", "Invalid JSON payload received.") from None
