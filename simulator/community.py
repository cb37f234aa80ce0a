"""What others post about a brand: mentions, UGC carrying a campaign hashtag, and the roster influencers'
posts. Generated per brand and day from the seed (per-entity generators, like the rest of the world)."""

from __future__ import annotations

import datetime as dt
import math
import zoneinfo
from dataclasses import dataclass
from functools import partial

from simulator.world import HASHTAGS, PHRASES, UTC, World, _rng


@dataclass(frozen=True)
class Mention:
    mention_id: str
    kind: str  # mention | ugc | influencer
    platform: str
    brand_id: str
    author: str
    author_followers: int
    text: str
    hashtags: tuple[str, ...]
    language: str
    sentiment: str
    created_at: dt.datetime
    likes: int
    comments: int
    shares: int
    campaign_id: str | None = None

    @property
    def engagements(self) -> int:
        return self.likes + self.comments + self.shares

    @property
    def reported_engagements(self) -> int:
        """What the platform lets a brand see: Instagram's tags edge reports no shares."""
        return self.likes + self.comments + (0 if self.platform == "instagram" else self.shares)


TIER_RATE = ((10_000, 0.06), (100_000, 0.035), (1_000_000, 0.018), (math.inf, 0.01))

# Others' posts exist only where a brand can read them through an API we extract (docs/DECISIONLOG.md):
# mentions through Instagram's /tags, X's mentions, Mastodon's notifications and Bluesky's searchPosts;
# hashtag posts through X's recent search, Mastodon's tag timelines and Bluesky's searchPosts. Instagram's
# hashtag search gives no author and one day of media, Facebook's /tagged needs page review: not served.
MENTION_PLATFORMS = ("instagram", "x", "mastodon", "bluesky")
HASHTAG_PLATFORMS = ("x", "mastodon", "bluesky")


def _platforms(world: World, brand, served: tuple[str, ...] = MENTION_PLATFORMS) -> list[str]:
    return sorted({account.platform for account in brand.accounts if account.platform in served})


def _moment(world: World, brand, day: dt.date, rng) -> dt.datetime:
    """A moment of the local day drawn from the audience's activity curve (that of the brand's first account)."""
    zone = zoneinfo.ZoneInfo(brand.timezone)
    profile = next((world.profiles[a.key] for a in brand.accounts if a.key in world.profiles
                    and world.profiles[a.key].activity), None)
    for _ in range(20):
        local = dt.datetime.combine(day, dt.time(), tzinfo=zone) + dt.timedelta(seconds=rng.uniform(0, 86399))
        if profile is None or rng.random() <= profile.activity_at(local):
            break
    return local.astimezone(UTC)


def _days(world: World):
    for offset in range((world.end - world.start).days + 1):
        yield world.start + dt.timedelta(days=offset)


def _handle(world: World, brand, platform: str) -> str:
    return next((a.handle for a in brand.accounts if a.platform == platform), brand.brand_id)


def mentions(world: World, brand) -> list[Mention]:
    """Everyday mentions of the brand by others (with the brand's usual hashtags), about 10 a day: enough
    for a usual hashtag to pass the 10 uses a week that trending asks for."""
    items = []
    scale = world.settings.simulator.scale
    language = brand.language if (brand.language, "positive") in PHRASES else "en"
    for day in _days(world):
        rng = _rng(world.seed, "mentions", brand.brand_id, day.isoformat())
        platforms = _platforms(world, brand)
        for index in range(max(0, round(rng.gauss(10 * scale, 2.5))) if platforms else 0):
            platform = rng.choice(platforms)
            sentiment = rng.choices(["positive", "neutral", "negative"], weights=[0.5, 0.35, 0.15])[0]
            tags = tuple(rng.sample(HASHTAGS[language], k=rng.randint(0, 2)))
            followers = int(rng.lognormvariate(6, 1.2))
            text = " ".join([f"@{_handle(world, brand, platform)}", rng.choice(PHRASES[(language, sentiment)]), *tags])
            items.append(Mention(f"m_{brand.brand_id}_{day:%Y%m%d}_{index}", "mention", platform, brand.brand_id,
                                 f"user_{rng.randrange(10**6):06d}", followers, text, tags, language, sentiment,
                                 _moment(world, brand, day, rng), int(followers * rng.uniform(0.01, 0.05)),
                                 rng.randrange(3), rng.randrange(2)))
    return items


def ugc_posts(world: World, brand) -> list[Mention]:
    """Posts by customers carrying a campaign hashtag: many inside the campaign's dates, a trickle in the
    ten days around them (which the UGC count must leave out)."""
    items = []
    scale = world.settings.simulator.scale
    language = brand.language if (brand.language, "positive") in PHRASES else "en"
    platforms = _platforms(world, brand, HASHTAG_PLATFORMS)
    for campaign in brand.campaigns if platforms else ():
        rate = _rng(world.seed, "ugc_rate", brand.brand_id, campaign.campaign_id).uniform(3, 9)
        for day in _days(world):
            inside = campaign.active(day)
            near = campaign.start_date - dt.timedelta(days=10) <= day <= campaign.end_date + dt.timedelta(days=10)
            if not near:
                continue
            rng = _rng(world.seed, "ugc", brand.brand_id, campaign.campaign_id, day.isoformat())
            for index in range(max(0, round(rng.gauss((rate if inside else 0.4) * scale, 1.0)))):
                platform = rng.choice(platforms)
                tag = rng.choice(campaign.hashtags)
                followers = int(rng.lognormvariate(6.2, 1.1))
                text = f"{rng.choice(PHRASES[(language, 'positive')])} {tag}"
                items.append(Mention(f"u_{campaign.campaign_id}_{day:%Y%m%d}_{index}", "ugc", platform,
                                     brand.brand_id, f"fan_{rng.randrange(10**5):05d}", followers, text, (tag,),
                                     language, "positive", _moment(world, brand, day, rng),
                                     int(followers * rng.uniform(0.02, 0.09)), rng.randrange(6), rng.randrange(3),
                                     campaign.campaign_id))
    return items


def influencer_posts(world: World, brand) -> list[Mention]:
    """Two to four posts per roster influencer, inside a campaign when there is one, mentioning the brand
    and carrying the campaign hashtag; engagement by the influencer's tier and own audience."""
    items = []
    language = brand.language if (brand.language, "positive") in PHRASES else "en"
    for influencer in brand.influencers:
        rng = _rng(world.seed, "influencer", brand.brand_id, influencer.platform, influencer.handle)
        base = next(rate for limit, rate in TIER_RATE if influencer.followers < limit) * rng.lognormvariate(0, 0.35)
        campaigns = [c for c in brand.campaigns if c.end_date >= world.start and c.start_date <= world.end]
        for index in range(rng.randint(2, 4)):
            campaign = rng.choice(campaigns) if campaigns else None
            first = max(campaign.start_date, world.start) if campaign else world.start
            last = min(campaign.end_date, world.end) if campaign else world.end
            day = first + dt.timedelta(days=rng.randrange((last - first).days + 1))
            tags = (campaign.hashtag,) if campaign else ()
            engagements = int(influencer.followers * base * rng.lognormvariate(0, 0.15))
            likes = int(engagements * 0.9)
            comments = int(engagements * 0.07)
            text = " ".join([f"@{_handle(world, brand, influencer.platform)}",
                             rng.choice(PHRASES[(language, "positive")]), *tags])
            items.append(Mention(f"i_{influencer.handle}_{index}", "influencer", influencer.platform, brand.brand_id,
                                 influencer.handle, influencer.followers, text, tags, language, "positive",
                                 _moment(world, brand, day, rng), likes, comments, engagements - likes - comments,
                                 campaign.campaign_id if campaign else None))
    return sorted(items, key=lambda item: item.created_at)


def served(world: World, platform: str) -> list[Mention]:
    """Every brand's mentions, UGC and influencer posts on one platform, oldest first (built once)."""
    def build() -> list[Mention]:
        items = [item for brand in world.settings.brands
                 for item in (*mentions(world, brand), *ugc_posts(world, brand), *influencer_posts(world, brand))
                 if item.platform == platform]
        return sorted(items, key=_order)
    return world.memo(("community", platform), build)


def _order(item: Mention) -> tuple:
    return item.created_at, item.mention_id


def _of_brands(world: World, brands: list, platform: str) -> list[Mention]:
    """`served` restricted to some brands: what a handler needs, without generating every brand of a fleet
    (simulator.fleet), whose others' posts held at once would grow with the fleet. Same order as `served`."""
    def build(brand) -> dict[str, list[Mention]]:
        by_platform: dict[str, list[Mention]] = {}
        for item in (*mentions(world, brand), *ugc_posts(world, brand), *influencer_posts(world, brand)):
            by_platform.setdefault(item.platform, []).append(item)
        return {name: sorted(items, key=_order) for name, items in by_platform.items()}

    if len(brands) == len(world.settings.brands):
        return served(world, platform)
    found = [item for brand in brands
             for item in world.memo(("community-brand", brand.brand_id), partial(build, brand))
             .get(platform, ())]
    return found if len(brands) == 1 else sorted(found, key=_order)


def naming(world: World, account_key: str, as_of: dt.datetime) -> list[Mention]:
    """Others' posts that name the owned account (`@handle`), published by as_of."""
    profile = world.profiles[account_key]
    platform = profile.account.platform
    handle = f"@{profile.account.handle}".lower()
    # A mention or an influencer's post names its own brand's handle on its platform (UGC names nobody).
    brands = [brand for brand in world.settings.brands if f"@{_handle(world, brand, platform)}".lower() == handle]
    return [item for item in _of_brands(world, brands, platform)
            if item.created_at <= as_of and handle in item.text.lower().split()]


def tagged(world: World, platform: str, hashtags: set[str], as_of: dt.datetime) -> list[Mention]:
    """Others' posts carrying any of the hashtags (case-insensitive, with their #), published by as_of."""
    wanted = {tag.lower() for tag in hashtags}
    # UGC and influencers carry their brand's campaign hashtags; everyday mentions the usual ones of any brand.
    if wanted & {tag.lower() for tags in HASHTAGS.values() for tag in tags}:
        brands = world.settings.brands
    else:
        brands = [brand for brand in world.settings.brands
                  if wanted & {tag.lower() for campaign in brand.campaigns for tag in campaign.hashtags}]
    return [item for item in _of_brands(world, brands, platform)
            if item.created_at <= as_of and wanted & {tag.lower() for tag in item.hashtags}]
