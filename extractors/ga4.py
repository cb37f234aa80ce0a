"""Google Analytics 4 (Data API v1beta): the property's daily sessions by source, medium, campaign, ad content
and GA4's own session default channel group, with key events (conversions) and revenue, for the logical date.
An account of `platform: ga4` is a property: its account_id is the property id; its token is an OAuth access
token."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx

from extractors.base import ExtractorError, Record, RunContext, Stream, parse_json, retry_after
from extractors.google import GoogleClient

# sessionDefaultChannelGroup is GA4's own channel (Organic Social, Paid Social, Referral...): it marks social
# sessions whose link carried no utm tags (source l.instagram.com / medium referral and the like).
DIMENSIONS = ("date", "sessionSource", "sessionMedium", "sessionCampaignName", "sessionManualAdContent",
              "sessionDefaultChannelGroup")
METRICS = ("sessions", "keyEvents", "totalRevenue")
PAGE_SIZE = 10_000
# GA4's hourly property quota refills within the hour; without a Retry-After, wait a few minutes.
QUOTA_WAIT_SECONDS = 300.0


class GA4Client(GoogleClient):
    platform = "ga4"
    default_base_url = "https://analyticsdata.googleapis.com"
    scopes = "https://www.googleapis.com/auth/analytics.readonly"
    renew_hint = ("Authorize the app again (Google OAuth consent, scope analytics.readonly, access_type=offline) "
                  "for a new refresh token, or use a service account with Viewer access to the property")

    def rate_limit_wait(self, response: httpx.Response) -> float | None:
        if response.status_code != 429:
            return None
        wait = retry_after(response)
        return QUOTA_WAIT_SECONDS if wait is None else wait

    def post(self, url: str, json: object = None, params: dict | None = None) -> httpx.Response:
        """POST with the shared retry policy: the body travels as JSON, the answer is checked as for GET."""
        return self.request("POST", url, json=json, params=params)

    def request(self, method: str, url: str, **options: Any) -> httpx.Response:
        send = self.http.request

        def get(url: httpx.URL | str, **_: object) -> httpx.Response:
            return send(method, url, **options)

        # The shared GET path (retries, checks) sends this request instead, for this one call.
        self.http.get = get  # type: ignore[method-assign]  # deliberate per-call patch, undone below
        try:
            return self.get(url)
        finally:
            del self.http.get

    def report_pages(self, property_id: str, body: dict) -> Iterator[dict]:
        """Page with offset/limit until rowCount rows were read; a page without rows is the last."""
        offset = 0
        while True:
            page = parse_json(self.post(f"/v1beta/properties/{property_id}:runReport",
                                        {**body, "offset": offset, "limit": PAGE_SIZE}))
            yield page
            rows = page.get("rows") or []
            offset += len(rows)
            if not rows or offset >= int(page.get("rowCount", 0)):
                return


class SessionsDaily(Stream[GA4Client]):
    """One record per (date, source, medium, campaign, ad content, channel group) of the logical date, as GA4
    reports it: dimension and metric values (strings) keyed by their headers' names."""

    name = "sessions_daily"

    def records(self, client: GA4Client, context: RunContext, parents: list[dict]) -> Iterator[Record]:
        day = context.snapshot_date.isoformat()
        body = {
            "dateRanges": [{"startDate": day, "endDate": day}],
            "dimensions": [{"name": name} for name in DIMENSIONS],
            "metrics": [{"name": name} for name in METRICS],
            "keepEmptyRows": False,
        }
        for page in client.report_pages(client.account.account_id, body):
            names = [header.get("name") for header in page.get("dimensionHeaders", [])]
            metrics = [header.get("name") for header in page.get("metricHeaders", [])]
            if page.get("rows") and (names != list(DIMENSIONS) or metrics != list(METRICS)):
                raise ExtractorError(f"ga4 answered headers {names} {metrics}, not the ones asked for")
            for row in page.get("rows") or []:
                dimensions = [value.get("value") for value in row.get("dimensionValues", [])]
                values = [value.get("value") for value in row.get("metricValues", [])]
                record = {**dict(zip(names, dimensions, strict=False)), **dict(zip(metrics, values, strict=False)),
                          "row_key": json.dumps(dimensions, ensure_ascii=False, separators=(",", ":")),
                          "property_id": client.account.account_id,
                          "currency": (page.get("metadata") or {}).get("currencyCode")}
                yield record, client.account.account_id


STREAMS: tuple[type[Stream[GA4Client]], ...] = (SessionsDaily,)
CLIENT: type[GA4Client] = GA4Client
