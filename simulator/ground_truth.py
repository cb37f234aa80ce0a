"""The facts the simulated world plants, measured on the generated data by the metric contract's own
definitions (docs: /work/shared/kpis.md), written to data/simulator/ground_truth.json.

Wherever a fact could differ from the knob that planted it (a best slot, a lift, a median), it is computed
from the generated posts, comments, mentions and sessions, not copied from the configuration.

    python -m simulator.ground_truth [--config warehouse.yml]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import zoneinfo
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from core.config import Settings, load_settings
from core.window import window_start
from simulator.community import influencer_posts, ugc_posts
from simulator.platforms.instagram import follower_breakdowns
from simulator.platforms.linkedin import follower_facets
from simulator.world import CONTENT_LIFT, FEATURE_LIFT, World


def _local(moment: dt.datetime, zone: zoneinfo.ZoneInfo) -> dt.datetime:
    return moment.astimezone(zone)


def d7_engagement_rates(world: World, key: str) -> list[tuple]:
    """(post, local publication time, D+7 engagement_rate) for posts with D+7 values inside the history."""
    zone = world.zone(key)
    rows = []
    for post in world.posts(key):
        local = _local(post.published_at, zone)
        # "at D+7" is the last snapshot taken on or before the 7th local day after publication (kpis.md): the
        # nightly read for that logical date, taken at the end of its UTC day (World.now)
        if local.date() + dt.timedelta(days=7) > world.end:
            continue
        counters = post.counters(world.now(local.date() + dt.timedelta(days=7)))
        engagements = sum(counters.get(name, 0) for name in ("likes", "comments", "shares", "saves"))
        # followers at publication are the end of the day before it (kpis.md); the warehouse has no read before
        # the history's first day, so a post published on that day has no rate there, and none here
        if local.date() - dt.timedelta(days=1) < world.start:
            continue
        followers = world.followers(key, local.date() - dt.timedelta(days=1))
        if followers:
            rows.append((post, local, engagements / followers))
    return rows


def best_slot(rates: list[tuple]) -> dict | None:
    cells: dict[tuple[int, int], list[float]] = defaultdict(list)
    for _, local, rate in rates:
        cells[(local.weekday(), local.hour)].append(rate)
    eligible = {cell: statistics.median(values) for cell, values in cells.items() if len(values) >= 3}
    if not eligible:
        return None
    (weekday, hour), median = max(eligible.items(), key=lambda item: item[1])
    ranked = sorted(eligible.values(), reverse=True)
    return {"weekday": weekday, "weekday_name": dt.date(2024, 1, 1 + weekday).strftime("%A"), "hour": hour,
            "posts": len(cells[(weekday, hour)]), "median_engagement_rate": round(median, 6),
            "runner_up_median": round(ranked[1], 6) if len(ranked) > 1 else None}


def content_lifts(rates: list[tuple]) -> dict:
    overall = statistics.median(rate for *_, rate in rates)
    by_type: dict[str, list[float]] = defaultdict(list)
    for post, _, rate in rates:
        by_type[post.content_type].append(rate)
    return {kind: {"posts": len(values), "median_engagement_rate": round(statistics.median(values), 6),
                   "lift": round(statistics.median(values) / overall - 1, 4)}
            for kind, values in sorted(by_type.items())}


FEATURES = ("cta", "comment_cta", "question", "contest")
CTA_KINDS = {"cta", "comment_cta", "contest"}  # a contest post asks to enter: a call to action too


def feature_lifts(world: World, key: str, rates: list[tuple]) -> dict:
    """Per content feature, the contract's lift over the account's posts with D+7 values: median D+7 engagement
    rate of the posts with the feature / median of those without - 1 (NULL under 5 posts on either side), and for
    comment_cta the same with the D+7 conversation rate (comments / followers). A post with a comment CTA or a
    contest carries a call to action too, as the warehouse's phrase lists read it."""
    rows = []
    for post, local, rate in rates:  # d7_engagement_rates(world, key)
        followers = world.followers(key, local.date() - dt.timedelta(days=1))
        comments = post.counters(world.now(local.date() + dt.timedelta(days=7))).get("comments")
        features = set(post.features) | ({"cta"} if post.features & CTA_KINDS else set())
        rows.append((features, rate, comments / followers if comments is not None else None))
    lifts = {}
    for feature in FEATURES:
        with_rates = [rate for features, rate, _ in rows if feature in features]
        without = [rate for features, rate, _ in rows if feature not in features]
        enough = len(with_rates) >= 5 and len(without) >= 5
        entry: dict[str, Any] = {
            "posts_with": len(with_rates), "posts_without": len(without),
            "engagement_rate_lift": round(statistics.median(with_rates) / statistics.median(without) - 1, 4)
            if enough else None, "planted_lift": FEATURE_LIFT.get(feature)}
        if feature == "comment_cta":
            talk_with = [talk for features, _, talk in rows if feature in features and talk is not None]
            talk_without = [talk for features, _, talk in rows if feature not in features and talk is not None]
            entry["conversation_rate_lift"] = (
                round(statistics.median(talk_with) / statistics.median(talk_without) - 1, 4)
                if len(talk_with) >= 5 and len(talk_without) >= 5 and statistics.median(talk_without) else None)
        lifts[feature] = entry
    return lifts


def advocates(world: World, brand_id: str) -> dict:
    """The brand's community members by inbound comments over the 90 local days ending the last night (as the
    world holds them then), per platform as the warehouse's pseudonyms are: the planted advocates' items and net
    sentiment (by the world's own labels), and the most items any other member wrote."""
    planted = set(world.advocates(brand_id))
    as_of = world.now(world.end)
    first = world.end - dt.timedelta(days=89)
    items: Counter = Counter()
    moods: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for key in world.social_accounts():
        profile = world.profiles[key]
        if profile.brand.brand_id != brand_id:
            continue
        zone = world.zone(key)
        for post in world.posts(key):
            for comment in post.comments:
                if comment.is_brand or comment.created_at > as_of:
                    continue
                if not first <= _local(comment.created_at, zone).date() <= world.end:
                    continue
                member = (profile.account.platform, comment.author)
                items[member] += 1
                moods[member][comment.sentiment] += 1
    found = [{"platform": platform, "author": author, "items": count,
              "net_sentiment": round((moods[(platform, author)]["positive"] - moods[(platform, author)]["negative"])
                                     / count, 4)}
             for (platform, author), count in items.most_common() if author in planted]
    others = [count for (_, author), count in items.items() if author not in planted]
    return {"advocates": found, "max_other_items": max(others, default=0)}


# LinkedIn's follower facets under the warehouse's dimension names (stg_linkedin__follower_demographics)
LINKEDIN_FACETS = {"followerCountsByGeoCountry": ("country", "geo"), "followerCountsByGeo": ("region", "geo"),
                   "followerCountsByFunction": ("job_function", "function"),
                   "followerCountsByIndustry": ("industry", "industry"),
                   "followerCountsBySeniority": ("seniority", "seniority"),
                   "followerCountsByStaffCountRange": ("company_size", "staffCountRange"),
                   "followerCountsByAssociationType": ("association", "associationType")}


def audience(world: World, key: str) -> dict:
    """The account's followers by dimension and value at the end of the last night, as its platform serves them
    (LinkedIn's facets, Instagram's follower breakdowns), and its follower total then."""
    buckets: dict[str, dict[str, int]] = defaultdict(dict)
    if key.startswith("linkedin:"):
        for facet, values in follower_facets(world, key, world.end).items():
            dimension, field = LINKEDIN_FACETS[facet]
            for value in values:
                buckets[dimension][value[field]] = value["followerCounts"]["organicFollowerCount"]
    elif key.startswith("instagram:"):
        for dimension, served in follower_breakdowns(world, key, world.end).items():
            buckets[dimension] = dict(served)
    if not buckets:
        return {}
    return {"followers": world.followers(key, world.end), "buckets": dict(buckets)}


def response_minutes(world: World, key: str, as_of: dt.datetime | None = None,
                     days: tuple[dt.date, dt.date] | None = None) -> dict:
    """Inbound comments and the brand's first replies to them, as the world holds them at `as_of` (default: the
    end of its last night, what a warehouse can have read): the response rate within 24 hours, and the median and
    interpolated 90th percentile (the contract's quantile_cont) of the first response times. With `days`, only the
    comments written on those local dates (first, last) count."""
    as_of = as_of or world.now(world.end)
    zone = world.zone(key)
    delays = []
    inbound = answered = 0
    for post in world.posts(key):
        first_reply: dict[str, dt.datetime] = {}
        for comment in post.comments:
            if (comment.is_brand and comment.parent_id and comment.parent_id not in first_reply
                    and comment.created_at <= as_of):
                first_reply[comment.parent_id] = comment.created_at
        for comment in post.comments:
            if comment.is_brand or comment.created_at > as_of:
                continue
            if days and not days[0] <= _local(comment.created_at, zone).date() <= days[1]:
                continue
            inbound += 1
            if comment.comment_id in first_reply:
                delay = (first_reply[comment.comment_id] - comment.created_at).total_seconds() / 60
                delays.append(delay)
                answered += delay <= 24 * 60
    if not delays:
        return {"inbound": inbound}
    p90 = statistics.quantiles(delays, n=10, method="inclusive")[8] if len(delays) > 1 else delays[0]
    return {"median_minutes": round(statistics.median(delays), 1), "p90_minutes": round(p90, 1),
            "response_rate": round(answered / inbound, 4), "inbound": inbound, "answered": len(delays)}


def negative_by_day(world: World, key: str) -> Counter:
    zone = world.zone(key)
    counts: Counter = Counter()
    for post in world.posts(key):
        for comment in post.comments:
            if not comment.is_brand and comment.sentiment == "negative":
                counts[_local(comment.created_at, zone).date()] += 1
    return counts


def negative_spikes(world: World, key: str) -> list[dict]:
    """Days the crisis alert fires: negatives > mean + 3 sample sd of the 28 days before, and at least 20."""
    counts = negative_by_day(world, key)
    spikes = []
    day = world.start + dt.timedelta(days=28)
    while day <= world.end:
        before = [counts.get(day - dt.timedelta(days=offset), 0) for offset in range(1, 29)]
        mean, sd = statistics.mean(before), statistics.stdev(before)  # sample sd (n - 1), as the contract
        count = counts.get(day, 0)
        if count >= 20 and count > mean + 3 * sd:
            spikes.append({"date": day.isoformat(), "negative": count, "mean_28d": round(mean, 2),
                           "sd_28d": round(sd, 2), "severity": round((count - mean) / sd, 1) if sd else None})
        day += dt.timedelta(days=1)
    return spikes


def reach_alerts(world: World, key: str) -> dict:
    """Organic reach rate at D+1 per post; the days the contract's reach-drop alert fires."""
    zone = world.zone(key)
    by_day: dict[dt.date, list[float]] = defaultdict(list)
    for post in world.posts(key):
        local = _local(post.published_at, zone).date()
        d1_end = dt.datetime.combine(local + dt.timedelta(days=2), dt.time(), tzinfo=zone).astimezone(dt.UTC)
        followers = world.followers(key, local - dt.timedelta(days=1))
        if followers and "reach" in post.final:
            by_day[local].append(post.metric("reach", d1_end) / followers)
    fired = []
    day = world.start + dt.timedelta(days=35)
    while day <= world.end:
        recent = [r for offset in range(1, 8) for r in by_day.get(day - dt.timedelta(days=offset), [])]
        before = [r for offset in range(8, 36) for r in by_day.get(day - dt.timedelta(days=offset), [])]
        if len(recent) >= 5 and len(before) >= 5 and statistics.median(recent) < 0.7 * statistics.median(before):
            fired.append(day.isoformat())
        day += dt.timedelta(days=1)
    return {"alert_days": fired, "by_day": by_day}


DISCOVERY_PAGE = 50  # media per Business Discovery call (extractors.instagram.BusinessDiscovery.PAGE)


def competitor_benchmark(world: World, settings: Settings, brand_id: str) -> dict:
    """The brand's rivals and own accounts on the rivals' platforms, week by week (Monday to Sunday in the brand's
    time zone), as nightly runs from the start date to the world's last night read them: followers at the week's
    last night; the posts published in the week and their public engagements (likes + comments, + shares but on
    Instagram and YouTube) as of each post's last read, the last night whose window still held it."""
    brand = next(brand for brand in settings.brands if brand.brand_id == brand_id)
    zone = zoneinfo.ZoneInfo(brand.timezone)
    nights = [world.start + dt.timedelta(days=n) for n in range((world.end - world.start).days + 1)]
    starts = [dt.datetime.combine(world.start if index == 0 else max(
        world.start, window_start(night, settings.extraction.lookback_days)), dt.time(), tzinfo=dt.UTC)
        for index, night in enumerate(nights)]

    def monday(day: dt.date) -> str:
        return (day - dt.timedelta(days=day.weekday())).isoformat()

    rivals: dict[str, dict] = {}
    for configured in brand.rivals:
        rival = world.rivals.find(configured.platform, configured.handle)
        assert rival is not None
        weeks: dict[str, dict] = {}
        for night in nights:
            weeks.setdefault(monday(night), {"posts": 0, "engagements": 0})["followers"] = \
                world.rivals.followers(rival, night)
        last_read: dict[str, dt.date] = {}
        for night, start in zip(nights, starts, strict=True):
            newest = sorted(world.rivals.posts_as_of(rival, world.now(night)), key=lambda post: post.published_at,
                            reverse=True)
            if rival.platform == "instagram":
                # Business Discovery lands whole pages (the extractor's 50) until one ends before the window
                count = 0
                while count < len(newest):
                    count += DISCOVERY_PAGE
                    if newest[min(count, len(newest)) - 1].published_at < start:
                        break
                newest = newest[:count]
            else:
                newest = [post for post in newest if post.published_at >= start]
            for post in newest:
                last_read[post.post_id] = night
        for post in world.rivals.posts_as_of(rival, world.now(world.end)):
            read = [last_read[post.post_id]] if post.post_id in last_read else []
            week = weeks.get(monday(post.published_at.astimezone(zone).date()))
            if not read or week is None:
                continue
            counters = post.counters(world.now(read[-1]))
            week["posts"] += 1
            week["engagements"] += counters["likes"] + counters["comments"] + (
                counters["shares"] if rival.platform not in ("instagram", "youtube") else 0)
        rivals[f"{rival.platform}:{rival.account_id}"] = {"handle": rival.handle, "weeks": weeks}
    platforms = {rival.platform for rival in brand.rivals}
    own = {account.key: {"weeks": {monday(night): {"followers": world.followers(account.key, night)}
                                   for night in nights}}
           for account in brand.accounts if account.platform in platforms}
    return {"rivals": rivals, "own": own}


def compute(settings: Settings) -> dict:
    world = World(settings)
    accounts: dict[str, dict] = {}
    platform_rates: dict[str, list[tuple]] = defaultdict(list)
    for key in world.social_accounts():
        rates = d7_engagement_rates(world, key)
        platform_rates[world.profiles[key].account.platform] += rates
        accounts[key] = {"best_slot": best_slot(rates), "first_response": response_minutes(world, key),
                         # the 28 local days ending the last night (rpt_community_response's _28d figures of it)
                         "first_response_28d": response_minutes(
                             world, key, days=(world.end - dt.timedelta(days=27), world.end)),
                         "timezone": world.profiles[key].brand.timezone,
                         "content_features": feature_lifts(world, key, rates), "audience": audience(world, key)}
    platforms = {}
    for platform, rates in sorted(platform_rates.items()):
        lifts = content_lifts(rates)
        planted = CONTENT_LIFT.get(platform, {})
        platforms[platform] = {"content_types": lifts,
                               "top_type": max(lifts, key=lambda kind: lifts[kind]["median_engagement_rate"]),
                               "planted_top_type": max(planted, key=lambda kind: planted[kind]) if planted else None}
    crisis = None
    if world.crisis:
        key, days = world.crisis
        spikes = negative_spikes(world, key)
        counts = negative_by_day(world, key)
        crisis = {"account": key, "planted_dates": [day.isoformat() for day in days], "alert_days": spikes,
                  "negative_by_day": {day.isoformat(): counts.get(day, 0) for day in days}}
    reach = None
    if world.reach_change:
        platform, change = world.reach_change
        per_account = {}
        for key in world.social_accounts():
            if not key.startswith(f"{platform}:"):
                continue
            alerts = reach_alerts(world, key)
            before = [r for day, values in alerts["by_day"].items() if day < change for r in values]
            after = [r for day, values in alerts["by_day"].items() if day >= change for r in values]
            per_account[key] = {
                "alert_days": alerts["alert_days"],
                "first_alert_day": alerts["alert_days"][0] if alerts["alert_days"] else None,
                "median_reach_rate_d1_before": round(statistics.median(before), 5),
                "median_reach_rate_d1_after": round(statistics.median(after), 5) if after else None,
                "drop": round(1 - statistics.median(after) / statistics.median(before), 3) if after else None,
            }
        reach = {"platform": platform, "change_date": change.isoformat(), "accounts": per_account}
    brands = {}
    for brand in settings.brands:
        ugc = ugc_posts(world, brand)
        campaigns = {}
        for campaign in brand.campaigns:
            tags = {tag.lower() for tag in campaign.hashtags}
            inside = [item for item in ugc if {t.lower() for t in item.hashtags} & tags
                      and campaign.active(item.created_at.astimezone(zoneinfo.ZoneInfo(brand.timezone)).date())]
            campaigns[campaign.campaign_id] = {
                "hashtags": campaign.hashtags, "start_date": campaign.start_date.isoformat(),
                "end_date": campaign.end_date.isoformat(), "ugc_posts": len(inside),
                "distinct_authors": len({item.author for item in inside}),
                "engagements": sum(item.reported_engagements for item in inside),
                "ugc_outside_dates": sum(1 for item in ugc if {t.lower() for t in item.hashtags} & tags) - len(inside),
                "brand_posts": sum(1 for key in world.social_accounts()
                                   if world.profiles[key].brand.brand_id == brand.brand_id
                                   for post in world.posts(key) if post.campaign_id == campaign.campaign_id),
            }
        influencers: dict[str, dict[str, Any]] = {}  # by handle: the influencer's platform, counts, rates
        for item in influencer_posts(world, brand):
            stats = influencers.setdefault(item.author, {"platform": item.platform, "followers": item.author_followers,
                                                         "posts": 0, "engagements": 0, "rates": []})
            stats["posts"] += 1
            stats["engagements"] += item.reported_engagements
            stats["rates"].append(item.reported_engagements / item.author_followers)
        roster = {i.handle: i for i in brand.influencers}
        for handle, stats in influencers.items():
            stats["engagement_rate"] = round(statistics.mean(stats.pop("rates")), 5)
            fee = roster[handle].fee
            engagements = stats["engagements"]
            stats["cost_per_engagement"] = round(fee / engagements, 4) if fee and engagements else None
        top = max(influencers, key=lambda handle: influencers[handle]["engagement_rate"]) if influencers else None
        brands[brand.brand_id] = {"campaigns": campaigns, "influencers": influencers, "top_influencer": top,
                                  "advocates": advocates(world, brand.brand_id),
                                  "competitors": competitor_benchmark(world, settings, brand.brand_id)}
    return {"seed": settings.simulator.seed, "start_date": world.start.isoformat(), "end_date": world.end.isoformat(),
            "accounts": accounts, "platforms": platforms, "crisis": crisis, "reach_drop": reach, "brands": brands,
            "notes": {"engagement_rate": "D+7 engagements / followers at the end of the day before publication",
                      "top_influencer": "highest mean engagement_rate over the influencer's posts",
                      "community_engagements": "likes + comments + shares as the platform reports them "
                                               "(Instagram's tags edge: no shares)"}}


def write(settings: Settings, path: Path | None = None) -> Path:
    path = path or settings.data / "simulator" / "ground_truth.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(compute(settings), indent=2, sort_keys=True, ensure_ascii=False) + "\n")
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write the simulated world's ground truth.")
    parser.add_argument("--config", default=None)
    parser.add_argument("--output", default=None)
    args = parser.parse_args(argv)
    print(write(load_settings(args.config), Path(args.output) if args.output else None))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
