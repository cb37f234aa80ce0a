"""The intra-day story capture (extractors.run.capture_account) against recorded Instagram answers: the live
stories, their metrics and navigation in two calls, a story under 5 viewers, and where a capture lands."""

from __future__ import annotations

import datetime as dt
import json

from replay_api import ABSENT, INSTAGRAM_ID, INSTAGRAM_KEY, Reply, landed, make_settings

from core.paths import capture_file, capture_manifest_file
from extractors.run import capture_account

AT = dt.datetime(2026, 10, 15, 6, 0, tzinfo=dt.UTC)
STORIES = f"/v23.0/{INSTAGRAM_ID}/stories"
SEEN, UNSEEN = "17990000000000001", "17990000000000002"
METRICS = "views,reach,replies,shares,total_interactions,follows,profile_visits"


def story_routes(instagram_api):
    instagram_api.on(STORIES, "instagram/stories/page_1")
    instagram_api.on(f"/v23.0/{SEEN}/insights", f"instagram/story_insights/{SEEN}", breakdown=ABSENT)
    instagram_api.on(f"/v23.0/{SEEN}/insights", f"instagram/story_insights/{SEEN}_navigation",
                     breakdown="story_navigation_action_type")
    instagram_api.on(f"/v23.0/{UNSEEN}/insights", "instagram/errors/not_enough_viewers_10")
    return instagram_api


def test_a_capture_lands_the_live_stories_and_their_insights_in_its_own_folder(instagram_api, sleeps, landing_env):
    # GIVEN an account with two live stories, one seen by 1,284 people and one by fewer than 5
    api = story_routes(instagram_api)
    settings = make_settings()
    # WHEN a capture runs at 06:00 UTC
    manifest = capture_account(settings, INSTAGRAM_KEY, AT, "capture-1", transport=api.transport,
                               sleep=sleeps.append)
    # THEN the stories were listed once, with their fields, and each one's insights asked in two calls: the
    # seven story metrics, then navigation alone with its breakdown (a breakdown beside other metrics fails)
    assert api.requested(STORIES, fields="id,caption,media_type,media_product_type,permalink,timestamp,username") == 1
    assert api.requested(f"/v23.0/{SEEN}/insights", metric=METRICS, breakdown=ABSENT) == 1
    assert api.requested(f"/v23.0/{SEEN}/insights", metric="navigation",
                         breakdown="story_navigation_action_type") == 1
    # AND they landed as received under the capture's date and time, beside the night's own files
    stories = capture_file(landing_env, "instagram", "stories", AT, INSTAGRAM_ID)
    assert stories.parent.name == "capture=060000" and stories.parent.parent.name == "2026-10-15"
    assert [line["record"]["id"] for line in landed(stories)] == [SEEN, UNSEEN]
    insights = landed(capture_file(landing_env, "instagram", "story_insights", AT, INSTAGRAM_ID))
    assert {line["parent_id"] for line in insights} == {SEEN}
    navigation = next(line["record"] for line in insights if line["record"]["name"] == "navigation")
    assert [result["dimension_values"][0] for result in navigation["total_value"]["breakdowns"][0]["results"]] == [
        "tap_forward", "tap_back", "tap_exit", "swipe_forward"]
    assert len(insights) == 8
    # AND the story under 5 viewers is recorded, not a failure: the next capture reads it again
    assert manifest["streams"]["story_insights"]["status"] == "complete"
    assert manifest["streams"]["story_insights"]["item_error_count"] == 1
    assert "Not enough viewers" in json.dumps(manifest["streams"]["story_insights"]["item_errors"])
    # AND the capture has its own manifest, named by the account and the capture's time
    written = json.loads(capture_manifest_file(landing_env, "instagram", AT, INSTAGRAM_ID).read_text())
    assert written["captured_at"] == AT.isoformat() and written["logical_date"] == "2026-10-15"
    assert written["streams"]["stories"]["rows"] == 2 and written["streams"]["story_insights"]["rows"] == 8


def test_a_capture_of_the_same_moment_replaces_it_and_a_platform_without_stories_has_none(instagram_api, sleeps,
                                                                                         landing_env):
    api = story_routes(instagram_api)
    settings = make_settings()
    first = capture_account(settings, INSTAGRAM_KEY, AT, "capture-1", transport=api.transport, sleep=sleeps.append)
    again = capture_account(settings, INSTAGRAM_KEY, AT, "capture-2", transport=api.transport, sleep=sleeps.append)
    # THEN one capture's files, the same bytes (the run id is only in the manifest)
    assert first["streams"]["stories"]["sha256"] == again["streams"]["stories"]["sha256"]
    assert len(list(landing_env.glob("instagram/stories/2026-10-15/*"))) == 1
    # AND Mastodon has no intra-day stream: nothing is captured, nothing is asked
    requests = len(api.requests)
    assert capture_account(settings, "mastodon:109000000000000101", AT, "capture-3", transport=api.transport,
                           sleep=sleeps.append) is None
    assert len(api.requests) == requests


def test_an_expired_story_can_be_captured_no_more(instagram_api, sleeps, landing_env):
    # GIVEN the listing after both stories expired (Instagram lists only live stories), as recorded
    instagram_api.on(STORIES, Reply(200, {"Content-Type": "application/json; charset=UTF-8"}, b'{"data":[]}'))
    manifest = capture_account(make_settings(), INSTAGRAM_KEY, AT + dt.timedelta(hours=30), "late",
                               transport=instagram_api.transport, sleep=sleeps.append)
    # THEN the capture is complete and empty: nothing is asked about stories it was not given
    assert manifest["streams"]["stories"]["rows"] == 0 and manifest["streams"]["story_insights"]["rows"] == 0
    assert not [request for request in instagram_api.requests if request.url.path.endswith("/insights")]
