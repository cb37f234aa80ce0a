"""Over 90 simulated days, the published marts find what the simulator planted: the best slot, the top content
type, the crisis, the reach drop, the brand's response times, the campaigns' volumes and the top influencer
(simulator/ground_truth.py measures them from the generated data with the metric contract's own definitions)."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from pathlib import Path

import duckdb
import pytest

from core.config import load_settings
from simulator.community import served
from simulator.ground_truth import compute
from simulator.world import World

pytestmark = pytest.mark.e2e
CONFIG = Path(__file__).with_name("ground_truth_world.yml")


@pytest.fixture(scope="module")
def marts(ground_truth_world):
    """89 nights landed in bulk, then the nightly DAG for the 90th (conftest.py, shared with the report's browser
    tests): the published warehouse, and the truth."""
    with pytest.MonkeyPatch.context() as patch:
        ground_truth_world.environment(patch)
        settings = load_settings()
        con = duckdb.connect(str(settings.data / "published" / "warehouse.duckdb"), read_only=True)
        yield con, compute(settings)
        con.close()


def test_the_best_slot_of_every_account_is_found(marts):
    con, truth = marts
    found = {key: (weekday, hour) for key, weekday, hour in con.execute(
        "select account_key, weekday, hour from marts.rpt_best_time_to_post where is_best_slot").fetchall()}
    planted = {key: (facts["best_slot"]["weekday"] + 1, facts["best_slot"]["hour"])  # ISO weekday in the mart
               for key, facts in truth["accounts"].items() if facts.get("best_slot")}
    assert planted and found == planted


def test_the_top_content_type_of_every_platform_is_found(marts):
    con, truth = marts
    # the contract ranks types per account: the planted top type wins on every account of its platform
    tops = con.execute("""select platform, list(distinct content_type) from marts.rpt_content_type_performance
                          join marts.dim_accounts using (account_key) where rank_in_account = 1
                          group by platform""").fetchall()
    assert {platform: sorted(types) for platform, types in tops if platform in ("instagram",)} == {
        "instagram": [truth["platforms"]["instagram"]["planted_top_type"]]}


def test_the_crisis_is_alerted_on_its_dates_and_is_the_most_severe(marts):
    con, truth = marts
    crisis = truth["crisis"]
    alerts = con.execute("""select account_key, date_day, severity from marts.rpt_alerts
                            where alert_type = 'negative_spike' order by severity desc""").fetchall()
    on_account = {day.isoformat() for key, day, _ in alerts if key == crisis["account"]}
    assert set(crisis["planted_dates"]) <= on_account
    # on its dates no other account comes close (the world starts empty, so its first weeks' thin
    # baselines can raise alerts of their own elsewhere)
    on_dates = [key for key, day, _ in alerts if day.isoformat() in crisis["planted_dates"]]
    assert on_dates[0] == crisis["account"]


def test_the_linkedin_crisis_fires_on_its_two_days(marts):
    # LinkedIn's comments reach the marts (int_linkedin__interactions): the world plants its crisis there
    con, truth = marts
    crisis = truth["crisis"]
    assert crisis["account"].startswith("linkedin:") and len(crisis["planted_dates"]) == 2
    fired = {day.isoformat() for (day,) in con.execute(
        "select date_day from marts.rpt_alerts where alert_type = 'negative_spike' and account_key = ?",
        [crisis["account"]]).fetchall()}
    assert set(crisis["planted_dates"]) <= fired


def test_the_reach_drop_is_alerted_on_its_platform_from_its_date(marts):
    con, truth = marts
    planted = truth["reach_drop"]
    change = dt.date.fromisoformat(planted["change_date"])
    first_alerts = dict(con.execute("""select account_key, min(date_day) from marts.rpt_alerts
                                       where alert_type = 'reach_drop' and platform = ? group by account_key""",
                                    [planted["platform"]]).fetchall())
    assert set(first_alerts) == set(planted["accounts"])
    # the 7-day window must fill with posts published after the change before the drop shows
    assert all(change < first <= change + dt.timedelta(days=8) for first in first_alerts.values())


def test_response_times_are_within_ten_percent(marts):
    con, truth = marts
    found = dict(con.execute("""select account_key, median(first_response_minutes) from marts.fct_interactions
                                where first_response_minutes is not null group by account_key""").fetchall())
    for key, facts in truth["accounts"].items():
        planted = facts["first_response"]["median_minutes"]
        assert found[key] == pytest.approx(planted, rel=0.10), key


def test_linkedin_response_figures_are_within_one_percent_of_the_worlds(marts):
    con, truth = marts
    (key,) = [key for key in truth["accounts"] if key.startswith("linkedin:")]
    planted, planted_28d = truth["accounts"][key]["first_response"], truth["accounts"][key]["first_response_28d"]
    # over the whole history: the days' items of rpt_community_response, the answered items' times
    inbound, within_24h = con.execute("""select sum(inbound_items), sum(responded_within_24h)
                                         from marts.rpt_community_response where account_key = ?""", [key]).fetchone()
    median, p90 = con.execute("""select quantile_cont(first_response_minutes, 0.5),
                                        quantile_cont(first_response_minutes, 0.9)
                                 from marts.fct_interactions where account_key = ? and is_inbound""", [key]).fetchone()
    assert inbound == pytest.approx(planted["inbound"], rel=0.01)
    assert within_24h / inbound == pytest.approx(planted["response_rate"], rel=0.01)
    assert median == pytest.approx(planted["median_minutes"], rel=0.01)
    assert p90 == pytest.approx(planted["p90_minutes"], rel=0.01)
    # over the 28 days ending the last night: the mart's own rolling figures
    row = con.execute("""select inbound_items_28d, response_rate_28d, median_first_response_minutes_28d,
                                p90_first_response_minutes_28d
                         from marts.rpt_community_response where account_key = ? order by date_day desc limit 1""",
                      [key]).fetchone()
    assert row == pytest.approx((planted_28d["inbound"], planted_28d["response_rate"],
                                 planted_28d["median_minutes"], planted_28d["p90_minutes"]), rel=0.01)


def test_the_marts_hold_linkedin_interactions_live_posts_and_every_video_posts_views(marts):
    con, truth = marts
    settings = load_settings(CONFIG)
    world = World(settings)
    # LinkedIn's comments and the brand's replies are interactions, its inbound items counted
    by_platform = dict(con.execute("""select platform, count(*) filter (where is_inbound) from marts.fct_interactions
                                      group by platform""").fetchall())
    (key,) = [key for key in truth["accounts"] if key.startswith("linkedin:")]
    assert by_platform["linkedin"] == pytest.approx(truth["accounts"][key]["first_response"]["inbound"], rel=0.01)
    # YouTube's live broadcasts are `live` posts (liveStreamingDetails), one for each the world published
    (youtube,) = [key for key in truth["accounts"] if key.startswith("youtube:")]
    planted_live = sum(1 for post in world.posts(youtube)
                       if post.content_type == "live" and post.published_at <= world.now(world.end))
    live = con.execute("select count(*) from marts.dim_posts where content_type = 'live'").fetchone()[0]
    assert live == planted_live > 0
    # every video, reel, short and live post of a network that reports a view count has its video views (Mastodon
    # and Bluesky report none: NULL)
    video_posts = dict(con.execute("""select platform, count(video_views) from marts.dim_posts
                                      where content_type in ('video', 'short_video', 'live')
                                      group by platform""").fetchall())
    without_views = con.execute("""select platform, count(*) from marts.dim_posts
                                   where content_type in ('video', 'short_video', 'live') and video_views is null
                                   and platform in ('instagram', 'facebook', 'youtube', 'tiktok')
                                   group by platform""").fetchall()
    assert video_posts["instagram"] > 0 and video_posts["youtube"] > 0 and without_views == []
    assert video_posts["mastodon"] == video_posts["bluesky"] == 0


def _others_posts(settings):
    """Every mention, UGC and influencer post the world serves, with its brand and local date."""
    world = World(settings)
    brands = {brand.brand_id: brand for brand in settings.brands}
    platforms = {account.platform for _, account in settings.accounts()}
    for platform in sorted(platforms):
        for item in served(world, platform):
            brand = brands[item.brand_id]
            if platform in {account.platform for account in brand.accounts}:
                yield brand, item, item.created_at.astimezone(zoneinfo.ZoneInfo(brand.timezone)).date()


def test_campaign_volumes_authors_and_engagements_are_found(marts):
    con, truth = marts
    settings = load_settings(CONFIG)
    expected: dict[str, list] = {}
    for brand, item, local_day in _others_posts(settings):
        tags = {tag.lower() for tag in item.hashtags}
        for campaign in brand.campaigns:
            if campaign.active(local_day) and tags & {tag.lower() for tag in campaign.hashtags}:
                expected.setdefault(campaign.campaign_id, []).append(item)
    found = {campaign: (posts, engagements) for campaign, posts, engagements in con.execute(
        "select campaign_id, sum(posts), sum(engagements) from marts.rpt_campaigns group by campaign_id").fetchall()}
    assert set(expected) == {c for c, (posts, _) in found.items() if posts}
    for campaign, items in expected.items():
        assert found[campaign] == (len(items), sum(item.reported_engagements for item in items)), campaign
        # the planted UGC is all there, on top of the influencers' posts carrying the hashtag
        planted = next(facts["campaigns"][campaign] for facts in truth["brands"].values()
                       if campaign in facts["campaigns"])
        assert found[campaign][0] >= planted["ugc_posts"]
    # the influencers' posts apart from the other UGC, and each author once over the whole campaign
    split = {campaign: (influencer, ugc, authors) for campaign, influencer, ugc, authors in con.execute(
        """select campaign_id, sum(influencer_posts), sum(ugc_posts), max(campaign_distinct_authors)
           from marts.rpt_campaigns group by campaign_id""").fetchall()}
    for campaign, items in expected.items():
        by_influencers = sum(1 for item in items if item.kind == "influencer")
        authors = len({(item.platform, item.author) for item in items})
        assert split[campaign] == (by_influencers, len(items) - by_influencers, authors), campaign
    # a day's distinct authors never exceed its posts, and days outside the campaign have no row
    assert con.execute("select count(*) from marts.rpt_campaigns where distinct_authors > posts "
                       "or date_day not between start_date and end_date").fetchone()[0] == 0


def test_the_top_influencer_of_each_brand_is_found(marts):
    con, truth = marts
    found = {brand: handle for brand, handle in con.execute("""
        select brand_id, arg_max(handle, sum_engagements / (followers * sum_posts))
        from (select brand_id, handle, followers, sum(engagements) as sum_engagements, sum(posts) as sum_posts
              from marts.rpt_influencers group by all)
        group by brand_id""").fetchall()}
    planted = {brand: facts["top_influencer"] for brand, facts in truth["brands"].items() if facts["top_influencer"]}
    assert planted and found == planted
    # and each influencer's engagement rate is the planted one
    rates = {handle: rate for handle, rate in con.execute("""
        select handle, sum(engagements) / (max(followers) * sum(posts)) from marts.rpt_influencers group by handle
        """).fetchall()}
    for facts in truth["brands"].values():
        for handle, stats in facts["influencers"].items():
            assert rates[handle] == pytest.approx(stats["engagement_rate"], rel=0.01), handle


def test_the_content_feature_lifts_are_the_worlds(marts):
    con, truth = marts
    found = {(key, feature): (with_, without, lift, talk) for key, feature, with_, without, lift, talk in con.execute(
        """select account_key, feature, posts_with, posts_without, engagement_rate_lift, conversation_rate_lift
           from marts.rpt_content_feature_performance""").fetchall()}
    measured = 0
    for key, facts in truth["accounts"].items():
        for feature, planted in facts["content_features"].items():
            with_, without, lift, talk = found[(key, feature)]
            # the phrase lists find exactly the posts the world gave the feature, among the same posts with D+7
            # values (none published on the history's first day: their followers at publication were never read)
            assert (with_, without) == (planted["posts_with"], planted["posts_without"]), (key, feature)
            if planted["engagement_rate_lift"] is None:
                assert lift is None, (key, feature)
            else:
                assert lift == pytest.approx(planted["engagement_rate_lift"], abs=1e-4), (key, feature)
                measured += 1
            if feature == "comment_cta":
                assert talk == pytest.approx(planted["conversation_rate_lift"], abs=1e-4), key
    assert measured >= 15
    # the planted lifts show: calls to action, and above all those asking for comments, start conversations
    for key in truth["accounts"]:
        assert found[(key, "cta")][2] > 0.1 and found[(key, "comment_cta")][3] > 1.0, key


def test_the_advocates_are_the_worlds(marts):
    con, truth = marts
    for brand_id, facts in truth["brands"].items():
        planted = facts["advocates"]["advocates"]
        ranked = con.execute("""select inbound_items, is_advocate, net_sentiment from marts.rpt_advocates
                                where brand_id = ? order by member_rank""", [brand_id]).fetchall()
        top = ranked[:len(planted)]
        # the world's advocates (one member per platform they write on: pseudonyms are per platform account) are
        # the brand's top members, all with a net sentiment above 0, and nobody else comes near them
        assert [items for items, *_ in top] == pytest.approx([item["items"] for item in planted], abs=2)
        assert all(is_advocate and net > 0.3 for _, is_advocate, net in top)
        assert ranked[len(planted)][0] <= facts["advocates"]["max_other_items"] + 2


def test_the_audience_is_the_followers_the_platform_counts(marts):
    con, truth = marts
    end = dt.date.fromisoformat(truth["end_date"])
    planted = {key: facts["audience"] for key, facts in truth["accounts"].items() if facts["audience"]}
    assert {key.split(":")[0] for key in planted} == {"linkedin", "instagram"}
    for key, audience in planted.items():
        found = con.execute("""select dimension, dimension_value, followers, share_of_followers
                               from marts.rpt_audience where account_key = ? and date_day = ?""", [key, end]).fetchall()
        by_bucket = {(dimension, value): (followers, share) for dimension, value, followers, share in found}
        expected = {(dimension, value): followers for dimension, values in audience["buckets"].items()
                    for value, followers in values.items()}
        assert {bucket: followers for bucket, (followers, _) in by_bucket.items()} == expected
        for bucket, followers in expected.items():
            assert by_bucket[bucket][1] == pytest.approx(followers / audience["followers"])
        countries = {value: share for (dimension, value), (_, share) in by_bucket.items() if dimension == "country"}
        if key.startswith("linkedin:"):
            # the country facet covers every follower; seniority only those who filled it in (80 %)
            assert sum(countries.values()) == pytest.approx(1.0, abs=0.001)
        else:
            # Instagram: the top 45 countries of the world's 50, buckets under 100 followers left out, never
            # scaled up to 1; genders (U for unknown) cover every follower
            assert 0 < len(countries) <= 45 and sum(countries.values()) < 0.97
            assert sum(share for (dimension, _), (_, share) in by_bucket.items() if dimension == "gender") == \
                pytest.approx(1.0, abs=0.001)


def bare(handle: str) -> str:
    """A handle without its @ and instance (Mastodon's user@instance, YouTube's @name), lower-cased."""
    return handle.lstrip("@").split("@")[0].lower()


def test_the_competitor_benchmark_is_each_rivals_public_figures_week_by_week(marts):
    # GIVEN rivals on Instagram (Business Discovery), Mastodon and Bluesky, read nightly through the brands' own
    # accounts; WHEN the benchmark is built THEN each rival's week is its followers at the week's last night, its
    # posts of the week (the brand's time zone) and their public engagements at their last read
    con, truth = marts
    benchmarked = {brand: facts["competitors"] for brand, facts in truth["brands"].items() if facts["competitors"]
                   ["rivals"]}
    assert {key.split(":")[0] for facts in benchmarked.values() for key in facts["rivals"]} == {
        "instagram", "mastodon", "bluesky", "youtube"}
    for brand, facts in benchmarked.items():
        for key, rival in facts["rivals"].items():
            found = con.execute("""
                select week_start, followers, posts_published, public_engagements, handle
                from marts.rpt_competitor_benchmark
                where brand_id = ? and account_key = ? and not is_own order by week_start""", [brand, key]).fetchall()
            expected = [(dt.date.fromisoformat(week), values["followers"], values["posts"],
                         values["engagements"] if values["posts"] else None, bare(rival["handle"]))
                        for week, values in sorted(rival["weeks"].items())]
            assert [(week, followers, posts, engagements, bare(handle))
                    for week, followers, posts, engagements, handle in found] == expected, key
        # AND the brand's own accounts on those platforms sit in the same weeks, read the same way
        for key, own in facts["own"].items():
            found = dict(con.execute("""
                select week_start, followers from marts.rpt_competitor_benchmark
                where brand_id = ? and account_key = ? and is_own""", [brand, key]).fetchall())
            assert found == {dt.date.fromisoformat(week): values["followers"]
                             for week, values in own["weeks"].items()}, key
    # AND the last full week ranks own and rival accounts by engagement rate, as a BI tool would
    ranked = con.execute("""
        select brand_id, platform, count(*), count(engagement_rate_by_followers), bool_or(is_own), bool_and(is_own)
        from marts.rpt_competitor_benchmark
        where week_start = (select max(week_start) - 7 from marts.rpt_competitor_benchmark)
        group by 1, 2""").fetchall()
    assert ranked and all(rows >= 2 and rated == rows and has_own and not only_own
                          for _, _, rows, rated, has_own, only_own in ranked)
