"""GA4 Data API extractor against recorded payloads: the request, offset paging, string values, errors."""

from __future__ import annotations

import pytest

from extractors.base import AuthError, ExtractorError, QuotaExhausted
from extractors.ga4 import SessionsDaily


def test_sessions_daily_pages_by_offset_until_row_count(api, client, context):
    # GIVEN a report of 4 rows answered in two pages
    api.then("report_page1").then("report_page2_last")
    # WHEN the sessions_daily stream runs for the logical date
    records = [record for record, _ in SessionsDaily().records(client, context, [])]
    # THEN every row is landed, named by its headers, values kept as GA4's strings
    assert [r["sessionSource"] for r in records] == ["instagram", "x", "google", "l.instagram.com"]
    assert records[0] == {
        "date": "20261121", "sessionSource": "instagram", "sessionMedium": "social",
        "sessionCampaignName": "noel_2026", "sessionManualAdContent": "instagram_17800000000000001",
        "sessionDefaultChannelGroup": "Organic Social",
        "sessions": "42", "keyEvents": "2", "totalRevenue": "131.5",
        "row_key": '["20261121","instagram","social","noel_2026","instagram_17800000000000001","Organic Social"]',
        "property_id": "351000101", "currency": "EUR"}
    # AND the request asks for the logical date alone, the six dimensions and three metrics, paged by offset
    first, second = api.bodies()
    assert first["dateRanges"] == [{"startDate": "2026-11-21", "endDate": "2026-11-21"}]
    assert [d["name"] for d in first["dimensions"]] == ["date", "sessionSource", "sessionMedium",
                                                        "sessionCampaignName", "sessionManualAdContent",
                                                        "sessionDefaultChannelGroup"]
    assert [m["name"] for m in first["metrics"]] == ["sessions", "keyEvents", "totalRevenue"]
    assert (first["offset"], second["offset"]) == (0, 2)
    request = api.requests[0]
    assert request.method == "POST" and request.url.path == "/v1beta/properties/351000101:runReport"
    assert request.headers["authorization"] == "Bearer ya29.secret-token"


def test_a_social_session_without_utm_tags_keeps_gas_own_channel_group(api, client, context):
    # GIVEN a report holding a visit from Instagram's link shim with no utm tags (GA4: l.instagram.com / referral)
    api.then("report_page1").then("report_page2_last")
    # WHEN read
    records = [record for record, _ in SessionsDaily().records(client, context, [])]
    # THEN the record carries GA4's default channel group, the only sign that the session is social
    untagged = records[-1]
    assert (untagged["sessionSource"], untagged["sessionMedium"]) == ("l.instagram.com", "referral")
    assert (untagged["sessionCampaignName"], untagged["sessionManualAdContent"]) == ("(not set)", "(not set)")
    assert untagged["sessionDefaultChannelGroup"] == "Organic Social"
    assert untagged["row_key"] == '["20261121","l.instagram.com","referral","(not set)","(not set)","Organic Social"]'
    assert [r["sessionDefaultChannelGroup"] for r in records] == ["Organic Social", "Organic Social",
                                                                  "Organic Search", "Organic Social"]


def test_an_answer_without_the_channel_group_header_is_refused(api, client, context):
    # GIVEN an answer whose headers miss the requested sessionDefaultChannelGroup (values would shift)
    api.then("report_page1_without_channel_group")
    # WHEN read THEN the extractor refuses it rather than landing misnamed values
    with pytest.raises(ExtractorError, match="not the ones asked for"):
        list(SessionsDaily().records(client, context, []))


def test_an_empty_report_has_no_rows_and_ends(api, client, context):
    # GIVEN a day without sessions (GA4 leaves `rows` and `rowCount` out) WHEN read THEN nothing, one request
    api.then("report_empty")
    assert list(SessionsDaily().records(client, context, [])) == []
    assert len(api.requests) == 1


def test_resource_exhausted_waits_then_retries(api, client, context, sleeps):
    # GIVEN a 429 RESOURCE_EXHAUSTED with a Retry-After, then the report
    api.then("resource_exhausted", 429, {"retry-after": "30"}).then("report_page1").then("report_page2_last")
    # WHEN the stream runs THEN it waits as told and lands every row
    assert len(list(SessionsDaily().records(client, context, []))) == 4
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
