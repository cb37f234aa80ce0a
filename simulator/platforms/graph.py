"""What Meta's Graph API answers the same way for Facebook Pages and Instagram: errors, paging, time format."""

from __future__ import annotations

import base64
import datetime as dt

from simulator.protocol import ApiError, Request, page_link


def graph_timestamp(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S+0000")


def graph_error(status: int, code: int, message: str, kind: str = "OAuthException", subcode: int | None = None):
    error = {"message": message, "type": kind, "code": code, "fbtrace_id": "AsimulatedTrace"}
    if subcode is not None:
        error["error_subcode"] = subcode
    return ApiError(status, {"error": error})


def check_token(request: Request) -> None:
    if not request.query.get("access_token"):
        raise graph_error(400, 190, "An active access token must be used to query information.")


def cursor_page(request: Request, items: list, limit_default: int = 25) -> dict:
    limit = min(int(request.query.get("limit", limit_default)), 100)
    start = int(base64.b64decode(request.query["after"]).decode()) if request.query.get("after") else 0
    chunk = items[start:start + limit]
    body: dict = {"data": chunk}
    if chunk:
        after = base64.b64encode(str(start + len(chunk)).encode()).decode()
        body["paging"] = {"cursors": {"before": base64.b64encode(str(start).encode()).decode(), "after": after}}
        if start + len(chunk) < len(items):
            body["paging"]["next"] = page_link(request, after=after)
    return body
