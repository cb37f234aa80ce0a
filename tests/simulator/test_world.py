"""The world's statistics match what it plants, measured by the metric contract's definitions."""

from __future__ import annotations

import datetime as dt
import statistics

from simulator.community import influencer_posts, ugc_posts
from simulator.world import CONTENT_LIFT, REACH_DROP, World


def test_same_seed_and_config_give_the_same_world(demo_settings):
    # GIVEN two worlds of one configuration WHEN generated THEN every post and comment is the same
    first, second = World(demo_settings), World(demo_settings)
    for key in first.social_accounts()[:3]:
        assert [(p.post_id, p.published_at, p.final, p.caption) for p in first.posts(key)] == \
               [(p.post_id, p.published_at, p.final, p.caption) for p in second.posts(key)]
        assert first.posts(key)[10].comments == second.posts(key)[10].comments


def test_every_account_has_its_planted_best_slot_with_enough_posts(demo_settings, truth):
    world = World(demo_settings)
    for key, facts in truth["accounts"].items():
        profile = world.profiles[key]
        slot = facts["best_slot"]
        # THEN the contract's best slot (median D+7 rate by local weekday x hour, >= 3 posts) is the planted one
        assert (slot["weekday"], slot["hour"]) == (profile.best_weekday, profile.best_hour), key
        assert slot["posts"] >= 3


def test_content_type_lifts_rank_the_planted_top_type_first(truth):
    for platform, facts in truth["platforms"].items():
        planted = CONTENT_LIFT[platform]
        assert facts["top_type"] == max(planted, key=planted.get), platform
        lifts = facts["content_types"]
        assert lifts[facts["top_type"]]["lift"] > 0.15
        assert lifts[min(planted, key=planted.get)]["lift"] < lifts[facts["top_type"]]["lift"]


def test_response_time_medians_are_within_ten_percent_of_the_planted_ones(demo_settings, truth):
    world = World(demo_settings)
    for key, facts in truth["accounts"].items():
        planted = world.profiles[key].reply_median_minutes
        assert abs(facts["first_response"]["median_minutes"] - planted) <= 0.1 * planted, key


def test_the_crisis_days_are_a_negative_spike_after_28_normal_days(demo_settings, truth):
    world = World(demo_settings)
    crisis = truth["crisis"]
    key, days = world.crisis
    assert (days[0] - world.start).days >= 28
    # THEN the contract's alert fires on both crisis days, and on no other day of that account
    assert [spike["date"] for spike in crisis["alert_days"]] == [day.isoformat() for day in days]
    assert all(spike["negative"] >= 20 and spike["severity"] > 3 for spike in crisis["alert_days"])


def test_instagram_reach_falls_by_about_forty_percent_from_the_change_date(demo_settings, truth):
    world = World(demo_settings)
    platform, change = world.reach_change
    assert platform == "instagram" and (change - world.start).days >= 35
    for key, facts in truth["reach_drop"]["accounts"].items():
        assert abs(facts["drop"] - REACH_DROP) < 0.15, key  # medians of ~30-60 noisy posts
        first = dt.date.fromisoformat(facts["first_alert_day"])
        assert change < first <= change + dt.timedelta(days=10), key


def test_ugc_and_influencers_follow_the_campaigns(demo_settings, truth):
    world = World(demo_settings)
    for brand in demo_settings.brands:
        facts = truth["brands"][brand.brand_id]
        for campaign in brand.campaigns:
            campaign_days = (campaign.end_date - campaign.start_date).days
            assert facts["campaigns"][campaign.campaign_id]["ugc_posts"] > 3 * campaign_days
            assert facts["campaigns"][campaign.campaign_id]["brand_posts"] > 0
        assert facts["top_influencer"] in {influencer.handle for influencer in brand.influencers}
        posts = influencer_posts(world, brand)
        assert {post.author for post in posts} == {influencer.handle for influencer in brand.influencers}
        campaign_tags = {tag for campaign in brand.campaigns for tag in campaign.hashtags}
        assert all(set(post.hashtags) <= campaign_tags for post in ugc_posts(world, brand))


def test_posts_carry_links_tagged_for_their_campaign(demo_settings):
    world = World(demo_settings)
    posts = [post for key in world.social_accounts() for post in world.posts(key)]
    tagged = [post for post in posts if post.utm_campaign]
    assert tagged and all(f"utm_campaign={post.utm_campaign}" in post.link() for post in tagged)
    assert all("utm_medium=social" in post.link() and post.link().endswith(f"utm_content={post.utm_content}")
               for post in posts)
    assert statistics.mean(len(post.hashtags) for post in posts) >= 1
