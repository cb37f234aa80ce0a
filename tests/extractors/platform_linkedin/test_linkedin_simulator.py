"""LinkedIn end to end against the in-process simulator: what lands is what the simulated world holds."""

from __future__ import annotations

import datetime as dt

import httpx
from replay_api import check_faults_cost_retries_but_not_rows, extract_simulated, landed_stream

from extractors.run import run_context
from simulator.api import simulator_transport
from simulator.platforms.linkedin import comment_urn, post_urn
from simulator.world import World

DAY = dt.date(2026, 10, 15)
KEY = "linkedin:81234202"


def test_extract_account_lands_the_worlds_posts_statistics_comments_and_followers(sim_settings):
    # GIVEN the simulated world of a LinkedIn organization and the window ending on DAY
    world = World(sim_settings)
    as_of = world.now(DAY)
    context = run_context(sim_settings, DAY)
    in_window = {post_urn(post): post for post in world.posts_as_of(KEY, as_of)
                 if post.published_at >= context.window_start_utc}
    assert {urn.split(":")[2] for urn in in_window} == {"share", "ugcPost"}

    # WHEN the organization is extracted through the simulator
    manifest = extract_simulated(sim_settings, KEY, DAY)

    # THEN every stream is complete and the rows equal the world's
    assert {name: info["status"] for name, info in manifest["streams"].items()} == dict.fromkeys(
        ("follower_statistics", "posts", "share_statistics", "comments"), "complete")
    (followers,) = landed_stream(sim_settings, KEY, "follower_statistics", DAY)
    # the total is networkSizes'; a facet's organicFollowerCount already counts the paid followers
    assert followers["record"]["networkSize"] == {"firstDegreeSize": world.followers(KEY, DAY)}
    by_country = followers["record"]["followerCountsByGeoCountry"]
    assert sum(item["followerCounts"]["organicFollowerCount"] for item in by_country) == world.followers(KEY, DAY)
    assert all(item["followerCounts"]["paidFollowerCount"] <= item["followerCounts"]["organicFollowerCount"]
               for item in by_country)

    assert sorted(row["record"]["id"] for row in landed_stream(sim_settings, KEY, "posts", DAY)) == sorted(in_window)
    statistics = {row["parent_id"]: row["record"]["totalShareStatistics"]
                  for row in landed_stream(sim_settings, KEY, "share_statistics", DAY)}
    assert set(statistics) == set(in_window)
    for urn, post in in_window.items():
        counters = post.counters(as_of)
        assert {name: statistics[urn][name] for name in
                ("likeCount", "commentCount", "shareCount", "impressionCount", "uniqueImpressionsCount")} == {
            "likeCount": counters["likes"], "commentCount": counters["comments"],
            "shareCount": counters["shares"], "impressionCount": counters["views"],
            "uniqueImpressionsCount": counters["reach"]}

    comments = {row["record"]["commentUrn"]: row["parent_id"]
                for row in landed_stream(sim_settings, KEY, "comments", DAY)}
    expected = {comment_urn(post, comment): urn for urn, post in in_window.items()
                for comment in post.visible_comments(as_of)}
    assert comments == expected and any(":comment:" in urn for urn in expected)


def test_a_request_without_the_version_headers_is_refused(sim_settings):
    # GIVEN the simulator WHEN it is asked without LinkedIn-Version, with a sunset one, or without Rest.li 2.0
    client = httpx.Client(transport=simulator_transport(sim_settings, DAY), base_url="http://simulator.local/linkedin",
                          headers={"Authorization": "Bearer simulated-token"})
    url = "/rest/posts?q=author&author=urn%3Ali%3Aorganization%3A81234202"
    missing = client.get(url)
    sunset = client.get(url, headers={"LinkedIn-Version": "202201", "X-Restli-Protocol-Version": "2.0.0"})
    no_restli = client.get(url, headers={"LinkedIn-Version": "202607"})
    # THEN each is refused the way LinkedIn refuses it
    assert (missing.status_code, missing.json()["code"]) == (400, "VERSION_MISSING")
    assert sunset.status_code == 426
    assert no_restli.status_code == 400


def test_faults_cost_retries_but_not_rows(sim_settings):
    check_faults_cost_retries_but_not_rows(sim_settings, DAY)
