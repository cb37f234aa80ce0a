"""The simulator answers the documented unhappy shapes too (simulator.protocol.Quirks), and a night through it
survives them as it survives the recorded ones: fields missing from listings, one item's insights refused,
retired metrics, X's partial errors and its recent-search clock, Mastodon's HTML, LinkedIn's follower total."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import httpx
import pytest
from replay_api import extract_simulated, landed_stream, simulated_connection, simulated_settings

from core.config import Account, Settings
from extractors.mastodon import TEXT_FIELD
from extractors.run import extract_account, run_context
from extractors.x import RECENT_SEARCH_DAYS
from simulator.api import Faults, Quirks, transport
from simulator.world import World

DAY = dt.date(2026, 10, 15)
ACCOUNTS = {
    "instagram": ("17841400000000202", "17841400000000101"),
    "facebook": ("104000000000202", "104000000000101"),
    "x": ("1580000000000000202", "1580000000000000101"),
    "mastodon": ("109000000000000202", "109000000000000101"),
    "bluesky": ("did:plc:z72i7hdynmk6r22z27h6tvur", "did:plc:maisonlumiere0000000000a"),
    "linkedin": ("81234202", "81234101"),
    "youtube": ("UCnorthwind0000000000202", "UCmaisonlumiere000000101"),
    "tiktok": ("-000Northwind4lQ2mXaZrT0aBcDeFgH202", "-000MaisonLumiere9pK3vYbN1qWeRtY101"),
}


def world_of(platform: str, monkeypatch, tmp_path) -> tuple[Settings, str]:
    """Two brands on one platform in the simulated world (Northwind's account is the one extracted)."""
    ours, theirs = ACCOUNTS[platform]
    handle = {"bluesky": ".bsky.social"}.get(platform, "")
    account = Account(platform=platform, account_id=ours, handle=f"northwind{handle}",
                      connection_id=f"{platform}_northwind")
    sibling = Account(platform=platform, account_id=theirs, handle=f"maisonlumiere{handle}",
                      connection_id=f"{platform}_lumiere")
    monkeypatch.setenv("SMW_DATA_DIR", str(tmp_path))
    for each in (account, sibling):
        monkeypatch.setenv(f"SMW_CONN_{each.connection_id.upper()}", simulated_connection(each))
    return simulated_settings(account, sibling), account.key


# --- missing fields: every platform's window filter ---------------------------------------------------------
@pytest.mark.parametrize(
    ("platform", "fields", "stream", "counted"),
    [
        pytest.param("instagram", ("timestamp",), "media", "media without timestamp", id="instagram"),
        pytest.param("instagram", ("id",), "media", "media without id", id="instagram-id"),
        pytest.param("facebook", ("created_time",), "posts", "post without created_time", id="facebook"),
        pytest.param("x", ("created_at",), "tweets", "tweet without created_at", id="x"),
        pytest.param("mastodon", ("created_at",), "statuses", "item without created_at", id="mastodon"),
        pytest.param("bluesky", ("post.record.createdAt",), "posts", "post without record.createdAt", id="bluesky"),
        pytest.param("linkedin", ("publishedAt", "createdAt"), "posts", "post without publishedAt or createdAt",
                     id="linkedin"),
        pytest.param("tiktok", ("create_time",), "videos", "video without create_time", id="tiktok"),
        pytest.param("youtube", ("contentDetails.videoId",), "uploads", "playlist item without videoId",
                     id="youtube"),
    ],
)
def test_a_listing_with_fields_left_out_never_crashes_the_account(platform, fields, stream, counted, monkeypatch,
                                                                 tmp_path):
    # GIVEN the simulator leaving these fields out of every third item of each page of every listing
    settings, key = world_of(platform, monkeypatch, tmp_path)
    faults = Faults(quirks=Quirks(missing_fields=fields, missing_every=3))
    # WHEN the account is extracted
    manifest = extract_simulated(settings, key, DAY, faults=faults)
    # THEN every stream completes, and the stream's manifest counts the items skipped for want of the field
    assert {name: info["status"] for name, info in manifest["streams"].items()} == dict.fromkeys(
        manifest["streams"], "complete")
    assert manifest["streams"][stream]["skipped"][counted] > 0
    assert manifest["streams"][stream]["rows"] > 0


# --- one item's insights refused, retired metrics (Graph API) ------------------------------------------------
def test_media_whose_insights_are_refused_are_skipped_and_recorded(monkeypatch, tmp_path):
    # GIVEN the simulator refusing the insights of each media whose id is a multiple of 3, as Meta refuses
    # media posted before the business conversion
    settings, key = world_of("instagram", monkeypatch, tmp_path)
    world = World(settings)
    start = run_context(settings, DAY).window_start_utc
    in_window = [post.post_id for post in world.posts_as_of(key, world.now(DAY)) if post.published_at >= start]
    refused = sorted(post_id for post_id in in_window if int(post_id) % 3 == 0)
    assert refused and len(refused) < len(in_window)
    # WHEN the account is extracted
    manifest = extract_simulated(settings, key, DAY, faults=Faults(quirks=Quirks(insights_refused_every=3)))
    # THEN the night completes, the other media's insights land, and the refused media are recorded
    insights = manifest["streams"]["media_insights"]
    assert insights["status"] == "complete" and insights["item_error_count"] == len(refused)
    assert sorted(item["id"] for item in insights["item_errors"]) == refused
    assert all("2108006" in item["error"] for item in insights["item_errors"])
    landed = {line["parent_id"] for line in landed_stream(settings, key, "media_insights", DAY)}
    assert landed == set(in_window) - set(refused)


@pytest.mark.parametrize(
    ("platform", "retired", "stream"),
    [
        pytest.param("instagram", "saved", "media_insights", id="instagram-named-in-the-error"),
        pytest.param("facebook", "post_reactions_by_type_total", "post_insights", id="facebook-not-named"),
    ],
)
def test_a_retired_metric_is_dropped_and_the_rest_land(platform, retired, stream, monkeypatch, tmp_path):
    # GIVEN the simulated Graph API refusing one metric the extractor asks for as no longer supported
    settings, key = world_of(platform, monkeypatch, tmp_path)
    faults = Faults(quirks=Quirks(retired_metrics=frozenset({retired})))
    # WHEN the account is extracted
    manifest = extract_simulated(settings, key, DAY, faults=faults)
    # THEN the stream completes without that metric, the others land, and the manifest says it was dropped
    info = manifest["streams"][stream]
    assert info["status"] == "complete" and "item_errors" not in info
    assert {dropped["metric"] for dropped in info["dropped_metrics"]} == {retired}
    names = {line["record"]["name"] for line in landed_stream(settings, key, stream, DAY)}
    assert retired not in names and len(names) >= 2


def test_instagram_media_are_asked_the_metrics_of_their_product_type_and_the_day_totals(monkeypatch, tmp_path):
    # GIVEN the simulated Instagram, which refuses a metric not documented for a media's product type and
    # serves views only as a total
    settings, key = world_of("instagram", monkeypatch, tmp_path)
    # WHEN the account is extracted THEN nothing is refused, and the account's day totals land
    manifest = extract_simulated(settings, key, DAY)
    assert all("dropped_metrics" not in info and "item_errors" not in info for info in manifest["streams"].values())
    totals = {line["record"]["name"]: line["record"]["total_value"]["value"]
              for line in landed_stream(settings, key, "user_insights", DAY)}
    assert set(totals) == {"reach", "views"} and totals["views"] >= totals["reach"] > 0


def simulated(settings: Settings, day: dt.date, as_of: dt.datetime | None = None, faults=None) -> httpx.Client:
    world = World(settings, through=day)
    return httpx.Client(transport=transport(world, as_of or world.now(day), faults), base_url="http://sim.local")


def test_simulated_instagram_user_insights_answer_totals_and_series_as_documented(monkeypatch, tmp_path):
    settings, key = world_of("instagram", monkeypatch, tmp_path)
    user_id = key.split(":")[1]
    since = int(dt.datetime.combine(DAY, dt.time(), tzinfo=dt.UTC).timestamp())
    query = {"access_token": "t", "period": "day", "since": since, "until": since + 86400}
    with simulated(settings, DAY) as client:
        url = f"/instagram/v23.0/{user_id}/insights"
        totals = client.get(url, params={**query, "metric": "reach,views", "metric_type": "total_value"}).json()
        series = client.get(url, params={**query, "metric": "reach"}).json()
        views_series = client.get(url, params={**query, "metric": "views"})
        impressions = client.get(url, params={**query, "metric": "impressions"})
    assert [(item["name"], set(item)) for item in totals["data"]] == [
        ("reach", {"name", "period", "title", "description", "total_value", "id"}),
        ("views", {"name", "period", "title", "description", "total_value", "id"})]
    (reach,) = series["data"]
    assert reach["values"][0]["value"] == totals["data"][0]["total_value"]["value"]
    assert views_series.status_code == 400 and "metric_type=total_value" in views_series.json()["error"]["message"]
    assert impressions.status_code == 400 and "no longer supported" in impressions.json()["error"]["message"]


def test_simulated_instagram_follower_demographics_answer_as_recorded_top_45_and_not_under_100(monkeypatch,
                                                                                                 tmp_path):
    settings, key = world_of("instagram", monkeypatch, tmp_path)
    user_id = key.split(":")[1]
    query = {"access_token": "t", "metric": "follower_demographics", "period": "lifetime",
             "metric_type": "total_value"}
    url = f"/instagram/v23.0/{user_id}/insights"
    recorded = json.loads((Path(__file__).parent / "fixtures" / "instagram" / "follower_demographics" / "city.json")
                          .read_text())["data"][0]
    with simulated(settings, DAY) as client:
        answers = {breakdown: client.get(url, params={**query, "breakdown": breakdown}).json()["data"][0]
                   for breakdown in ("age", "gender", "country", "city")}
        crossed = client.get(url, params={**query, "breakdown": "age,gender"})
    # the simulated answer has the recorded answer's shape, one breakdown each
    for breakdown, item in answers.items():
        assert set(item) == set(recorded) and item["total_value"]["breakdowns"][0]["dimension_keys"] == [breakdown]
    assert crossed.status_code == 400
    # a large account: countries are its top 45 (the world has 50), a bucket under 100 followers is left out
    monkeypatch.setattr(World, "followers", lambda self, account_key, day: 2_000_000)
    with simulated(settings, DAY) as client:
        countries = client.get(url, params={**query, "breakdown": "country"}).json()["data"][0]
    values = [result["value"] for result in countries["total_value"]["breakdowns"][0]["results"]]
    assert len(values) == 45 and min(values) >= 100
    # an account under 100 followers is refused
    monkeypatch.setattr(World, "followers", lambda self, account_key, day: 99)
    with simulated(settings, DAY) as client:
        refused = client.get(url, params={**query, "breakdown": "age"})
    assert refused.status_code == 400 and "100 followers" in refused.json()["error"]["message"]


# --- X: partial errors, and the recent search on the simulator's clock ------------------------------------
def test_x_partial_errors_reach_the_manifest(monkeypatch, tmp_path):
    # GIVEN the simulated X answering pages whose first author is gone with HTTP 200 and `errors`
    settings, key = world_of("x", monkeypatch, tmp_path)
    # WHEN the account is extracted
    manifest = extract_simulated(settings, key, DAY, faults=Faults(quirks=Quirks(partial_errors=True)))
    # THEN the data lands and the errors are in the manifest of the streams that met them
    mentions = manifest["streams"]["mentions"]
    assert mentions["status"] == "complete" and mentions["rows"] > 0
    assert mentions["api_error_count"] >= 1
    assert all(error["title"] == "Not Found Error" for error in mentions["api_errors"])


def test_x_search_of_a_late_night_follows_the_simulators_clock(monkeypatch, tmp_path):
    # GIVEN a night run three days late: the simulator's clock is three days after the night's end
    settings, key = world_of("x", monkeypatch, tmp_path)
    world = World(settings, through=DAY)
    late = world.now(DAY) + dt.timedelta(days=3)
    manifest = extract_account(settings, key, DAY, "late", transport=transport(world, late), sleep=lambda _: None)
    # THEN the search completes (the simulator would answer 400 to a start_time older than 7 days), asked from
    # 7 days before the clock to the night's end, and the rest of the window is a recorded gap
    search = manifest["streams"]["hashtag_search"]
    assert search["status"] == "complete"
    (gap,) = search["gaps"]
    reached = dt.datetime.fromisoformat(gap["to"])
    assert late - dt.timedelta(days=RECENT_SEARCH_DAYS) < reached < late - dt.timedelta(days=RECENT_SEARCH_DAYS - 1)
    tweets = landed_stream(settings, key, "hashtag_search", DAY)
    night_end = world.now(DAY)
    moments = [dt.datetime.fromisoformat(line["record"]["created_at"].replace("Z", "+00:00")) for line in tweets]
    assert all(reached <= moment < night_end for moment in moments)


def test_x_search_of_a_night_too_old_asks_nothing_and_records_the_gap(monkeypatch, tmp_path):
    # GIVEN a night run nine days late: the whole window is beyond the recent search's reach
    settings, key = world_of("x", monkeypatch, tmp_path)
    world = World(settings, through=DAY)
    late = world.now(DAY) + dt.timedelta(days=9)
    manifest = extract_account(settings, key, DAY, "late", transport=transport(world, late), sleep=lambda _: None)
    # THEN the stream is complete with no rows, and its whole window is a gap
    search = manifest["streams"]["hashtag_search"]
    assert search["status"] == "complete" and search["rows"] == 0
    (gap,) = search["gaps"]
    assert gap["to"] == world.now(DAY).isoformat()


def test_simulated_x_search_refuses_what_the_real_one_refuses(monkeypatch, tmp_path):
    settings, _ = world_of("x", monkeypatch, tmp_path)
    with simulated(settings, DAY) as client:
        def search(**params):
            return client.get("/x/2/tweets/search/recent", headers={"Authorization": "Bearer t"},
                              params={"query": "#NorthwindTrails", "max_results": 10, **params})
        too_old = search(start_time="2026-10-08T23:59:59Z")
        too_recent = search(end_time="2026-10-15T23:59:55Z")
        inverted = search(start_time="2026-10-12T00:00:00Z", end_time="2026-10-11T00:00:00Z")
        fine = search(start_time="2026-10-09T00:00:00Z", end_time="2026-10-15T23:59:50Z")
    assert [answer.status_code for answer in (too_old, too_recent, inverted, fine)] == [400, 400, 400, 200]
    assert "'start_time' must be on or after 2026-10-09T00:00Z" in json.dumps(too_old.json())
    assert "10 seconds prior to the request time" in json.dumps(too_recent.json())
    assert fine.headers["date"] == "Fri, 16 Oct 2026 00:00:00 GMT"


# --- Mastodon's HTML, LinkedIn's follower total --------------------------------------------------------------
def test_mastodon_statuses_are_served_as_html_and_land_with_the_worlds_text(monkeypatch, tmp_path):
    # GIVEN the simulated Mastodon, which serves content as Mastodon does (escaped, links in spans)
    settings, key = world_of("mastodon", monkeypatch, tmp_path)
    world = World(settings)
    as_of = world.now(DAY)
    posts = {post.post_id: post for post in world.posts_as_of(key, as_of)}
    comments = {comment.comment_id: comment for post in posts.values() for comment in post.visible_comments(as_of)}
    # WHEN the account is extracted
    extract_simulated(settings, key, DAY)
    # THEN each status's plain text is the world's text: caption and link, one word, its tags intact
    statuses = landed_stream(settings, key, "statuses", DAY)
    assert statuses
    for line in statuses:
        post = posts[line["record"]["id"]]
        assert line["record"][TEXT_FIELD] == f"{post.caption} {post.link()}"
        assert 'class="invisible"' in line["record"]["content"] and "&amp;utm_medium" in line["record"]["content"]
    replies = landed_stream(settings, key, "replies", DAY)
    assert replies and all(line["record"][TEXT_FIELD] == comments[line["record"]["id"]].text for line in replies)
    assert any("&#39;" in line["record"]["content"] for line in replies)


def test_linkedin_followers_without_the_country_facet_still_land_with_the_total(monkeypatch, tmp_path):
    # GIVEN the simulated LinkedIn leaving the country facet out of the follower statistics
    settings, key = world_of("linkedin", monkeypatch, tmp_path)
    faults = Faults(quirks=Quirks(missing_fields=("followerCountsByGeoCountry",), missing_every=1))
    # WHEN the organization is extracted
    extract_simulated(settings, key, DAY, faults=faults)
    # THEN the element lands with the organization's follower total from networkSizes
    (line,) = landed_stream(settings, key, "follower_statistics", DAY)
    assert "followerCountsByGeoCountry" not in line["record"]
    assert line["record"]["networkSize"]["firstDegreeSize"] == World(settings).followers(key, DAY)
