"""GA4 Data API extractor against recorded payloads: the request, offset paging, string values, errors."""

from __future__ import annotations

import pytest

from extractors.base import AuthError, QuotaExhausted
from extractors.ga4 import SessionsDaily


def test_sessions_daily_pages_by_offset_until_row_count(api, client, context):
    # GIVEN a report of 3 rows answered in two pages
    api.then("report_page1").then("report_page2_last")
    # WHEN the sessions_daily stream runs for the logical date
    records = [record for record, _ in SessionsDaily().records(client, context, [])]
    # THEN every row is landed, named by its headers, values kept as GA4's strings
    assert [r["sessionSource"] for r in records] == ["instagram", "x", "google"]
    assert records[0] == {
        "date": "20261121", "sessionSource": "instagram", "sessionMedium": "social",
        "sessionCampaignName": "noel_2026", "sessionManualAdContent": "instagram_17800000000000001",
        "sessions": "42", "keyEvents": "2", "totalRevenue": "131.5",
        "row_key": '["20261121","instagram","social","noel_2026","instagram_17800000000000001"]',
        "property_id": "351000101", "currency": "EUR"}
    # AND the request asks for the logical date alone, the five dimensions and three metrics, paged by offset
    first, second = api.bodies()
    assert first["dateRanges"] == [{"startDate": "2026-11-21", "endDate": "2026-11-21"}]
    assert [d["name"] for d in first["dimensions"]] == ["date", "sessionSource", "sessionMedium",
                                                        "sessionCampaignName", "sessionManualAdContent"]
    assert [m["name"] for m in first["metrics"]] == ["sessions", "keyEvents", "totalRevenue"]
    assert (first["offset"], second["offset"]) == (0, 2)
    request = api.requests[0]
    assert request.method == "POST" and request.url.path == "/v1beta/properties/351000101:runReport"
    assert request.headers["authorization"] == "Bearer ya29.secret-token"


def test_an_empty_report_has_no_rows_and_ends(api, client, context):
    # GIVEN a day without sessions (GA4 leaves `rows` and `rowCount` out) WHEN read THEN nothing, one request
    api.then("report_empty")
    assert list(SessionsDaily().records(client, context, [])) == []
    assert len(api.requests) == 1


def test_resource_exhausted_waits_then_retries(api, client, context, sleeps):
    # GIVEN a 429 RESOURCE_EXHAUSTED with a Retry-After, then the report
    api.then("resource_exhausted", 429, {"retry-after": "30"}).then("report_page1").then("report_page2_last")
    # WHEN the stream runs THEN it waits as told and lands every row
    assert len(list(SessionsDaily().records(client, context, []))) == 3
    assert sleeps == [30.0]


def test_resource_exhausted_beyond_the_wait_budget_stops_cleanly(api, client, context):
    # GIVEN a quota that refills only in two hours WHEN read THEN the stream stops with QuotaExhausted
    api.then("resource_exhausted", 429, {"retry-after": "7200"})
    with pytest.raises(QuotaExhausted):
        list(SessionsDaily().records(client, context, []))


def test_unauthenticated_is_an_auth_error_naming_the_connection_not_the_token(api, client, context):
    # GIVEN a 401 UNAUTHENTICATED WHEN read THEN AuthError, naming the connection, never the token
    api.then("unauthenticated", 401)
    with pytest.raises(AuthError) as error:
        list(SessionsDaily().records(client, context, []))
    assert "ga4_ml" in str(error.value) and "ya29.secret-token" not in str(error.value)
