"""What a night's manifest and log say beyond rows: a stream broken by an answer's shape fails alone, and the
pinned API versions warn before their sunset and alert after it."""

from __future__ import annotations

import datetime as dt
import json
import logging
import types

import httpx
import pytest
from replay_api import (
    ABSENT,
    INSTAGRAM_ID,
    INSTAGRAM_KEY,
    SNAPSHOT,
    Reply,
    instagram_routes,
    make_settings,
    run,
)

from core.config import Account, PinnedApi, Settings
from extractors.linkedin import LinkedInClient
from extractors.run import ExtractionIncomplete, extract_account, write_state
from extractors.versions import WARN_DAYS, notice_for, sunset_notices


def test_an_answer_of_an_unexpected_shape_fails_its_stream_alone(landing_env, sleeps):
    # GIVEN the media edge answering `data` that is not a list of media
    api = instagram_routes()
    api.on(f"/v23.0/{INSTAGRAM_ID}/media", Reply(200, {"Content-Type": "application/json"}, b'{"data": "oops"}'),
           after=ABSENT)
    # WHEN the account is extracted
    with pytest.raises(ExtractionIncomplete, match="streams media failed"):
        run(INSTAGRAM_KEY, api, sleeps)
    # THEN the media stream is failed, naming the shape; the account's other streams ran and completed
    manifest = json.loads(next(landing_env.rglob("_manifests/*/*.json")).read_text())
    streams = manifest["streams"]
    assert streams["media"]["status"] == "failed" and "unexpected answer shape" in streams["media"]["error"]
    assert {name: info["status"] for name, info in streams.items() if name != "media"} == dict.fromkeys(
        ["user", "user_insights", "follower_demographics", "business_discovery", "media_insights", "comments",
         "tags"], "complete")


def with_graph(settings: Settings, sunset: dt.date, version: str = "v23.0") -> Settings:
    extraction = settings.extraction.model_copy(update={"graph_api": PinnedApi(version=version, sunset=sunset)})
    return settings.model_copy(update={"extraction": extraction})


def extract(settings: Settings, api, sleeps) -> dict:
    _, account = settings.account(INSTAGRAM_KEY)
    write_state(settings, account.platform, account.account_id, SNAPSHOT - dt.timedelta(days=1), {"streams": {}})
    return extract_account(settings, INSTAGRAM_KEY, SNAPSHOT, "run-1", transport=api.transport, sleep=sleeps.append)


@pytest.mark.parametrize(
    ("days", "level", "logged"),
    [
        pytest.param(WARN_DAYS + 1, None, None, id="far"),
        pytest.param(WARN_DAYS, "warning", logging.WARNING, id="30-days-before"),
        pytest.param(-1, "alert", logging.ERROR, id="passed"),
    ],
)
def test_the_manifest_and_log_say_when_the_pinned_version_nears_or_passes_its_sunset(landing_env, sleeps, caplog,
                                                                                     days, level, logged):
    # GIVEN the pinned Graph version's sunset this many days from today (the real clock, not the logical date)
    today = dt.datetime.now(dt.UTC).date()
    settings = with_graph(make_settings(), today + dt.timedelta(days=days))
    # WHEN the account is extracted
    manifest = extract(settings, instagram_routes(), sleeps)
    # THEN its manifest names the pinned version and its sunset, with a warning within 30 days and an alert
    # once passed; the run's log says the same
    pinned = manifest["api_version"]
    assert (pinned["version"], pinned["sunset"]) == ("v23.0", (today + dt.timedelta(days=days)).isoformat())
    if level is None:
        assert "notice" not in pinned
        assert not any("sunset" in record.getMessage() for record in caplog.records)
    else:
        assert pinned["notice"]["level"] == level and pinned["notice"]["days_left"] == days
        (record,) = [record for record in caplog.records if "sunset" in record.getMessage()]
        assert record.levelno == logged and "v23.0" in record.getMessage()


def test_sunset_notices_are_the_check_a_pipeline_calls_once_a_night():
    # GIVEN a configuration with Instagram, Facebook and LinkedIn accounts (Graph pinned once for both)
    settings = Settings.model_validate({
        "extraction": {"start_date": "2026-10-01", "graph_api": {"version": "v23.0", "sunset": "2027-10-08"},
                       "linkedin_api": {"version": "202607", "sunset": "2027-07-01"}},
        "brands": [{"brand_id": "b", "name": "B", "timezone": "UTC", "accounts": [
            {"platform": "instagram", "account_id": "1", "handle": "b", "connection_id": "i"},
            {"platform": "facebook", "account_id": "2", "handle": "b", "connection_id": "f"},
            {"platform": "linkedin", "account_id": "3", "handle": "b", "connection_id": "l"},
            {"platform": "mastodon", "account_id": "4", "handle": "b", "connection_id": "m"}]}]})
    # WHEN it is checked on a few days THEN nothing is said before 30 days, a warning within, an alert after
    assert sunset_notices(settings, dt.date(2027, 5, 1)) == []
    (linkedin,) = sunset_notices(settings, dt.date(2027, 6, 1))
    assert (linkedin.api, linkedin.level, linkedin.days_left) == ("linkedin_api", "warning", 30)
    notices = sunset_notices(settings, dt.date(2027, 10, 9))
    assert [(notice.api, notice.level) for notice in notices] == [("graph_api", "alert"), ("linkedin_api", "alert")]
    assert "was sunset on 2027-10-08" in notices[0].message
    assert notice_for("graph_api", PinnedApi(version="v23.0", sunset=dt.date(2027, 10, 8)), dt.date(2027, 10, 8)) \
        .level == "warning"  # the sunset day itself still serves the version


def test_the_configured_pins_are_what_the_clients_send(landing_env, sleeps):
    # GIVEN the defaults: the versions the extractors were written against, with their published sunsets
    extraction = make_settings().extraction
    assert (extraction.graph_api.version, extraction.graph_api.sunset) == ("v23.0", dt.date(2027, 10, 8))
    assert extraction.linkedin_api.version == "202607"
    # AND a configuration pinning another Graph version, served by an API answering every call with no data
    settings = with_graph(make_settings(), dt.date(2030, 1, 1), version="v24.0")
    paths: list[str] = []

    def empty(request: httpx.Request) -> httpx.Response:
        paths.append(request.url.path)
        return httpx.Response(200, json={"data": []})

    api = types.SimpleNamespace(transport=httpx.MockTransport(empty))
    # WHEN the account is extracted THEN every Graph call goes to the configured version
    extract(settings, api, sleeps)
    assert paths and all(path.startswith("/v24.0/") for path in paths)
    # AND a LinkedIn client given a version sends it
    linkedin = LinkedInClient(Account(platform="linkedin", account_id="1", handle="b", connection_id="l"), "t",
                              version="202608")
    assert linkedin.http.headers["linkedin-version"] == "202608"
