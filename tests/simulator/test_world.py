"""The world's statistics match what it plants, measured by the metric contract's definitions."""

from __future__ import annotations

import datetime as dt
import random
import statistics
from collections import Counter

import pytest

from simulator.community import influencer_posts, mentions, ugc_posts
from simulator.phrases import LANGUAGES, SENTIMENTS, compose
from simulator.world import CONTENT_LIFT, PHRASES, REACH_DROP, World, demo_end, planned_end

# the simulated social networks the demo world has: all nine
NETWORKS = set(CONTENT_LIFT)


def test_same_seed_and_config_give_the_same_world(demo_settings):
    # GIVEN two worlds of one configuration WHEN generated THEN every post and comment is the same
    first, second = World(demo_settings), World(demo_settings)
    for key in first.social_accounts()[:3]:
        assert [(p.post_id, p.published_at, p.final, p.caption) for p in first.posts(key)] == \
               [(p.post_id, p.published_at, p.final, p.caption) for p in second.posts(key)]
        assert first.posts(key)[10].comments == second.posts(key)[10].comments


def test_the_demo_world_covers_all_nine_networks(demo_settings, truth):
    world = World(demo_settings)
    assert len(NETWORKS) == 9
    assert {world.profiles[key].account.platform for key in truth["accounts"]} == NETWORKS
    assert set(truth["platforms"]) == NETWORKS


def test_every_account_has_its_planted_best_slot_with_enough_posts(demo_settings, truth):
    world = World(demo_settings)
    for key, facts in truth["accounts"].items():
        profile = world.profiles[key]
        slot = facts["best_slot"]
        # THEN the contract's best slot (median D+7 rate by local weekday x hour, >= 3 posts) is the planted one
        assert (slot["weekday"], slot["hour"]) == (profile.best_weekday, profile.best_hour), key
        assert slot["posts"] >= 3


def test_content_type_lifts_rank_the_planted_top_type_first(truth):
    assert set(truth["platforms"]) == NETWORKS
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


# --- comment texts ---------------------------------------------------------------------------------------


def _inbound(world: World, days: int | None = None) -> list:
    """The audience's comments of every account (the first `days` days of the history, or all of it)."""
    end = dt.datetime.combine(world.start + dt.timedelta(days=days), dt.time(), tzinfo=dt.UTC) if days else None
    return [comment for key in world.social_accounts() for post in world.posts(key) for comment in post.comments
            if not comment.is_brand and (end is None or comment.created_at < end)]


def test_a_month_of_comments_holds_thousands_of_distinct_texts(demo_settings):
    # GIVEN the demo world WHEN its first 30 days of comments are read
    comments = _inbound(World(demo_settings), days=30)
    texts = Counter(comment.text for comment in comments)
    # THEN they are varied (the old bank had 30 texts), yet stock reactions still repeat
    assert len(comments) > 5000
    assert len(texts) >= 5000 and len(texts) > 0.6 * len(comments)
    assert texts.most_common(1)[0][1] >= 5
    for language in LANGUAGES:
        for sentiment in SENTIMENTS:
            assert len({c.text for c in comments if (c.language, c.sentiment) == (language, sentiment)}) >= 300


def test_comment_texts_are_the_same_bytes_for_the_same_seed(small):
    first, second = World(small), World(small)
    key = first.social_accounts()[0]
    assert [c.text.encode() for p in first.posts(key) for c in p.comments] == \
           [c.text.encode() for p in second.posts(key) for c in p.comments]
    assert [compose(random.Random(3), "fr", "negative", crisis=True) for _ in range(3)] == \
           [compose(random.Random(3), "fr", "negative", crisis=True) for _ in range(3)]
    other = World(small.model_copy(update={"simulator": small.simulator.model_copy(update={"seed": 8})}))
    assert [c.text for p in first.posts(key) for c in p.comments] != \
           [c.text for p in other.posts(key) for c in p.comments]


def test_phrases_keep_their_shape_for_mentions_and_ugc(demo_settings):
    for language in LANGUAGES:
        for sentiment in SENTIMENTS:
            texts = PHRASES[(language, sentiment)]
            assert len(texts) >= 100 and all(isinstance(text, str) and text for text in texts)
    world = World(demo_settings)
    assert len({item.text for brand in demo_settings.brands for item in mentions(world, brand)}) > 100


@pytest.fixture(scope="module")
def scored(demo_settings) -> list[tuple]:
    """(language, intended sentiment, crisis?, label given by the warehouse's scorer) of every comment of a
    month of the demo world and of its crisis days, scored the way the DAG's score_sentiment does."""
    from sentiment import detect_languages, get_scorer

    world = World(demo_settings)
    key, days = world.crisis
    zone = world.zone(key)
    month = _inbound(world, days=30)
    crisis = [c for post in world.posts(key) for c in post.comments if not c.is_brand and c.sentiment == "negative"
              and c.created_at.astimezone(zone).date() in days]
    comments = [(c, False) for c in month] + [(c, True) for c in crisis]
    texts = [comment.text for comment, _ in comments]
    results = get_scorer("default").score(texts, detect_languages(texts))
    return [(c.language, c.sentiment, in_crisis, label) for (c, in_crisis), (_, label) in zip(comments, results,
                                                                                              strict=True)]


def test_the_warehouse_scorer_reads_the_intended_sentiment(scored):
    # THEN per language and sentiment, the scorer's label is the intended one for at least 85% of comments,
    # and a negative comment is almost never read as positive (net sentiment and the crisis alert rely on it)
    for language in LANGUAGES:
        for sentiment in SENTIMENTS:
            labels = Counter(label for lang, intended, _, label in scored if (lang, intended) == (language, sentiment))
            total = sum(labels.values())
            assert total > 300 and labels[sentiment] / total >= 0.85, (language, sentiment, labels)
            if sentiment == "negative":
                assert labels["positive"] / total < 0.02, (language, labels)


def test_crisis_comments_are_clearly_negative(scored):
    labels = Counter(label for *_, in_crisis, label in scored if in_crisis)
    assert sum(labels.values()) >= 100
    assert labels["negative"] / sum(labels.values()) >= 0.95, labels


def test_the_world_continues_past_its_planned_history_without_changing_it(small):
    # GIVEN the planned world and the same world continued 20 days past its end
    planned = World(small)
    continued = World(small, through=planned.end + dt.timedelta(days=20))
    key = planned.social_accounts()[0]
    # THEN the planned days are the same posts, and the continuation has posts of its own on the later days
    before = [p.post_id for p in continued.posts(key) if p.published_at.date() <= planned.end - dt.timedelta(days=1)]
    assert before == [p.post_id for p in planned.posts(key)
                      if p.published_at.date() <= planned.end - dt.timedelta(days=1)]
    assert max(p.published_at.date() for p in continued.posts(key)) > planned.end + dt.timedelta(days=10)
    # and a day inside the planned history does not shrink the world
    assert World(small, through=planned.start).end == planned.end


def test_the_demo_ends_yesterday_in_todays_calendar(small):
    start = small.extraction.start_date
    assert demo_end(small, today=start + dt.timedelta(days=40)) == start + dt.timedelta(days=39)
    assert demo_end(small, today=start + dt.timedelta(days=400)) == start + dt.timedelta(days=399)
    # a clock before the world began: the planned history
    assert demo_end(small, today=start - dt.timedelta(days=3)) == planned_end(small)
