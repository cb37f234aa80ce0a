"""Web analytics of the brands' shops: sessions from social links (by source, medium, campaign and content),
utm-tagged by the posts or not, with conversions and revenue, plus the non-social traffic a GA4 property also
sees, each row with GA4's default channel group. Pure functions of the world: the sessions a post brings follow
its link clicks over time."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

from simulator.world import UTC, Post, World, _rng

NOT_SET = "(not set)"
SESSIONS_PER_CLICK = 0.75
CONVERSION_RATE = {"social": 0.025, "organic": 0.03, "email": 0.045, "(none)": 0.02}
SETTLED = dt.timedelta(days=14)  # a post's clicks are over within two weeks
# The networks whose every post carries the shop link in its payload (Instagram caption, Mastodon status, YouTube
# description, TikTok description, Threads text); on the others only a link post does (X, Bluesky, Facebook,
# LinkedIn: see simulator.platforms). A session can carry a post's utm_content only if a link carried it to the shop.
LINK_IN_EVERY_POST = frozenset({"instagram", "mastodon", "youtube", "tiktok", "threads"})

# Social visits whose link carries no utm tags (link in bio, stories, shares, in-app browsers): GA4 sees a
# referral from the network's own domain. Per platform: the referring domains and their weights.
UNTAGGED_REFERRERS = {
    "instagram": (("l.instagram.com", 0.7), ("instagram.com", 0.3)),
    "x": (("t.co", 1.0),),
    "facebook": (("m.facebook.com", 0.4), ("lm.facebook.com", 0.3), ("l.facebook.com", 0.2), ("facebook.com", 0.1)),
    "linkedin": (("linkedin.com", 0.6), ("lnkd.in", 0.4)),
    "youtube": (("m.youtube.com", 0.5), ("youtube.com", 0.5)),
    "tiktok": (("tiktok.com", 1.0),),
    "threads": (("l.threads.net", 0.6), ("threads.net", 0.4)),
}
UNTAGGED_PER_TAGGED = (0.12, 0.26)  # untagged visits per utm-tagged one, drawn per platform and day
# A few links tagged by hand with another spelling of the medium (utm_medium=social-media, no campaign/content).
SOCIAL_MEDIA_PER_TAGGED = {"instagram": (0.02, 0.06), "facebook": (0.02, 0.06)}

# GA4's default channel group (session scope), in its order of evaluation, first match wins. GA4's source
# lists are longer; these hold the sites the simulated traffic uses. GA4 files youtube under video sites.
SOCIAL_SITES = frozenset({
    "facebook", "facebook.com", "m.facebook.com", "l.facebook.com", "lm.facebook.com", "instagram",
    "instagram.com", "l.instagram.com", "linkedin", "linkedin.com", "lnkd.in", "t.co", "twitter", "twitter.com",
    "x.com", "tiktok", "tiktok.com", "threads", "threads.net", "l.threads.net", "pinterest", "pinterest.com", "reddit",
    "reddit.com"})
VIDEO_SITES = frozenset({"youtube", "youtube.com", "m.youtube.com", "vimeo.com"})
SEARCH_SITES = frozenset({"google", "google.com", "bing", "bing.com", "duckduckgo", "ecosia.org", "yahoo",
                          "search.yahoo.com", "baidu", "yandex", "qwant.com"})
SOCIAL_MEDIUMS = frozenset({"social", "social-network", "social-media", "sm", "social network", "social media"})
PAID_MEDIUM = re.compile(r"^(.*cp.*|ppc|retargeting|paid.*)$")


def default_channel_group(source: str, medium: str, campaign: str = NOT_SET) -> str:
    """sessionDefaultChannelGroup as GA4 computes it from the session's source, medium and campaign (case-blind)."""
    source, medium, campaign = source.lower(), medium.lower(), campaign.lower()
    paid = bool(PAID_MEDIUM.match(medium))
    if source == "(direct)" and medium in ("(not set)", "(none)"):
        return "Direct"
    if "cross-network" in campaign:
        return "Cross-network"
    if paid and source in SEARCH_SITES:
        return "Paid Search"
    if paid and source in SOCIAL_SITES:
        return "Paid Social"
    if paid and source in VIDEO_SITES:
        return "Paid Video"
    if medium in ("display", "banner", "expandable", "interstitial", "cpm"):
        return "Display"
    if paid:
        return "Paid Other"
    if source in SOCIAL_SITES or medium in SOCIAL_MEDIUMS:
        return "Organic Social"
    if source in VIDEO_SITES or "video" in medium:
        return "Organic Video"
    if source in SEARCH_SITES or medium == "organic":
        return "Organic Search"
    if medium in ("referral", "app", "link"):
        return "Referral"
    if {source, medium} & {"email", "e-mail", "e_mail", "e mail"}:
        return "Email"
    if medium in ("affiliate", "affiliates"):
        return "Affiliates"
    return "Unassigned"


def carries_link(post: Post) -> bool:
    """Whether the post's payload holds its shop link (with its utm_content), on its platform."""
    return post.platform in LINK_IN_EVERY_POST or post.content_type == "link"


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
    """One row per (source, medium, campaign, content) with sessions > 0 for the brand's local `day`, with the
    GA4 default channel group those four imply."""
    zone = zoneinfo.ZoneInfo(brand.timezone)
    start, end = _day_bounds(day, zone)
    rows: dict[tuple[str, str, str, str], list] = {}
    tagged: dict[str, int] = {}  # utm-tagged sessions of the day per platform
    for account in brand.accounts:
        if account.platform == "ga4" or account.key not in world.profiles:
            continue
        for post in world.posts_between(account.key, start - SETTLED, end):
            if not carries_link(post):
                continue  # no link in the post: no session can hold its utm_content
            sessions = int(post.clicks * SESSIONS_PER_CLICK * post.growth(end)) - int(
                post.clicks * SESSIONS_PER_CLICK * post.growth(start))
            if sessions <= 0:
                continue
            key = (post.platform, "social", post.utm_campaign or NOT_SET, post.utm_content)
            conversions, revenue = _outcome(world.seed, sessions, "social", post.post_id, day.isoformat())
            rows[key] = [sessions, conversions, revenue]
            tagged[post.platform] = tagged.get(post.platform, 0) + sessions
    # Social visits without the posts' utm tags, in proportion to the platform's tagged ones that day: referrals
    # from the network's domains (no campaign, no content) and a few hand-tagged `social-media` links.
    for platform, platform_sessions in sorted(tagged.items()):
        untagged_rng = _rng(world.seed, "web", "untagged", brand.brand_id, platform, day.isoformat())
        extra: list[tuple[str, str, int]] = []
        if platform in UNTAGGED_REFERRERS:
            untagged = round(platform_sessions * untagged_rng.uniform(*UNTAGGED_PER_TAGGED))
            referrers = UNTAGGED_REFERRERS[platform]
            shares = [int(untagged * weight) for _, weight in referrers]
            shares[0] += untagged - sum(shares)
            extra += [(source, "referral", share) for (source, _), share in zip(referrers, shares, strict=True)]
        if platform in SOCIAL_MEDIA_PER_TAGGED:
            extra.append((platform, "social-media",
                          round(platform_sessions * untagged_rng.uniform(*SOCIAL_MEDIA_PER_TAGGED[platform]))))
        for source, medium, sessions in extra:
            if sessions > 0:
                conversions, revenue = _outcome(world.seed, sessions, "social", brand.brand_id, source, medium,
                                                day.isoformat())
                rows[(source, medium, NOT_SET, NOT_SET)] = [sessions, conversions, revenue]
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
             "sessionDefaultChannelGroup": default_channel_group(source, medium, campaign),
             "sessions": values[0], "keyEvents": values[1], "totalRevenue": values[2]}
            for (source, medium, campaign, content), values in sorted(rows.items())]
