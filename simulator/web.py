"""Web analytics of the brands' shops: sessions from social links (by source, medium, campaign and content),
with conversions and revenue, plus the non-social traffic a GA4 property also sees. Pure functions of the
world: the sessions a post brings follow its link clicks over time."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from simulator.world import UTC, World, _rng

NOT_SET = "(not set)"
SESSIONS_PER_CLICK = 0.75
CONVERSION_RATE = {"social": 0.025, "organic": 0.03, "email": 0.045, "(none)": 0.02}
SETTLED = dt.timedelta(days=14)  # a post's clicks are over within two weeks


def brand_of(world: World, property_id: str):
    for brand in world.settings.brands:
        if brand.ga4_property == property_id:
            return brand
    return None


def _day_bounds(day: dt.date, zone: zoneinfo.ZoneInfo) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(day, dt.time(), tzinfo=zone).astimezone(UTC)
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=zone).astimezone(UTC)
    return start, end


def _outcome(seed: int, sessions: int, medium: str, *identity: object) -> tuple[int, float]:
    rng = _rng(seed, "conversions", *identity)
    rate = CONVERSION_RATE.get(medium, 0.02)
    conversions = sum(1 for _ in range(sessions) if rng.random() < rate)
    revenue = round(sum(rng.lognormvariate(4.2, 0.5) for _ in range(conversions)), 2)
    return conversions, revenue


def sessions_on(world: World, brand, day: dt.date) -> list[dict]:
    """One row per (source, medium, campaign, content) with sessions > 0 for the brand's local `day`."""
    zone = zoneinfo.ZoneInfo(brand.timezone)
    start, end = _day_bounds(day, zone)
    rows: dict[tuple[str, str, str, str], list] = {}
    for account in brand.accounts:
        if account.platform == "ga4" or account.key not in world.profiles:
            continue
        for post in world.posts_between(account.key, start - SETTLED, end):
            sessions = int(post.clicks * SESSIONS_PER_CLICK * post.growth(end)) - int(
                post.clicks * SESSIONS_PER_CLICK * post.growth(start))
            if sessions <= 0:
                continue
            key = (post.platform, "social", post.utm_campaign or NOT_SET, post.utm_content)
            conversions, revenue = _outcome(world.seed, sessions, "social", post.post_id, day.isoformat())
            rows[key] = [sessions, conversions, revenue]
    # Traffic that does not come from the posts: search, newsletters (tagged with the campaigns), direct.
    rng = _rng(world.seed, "web", brand.brand_id, day.isoformat())
    scale = world.settings.simulator.scale
    others = [("google", "organic", NOT_SET), ("(direct)", "(none)", NOT_SET)]
    others += [("newsletter", "email", campaign.utm_campaign) for campaign in brand.campaigns if campaign.active(day)]
    for source, medium, campaign in others:
        sessions = max(0, int(rng.gauss(400 if medium != "email" else 150, 60) * scale))
        conversions, revenue = _outcome(world.seed, sessions, medium, brand.brand_id, source, day.isoformat())
        if sessions:
            rows[(source, medium, campaign, NOT_SET)] = [sessions, conversions, revenue]
    return [{"date": day.strftime("%Y%m%d"), "sessionSource": source, "sessionMedium": medium,
             "sessionCampaignName": campaign, "sessionManualAdContent": content,
             "sessions": values[0], "keyEvents": values[1], "totalRevenue": values[2]}
            for (source, medium, campaign, content), values in sorted(rows.items())]
