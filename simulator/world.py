"""A deterministic simulated world of brand accounts, posts, counters and conversations."""

from __future__ import annotations

import datetime as dt
import itertools
import math
import zoneinfo
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import TypeVar, cast

from core.config import Account, Brand, Settings
from simulator.ids import platform_id
from simulator.ids import rng_for as _rng
from simulator.phrases import FEATURE_PHRASES, PHRASES, SENTIMENTS, brand_reply, compose
from simulator.rivals import Rivals
from simulator.stories import Stories

UTC = dt.UTC
T = TypeVar("T")

# What each platform reports; a metric not listed is left out of its payloads (NULL downstream, never 0).
PLATFORM_METRICS: dict[str, frozenset[str]] = {
    "instagram": frozenset({"likes", "comments", "shares", "saves", "reach", "views"}),
    "mastodon": frozenset({"likes", "comments", "shares"}),
    "x": frozenset({"likes", "comments", "shares", "saves", "views"}),
    "bluesky": frozenset({"likes", "comments", "shares"}),
    "facebook": frozenset({"likes", "comments", "shares", "reach", "views"}),
    "youtube": frozenset({"likes", "comments", "views"}),
    "linkedin": frozenset({"likes", "comments", "shares", "reach", "views"}),
    "tiktok": frozenset({"likes", "comments", "shares", "views"}),
    # Threads: replies as comments, shares served as reposts, quotes and shares (simulator.platforms.threads)
    "threads": frozenset({"likes", "comments", "shares", "views"}),
}

CONTENT_TYPES: dict[str, tuple[str, ...]] = {
    "instagram": ("image", "carousel", "video", "short_video"),
    "mastodon": ("text", "image", "link", "video"),
    "x": ("text", "image", "video", "link"),
    "bluesky": ("text", "image", "link", "video"),
    "facebook": ("text", "photo", "link", "video", "reel"),
    "youtube": ("video", "short", "live"),
    "linkedin": ("text", "image", "carousel", "video", "link"),
    "tiktok": ("short_video", "video"),
    "threads": ("text", "image", "video", "link"),
}

# Planted effect of the content type on engagement, relative to the platform's first type. YouTube, LinkedIn
# and TikTok have one demo account each (half the posts of the other platforms): their top type is set apart
# enough to be ranked first with a lift above 15 % (TikTok's long videos at 0.75 left short videos a lift of
# ~0.1 in half the seeds), and YouTube's spread is narrower so that content luck does not outweigh the slot.
CONTENT_LIFT: dict[str, dict[str, float]] = {
    "instagram": {"image": 1.0, "carousel": 1.35, "video": 1.15, "short_video": 1.8},
    "mastodon": {"text": 1.0, "image": 1.3, "link": 0.8, "video": 1.1},
    "x": {"text": 1.0, "image": 1.4, "video": 1.6, "link": 0.7},
    "bluesky": {"text": 1.0, "image": 1.35, "link": 0.85, "video": 1.2},
    "facebook": {"text": 1.0, "photo": 1.3, "link": 0.7, "video": 1.4, "reel": 1.9},
    "youtube": {"video": 1.0, "short": 1.5, "live": 0.85},
    "linkedin": {"text": 1.0, "image": 1.3, "carousel": 1.6, "video": 1.2, "link": 0.75},
    "tiktok": {"short_video": 1.0, "video": 0.55},
    "threads": {"text": 1.0, "image": 1.3, "video": 1.5, "link": 0.75},
}

HASHTAGS = {
    "fr": ["#beauté", "#mode", "#nouveauté", "#paris", "#soin", "#automne", "#concours"],
    "en": ["#beauty", "#style", "#newin", "#nyc", "#skincare", "#fall", "#giveaway"],
}

# Audience activity by hour of day (local time) and by weekday (Monday first): comments and mentions
# arrive following it, and brands post in habitual slots near its peaks.
HOURLY_ACTIVITY = (0.16, 0.09, 0.05, 0.04, 0.04, 0.07, 0.22, 0.45, 0.65, 0.72, 0.78, 0.88,
                   1.0, 0.95, 0.8, 0.74, 0.78, 0.88, 0.98, 1.0, 0.94, 0.78, 0.52, 0.3)
WEEKDAY_ACTIVITY = (0.92, 0.95, 0.96, 1.0, 1.04, 1.14, 1.08)
POSTING_HOURS = (8, 9, 12, 13, 17, 18, 19, 20, 21)
# Planted effect of the account's best (weekday, hour) slot on engagement, per platform. It must stand out of
# the content-type spread and the viral tail, or a cell of three or four lucky posts (the contract keeps cells
# of at least 3) outranks it: at 2.0 the demo's YouTube channel lost its slot to a 4-post cell holding two
# viral videos. Over 100 seeds of the demo world, the planted slot is the contract's best slot for 99-100 % of
# the YouTube, LinkedIn and TikTok accounts, and 97-99.5 % of the other five networks' accounts.
SLOT_LIFT: dict[str, float] = {"instagram": 2.0, "mastodon": 2.0, "x": 2.0, "bluesky": 2.0, "facebook": 2.0,
                               "youtube": 2.8, "linkedin": 2.5, "tiktok": 2.5,
                               "threads": 2.0}
SENTIMENT_WEIGHTS = (0.55, 0.3, 0.15)  # of the audience's comments, in the order of SENTIMENTS
_SENTIMENT_CUMULATIVE = list(itertools.accumulate(SENTIMENT_WEIGHTS))
_SENTIMENT_TOTAL = _SENTIMENT_CUMULATIVE[-1] + 0.0
MAX_COMMENT_AGE = dt.timedelta(days=30)  # no comment or reply arrives later than this after its post
CRISIS_DAYS = 2
REACH_DROP = 0.4  # the algorithm change takes this share of organic reach away
ENGAGEMENT_METRICS = frozenset({"likes", "comments", "shares", "saves"})  # the contract's engagements
# Content features (simulator.content_features), drawn per post from its own generator: the share of posts that
# carry each kind of call to action (at most one), and apart from it a question. The lifts multiply the post's
# planned engagement, and its comments on top for the features that ask for them; the warehouse's measured lift
# is the contract's median ratio over the generated posts (simulator.ground_truth), not these knobs.
FEATURE_SHARES = (("comment_cta", 0.15), ("cta", 0.12), ("contest", 0.06))
QUESTION_SHARE = 0.2
FEATURE_LIFT = {"comment_cta": 1.3, "cta": 1.2, "contest": 1.6, "question": 1.1}
COMMENT_LIFT = {"comment_cta": 2.5, "question": 1.5}
# The brand's advocates: a few community members per brand who write this share of its audience's comments,
# mostly kind ones (simulator.content_features).
ADVOCATES_PER_BRAND = 6
ADVOCATE_SHARE = 0.08
ADVOCATE_SENTIMENTS = (("positive", 0.85), ("neutral", 0.15))




@dataclass(frozen=True)
class Comment:
    comment_id: str
    post_id: str
    parent_id: str | None
    author: str
    text: str
    language: str
    sentiment: str
    created_at: dt.datetime
    is_brand: bool


@dataclass(frozen=True)
class Post:
    post_id: str
    account_key: str
    platform: str
    published_at: dt.datetime
    content_type: str
    caption: str
    hashtags: tuple[str, ...]
    utm_content: str
    final: dict[str, int]
    tau_hours: float
    # Comments are generated when first read and may be dropped again (forget_comments): a large world
    # holds only the comments of the posts in use.
    comment_source: Callable[[], tuple[Comment, ...]] = field(repr=False, compare=False)
    utm_campaign: str | None = None
    campaign_id: str | None = None
    clicks: int = 0  # lifetime link clicks (the web sessions they bring are in simulator.web)
    mentions: tuple[str, ...] = ()
    # content features its caption carries (simulator.content_features): cta, comment_cta, question, contest
    features: frozenset[str] = frozenset()

    @cached_property
    def comments(self) -> tuple[Comment, ...]:
        return self.comment_source()

    def forget_comments(self) -> None:
        for name in ("comments", "_comment_times", "_top_level_counts"):
            self.__dict__.pop(name, None)

    @cached_property
    def _comment_times(self) -> list[dt.datetime]:
        # comments are sorted by creation: the ones visible at a moment are a prefix, found by bisection
        return [comment.created_at for comment in self.comments]

    @cached_property
    def _top_level_counts(self) -> list[int]:
        counts, total = [0], 0  # counts[n]: top-level comments among the first n
        for comment in self.comments:
            total += comment.parent_id is None
            counts.append(total)
        return counts

    def visible_count(self, as_of: dt.datetime) -> int:
        """How many comments exist at `as_of` (the length of visible_comments)."""
        return bisect_right(self._comment_times, as_of)

    def top_level_count(self, as_of: dt.datetime) -> int:
        """How many comments (not replies) exist at `as_of`."""
        return self._top_level_counts[self.visible_count(as_of)]

    def link(self, source: str | None = None) -> str:
        """The shop link the post carries: utm_source/medium, the campaign's tag, utm_content = the post's key."""
        campaign = f"&utm_campaign={self.utm_campaign}" if self.utm_campaign else ""
        return (f"https://shop.example/p?utm_source={source or self.platform}&utm_medium=social{campaign}"
                f"&utm_content={self.utm_content}")

    def metric(self, name: str, as_of: dt.datetime) -> int:
        """One counter (not comments) as of a moment, without reading the comments."""
        return int(self.final.get(name, 0) * self.growth(as_of))

    def growth(self, as_of: dt.datetime) -> float:
        """Share of the lifetime total reached by `as_of`: counters grow fast, then flatten within days."""
        age_hours = (as_of - self.published_at).total_seconds() / 3600
        return 0.0 if age_hours <= 0 else 1 - math.exp(-age_hours / self.tau_hours)

    def counters(self, as_of: dt.datetime) -> dict[str, int]:
        share = self.growth(as_of)
        values = {metric: int(total * share) for metric, total in self.final.items() if metric != "comments"}
        if "comments" in self.final:
            # Instagram's comments_count includes replies to comments; the other platforms' reply and comment
            # counts (Mastodon replies_count, X reply_count, Bluesky replyCount, Facebook summary) are top-level.
            # YouTube's statistics.commentCount and TikTok's comment_count count replies too; LinkedIn's
            # totalShareStatistics.commentCount is taken as top-level. A Threads root post's `replies` insight
            # counts every reply in its tree (Threads Insights API).
            values["comments"] = (self.visible_count(as_of)
                                  if self.platform in ("instagram", "youtube", "tiktok", "threads")
                                  else self.top_level_count(as_of))
        return values

    def visible_comments(self, as_of: dt.datetime) -> list[Comment]:
        return list(self.comments[:self.visible_count(as_of)])


@dataclass(frozen=True)
class AccountProfile:
    brand: Brand
    account: Account
    base_followers: int
    daily_growth: float
    best_weekday: int
    best_hour: int
    reply_median_minutes: float
    reply_probability: float
    slots: tuple[int, ...] = ()  # habitual posting hours (local), best_hour among them
    activity: tuple[tuple[float, ...], ...] = ()  # audience activity [weekday][hour], peak 1.0

    def activity_at(self, local: dt.datetime) -> float:
        return self.activity[local.weekday()][local.hour]


def planned_end(settings: Settings) -> dt.date:
    """The last day of the configured history: `extraction.start_date` plus `simulator.history_days` - 1."""
    return settings.extraction.start_date + dt.timedelta(days=settings.simulator.history_days - 1)


def demo_end(settings: Settings, today: dt.date | None = None) -> dt.date:
    """The last night the demo lands: yesterday (UTC), the latest night a nightly run could have read, so the
    scheduler's next run continues the history. Before the world's start (a clock set back) it is the planned
    end."""
    yesterday = (today or dt.datetime.now(dt.UTC).date()) - dt.timedelta(days=1)
    return yesterday if yesterday > settings.extraction.start_date else planned_end(settings)


class World:
    """The simulated world for a configuration; every value is a pure function of seed and config."""

    def __init__(self, settings: Settings, through: dt.date | None = None):
        self.settings = settings
        self.seed = settings.simulator.seed
        self.start = settings.extraction.start_date
        # The planned history (its campaigns, crisis and reach drop fall inside it), continued through any later
        # day asked for: the demo lives in today's calendar, so its next nights must exist. Each day is drawn
        # from its own seed, so continuing the world changes nothing before its planned end.
        self.end = max(planned_end(settings), through or self.start)
        self._posts: dict[str, list[Post]] = {}
        self._index: dict[tuple[str, str], dict[str, Post]] = {}  # (account, id name) -> id -> post
        self._by_platform: dict[str, list[str]] = {}
        self._memo: dict[tuple, object] = {}
        self._bounds: dict[str, tuple[list[dt.datetime], list[dt.datetime]]] = {}

    @cached_property
    def stories(self) -> Stories:
        """The Instagram and Facebook accounts' stories (simulator.stories), live 24 hours each."""
        return Stories(self)

    @cached_property
    def rivals(self) -> Rivals:
        """The brands' rival accounts (brands[].rivals): public profiles and posts only."""
        return Rivals(self)

    def memo(self, key: tuple, build: Callable[[], T]) -> T:
        """A value computed once per key (handlers re-asked for each page); only the last few used are kept."""
        if key in self._memo:
            value = self._memo[key] = self._memo.pop(key)  # most recently used last: evicted last
            return cast(T, value)  # each key names one builder, so what it cached is what `build` returns
        if len(self._memo) >= 16:
            self._memo.pop(next(iter(self._memo)))
        built = self._memo[key] = build()
        return built

    def forget_comments(self, account_key: str, before: dt.datetime) -> None:
        """Drop the generated comments of posts published before `before` (regenerated if read again)."""
        for post in self._posts.get(account_key, ()):
            if post.published_at < before:
                post.forget_comments()
        self._memo.clear()

    def forget_account(self, account_key: str) -> None:
        """Drop everything generated for one account (it is generated again, identically, if asked for)."""
        self._posts.pop(account_key, None)
        self._bounds.pop(account_key, None)
        for index in [index for index in self._index if index[0] == account_key]:
            del self._index[index]
        self._memo.clear()

    def generated_accounts(self) -> list[str]:
        """The accounts whose posts are held in memory."""
        return list(self._posts)

    def zone(self, account_key: str) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.profiles[account_key].brand.timezone)

    def social_accounts(self) -> list[str]:
        return [key for key, profile in self.profiles.items() if profile.account.platform != "ga4"]

    @cached_property
    def crisis(self) -> tuple[str, tuple[dt.date, ...]] | None:
        """One account gets a burst of negative comments over CRISIS_DAYS local days, with at least
        28 days of ordinary history before it; None when the history is too short to hold one."""
        offset = max(35, int(self.settings.simulator.history_days * 0.55))
        candidates = self.social_accounts()
        if not candidates or offset + CRISIS_DAYS + 2 > self.settings.simulator.history_days:
            return None
        rng = _rng(self.seed, "crisis")
        key = rng.choice(candidates)
        first = self.start + dt.timedelta(days=offset + rng.randrange(3))
        return key, tuple(first + dt.timedelta(days=day) for day in range(CRISIS_DAYS))

    @cached_property
    def reach_change(self) -> tuple[str, dt.date] | None:
        """Instagram's algorithm change: organic reach of posts published from this local date on falls by
        REACH_DROP; at least 35 days of history precede it."""
        offset = max(36, int(self.settings.simulator.history_days * 0.7))
        platforms = {profile.account.platform for profile in self.profiles.values()}
        if "instagram" not in platforms or offset + 10 > self.settings.simulator.history_days:
            return None
        return "instagram", self.start + dt.timedelta(days=offset + _rng(self.seed, "reach_change").randrange(3))

    def reach_factor(self, platform: str, local_day: dt.date) -> float:
        change = self.reach_change
        return 1 - REACH_DROP if change and change[0] == platform and local_day >= change[1] else 1.0

    @cached_property
    def profiles(self) -> dict[str, AccountProfile]:
        profiles = {}
        for brand, account in self.settings.accounts():
            rng = _rng(self.seed, "profile", account.key)
            profiles[account.key] = AccountProfile(
                brand=brand,
                account=account,
                base_followers=int(rng.lognormvariate(math.log(20000), 0.6) * self.settings.simulator.scale),
                daily_growth=rng.uniform(0.0005, 0.003),
                best_weekday=rng.randrange(7),
                best_hour=rng.choice([8, 12, 13, 18, 19, 20]),
                reply_median_minutes=rng.choice([35.0, 60.0, 120.0, 240.0]),
                reply_probability=rng.uniform(0.5, 0.8),
            )
            best_hour = profiles[account.key].best_hour
            others = rng.sample([hour for hour in POSTING_HOURS if abs(hour - best_hour) > 1], k=1)
            weekday_bias = [rng.uniform(0.9, 1.1) for _ in range(7)]
            shift = rng.choice([-1, 0, 0, 1])
            raw = [[WEEKDAY_ACTIVITY[weekday] * weekday_bias[weekday] * HOURLY_ACTIVITY[(hour - shift) % 24]
                    for hour in range(24)] for weekday in range(7)]
            peak = max(max(row) for row in raw)
            profiles[account.key] = AccountProfile(
                **{name: getattr(profiles[account.key], name) for name in AccountProfile.__dataclass_fields__
                   if name not in ("slots", "activity")},
                slots=tuple(sorted([best_hour, *others])),
                activity=tuple(tuple(round(value / peak, 4) for value in row) for row in raw),
            )
        return profiles

    def followers(self, account_key: str, day: dt.date) -> int:
        """Followers at the end of `day` (in UTC): steady growth with daily churn noise."""
        profile = self.profiles[account_key]
        days = (day - self.start).days
        noise = _rng(self.seed, "followers", account_key, day.isoformat()).uniform(-0.0004, 0.0004)
        return max(0, int(profile.base_followers * (1 + profile.daily_growth + noise) ** days))

    def now(self, day: dt.date) -> dt.datetime:
        """The moment a nightly extraction for `day` reads the APIs: the end of that day, UTC."""
        return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=UTC)

    def posts(self, account_key: str) -> list[Post]:
        if account_key not in self._posts:
            self._posts[account_key] = list(self._generate_posts(account_key))
        return self._posts[account_key]

    def find_post(self, platform: str, post_id: str) -> Post | None:
        return self.lookup(platform, "post_id", lambda post: post.post_id, post_id)

    def lookup(self, platform: str, name: str, key: Callable[[Post], str], value: str) -> Post | None:
        """The post of `platform` whose `key` (an id the API shows, named `name`) is `value`. The accounts whose
        posts are already generated are searched first (in bulk mode, the account being landed), the others
        then one at a time: a fleet of brands (simulator.fleet) never has all its posts generated at once."""
        prefix = f"{platform}:"
        searched = [account_key for account_key in self._posts if account_key.startswith(prefix)]
        for account_key in (*searched, *(k for k in self._platform_accounts(platform) if k not in searched)):
            index = self._index.get((account_key, name))
            if index is None:
                index = self._index[(account_key, name)] = {key(post): post for post in self.posts(account_key)}
            if value in index:
                return index[value]
        return None

    def _platform_accounts(self, platform: str) -> list[str]:
        accounts = self._by_platform.get(platform)
        if accounts is None:
            accounts = self._by_platform[platform] = [key for key in self.profiles if key.startswith(f"{platform}:")]
        return accounts

    def posts_as_of(self, account_key: str, as_of: dt.datetime) -> list[Post]:
        posts, whole, end = self._as_of_span(account_key, as_of)
        return posts[:whole] + [post for post in posts[whole:end] if post.published_at <= as_of]

    def count_posts_as_of(self, account_key: str, as_of: dt.datetime) -> int:
        """len(posts_as_of(...)) without building the list."""
        posts, whole, end = self._as_of_span(account_key, as_of)
        return whole + sum(1 for post in posts[whole:end] if post.published_at <= as_of)

    def _as_of_span(self, account_key: str, as_of: dt.datetime) -> tuple[list[Post], int, int]:
        """The posts, how many lead them all published by `as_of`, and where the ones after it begin."""
        highest, lowest = self._publication_bounds(account_key)
        return self.posts(account_key), bisect_right(highest, as_of), bisect_right(lowest, as_of)

    def posts_between(self, account_key: str, since: dt.datetime, as_of: dt.datetime) -> list[Post]:
        posts = self.posts(account_key)
        highest, lowest = self._publication_bounds(account_key)
        start, end = bisect_left(highest, since), bisect_right(lowest, as_of)
        return [post for post in posts[start:end] if since <= post.published_at <= as_of]

    def _publication_bounds(self, account_key: str) -> tuple[list[dt.datetime], list[dt.datetime]]:
        """Running maximum and suffix minimum of the posts' publication times, both non-decreasing: posts
        come day after day but not in time order within a day, so a time range is found by bisecting these
        (no post before bisect_left(highest, t) is at or after t; none from bisect_right(lowest, t) is at or
        before t) and filtering only what lies between."""
        if account_key not in self._bounds:
            times = [post.published_at for post in self.posts(account_key)]
            highest = list(itertools.accumulate(times, max))
            lowest = list(itertools.accumulate(reversed(times), min))[::-1]
            self._bounds[account_key] = highest, lowest
        return self._bounds[account_key]

    def _generate_posts(self, account_key: str):
        profile = self.profiles[account_key]
        platform = profile.account.platform
        zone = zoneinfo.ZoneInfo(profile.brand.timezone)
        per_day = 1.6 * min(self.settings.simulator.scale, 50)
        if platform == "ga4":
            return  # a web analytics property publishes nothing; its sessions are in simulator.web
        crisis_days = self.crisis[1] if self.crisis and self.crisis[0] == account_key else ()
        for offset in range((self.end - self.start).days + 1):
            day = self.start + dt.timedelta(days=offset)
            rng = _rng(self.seed, "day", account_key, day.isoformat())
            count = max(0, round(rng.gauss(per_day, 0.8)))
            if day.weekday() == profile.best_weekday or day in crisis_days:
                count = max(1, count)  # the habitual slot is never skipped; a brand in crisis posts
            for index in range(count):
                yield self._generate_post(profile, platform, zone, day, index)

    def _generate_post(self, profile: AccountProfile, platform: str, zone, day: dt.date, index: int) -> Post:
        account_key = profile.account.key
        rng = _rng(self.seed, "post", account_key, day.isoformat(), index)
        # Habitual slots: the first post of the best weekday goes out in the best hour, the rest in one of
        # the account's few usual hours, so every (weekday, hour) cell gathers posts week after week.
        if index == 0 and day.weekday() == profile.best_weekday:
            hour = profile.best_hour
        else:
            hour = rng.choice(profile.slots)
        local = dt.datetime.combine(day, dt.time(hour, rng.randrange(60), rng.randrange(60)), tzinfo=zone)
        published_at = local.astimezone(UTC)
        content_type = rng.choice(CONTENT_TYPES[platform])
        language = profile.brand.language
        tags = tuple(rng.sample(HASHTAGS[language], k=rng.randint(1, 3)))
        post_id = platform_id(platform, published_at, f"{account_key}:{day}:{index}")
        followers = self.followers(account_key, day)
        best = (local.weekday(), hour) == (profile.best_weekday, profile.best_hour)
        slot_lift = SLOT_LIFT[platform] if best else 1.0
        # Heavy tail: most posts scatter moderately around the usual engagement, a few go viral.
        tail = rng.lognormvariate(0, 0.25) * (rng.paretovariate(1.4) if rng.random() < 0.12 else 1.0)
        engagement = followers * 0.03 * CONTENT_LIFT[platform][content_type] * slot_lift * tail
        metrics = PLATFORM_METRICS[platform]
        reach = int(followers * rng.uniform(0.15, 0.35) * (1 + 0.4 * (tail - 1))
                    * self.reach_factor(platform, day))
        planned = {
            "likes": int(engagement * 0.8),
            "comments": max(0, int(engagement * 0.015)),
            "shares": int(engagement * 0.08),
            "saves": int(engagement * 0.07),
            "reach": reach,
            "views": int(reach * rng.uniform(1.2, 1.8)),
        }
        final = {metric: value for metric, value in planned.items() if metric in metrics}
        tau_hours = rng.uniform(8, 30)
        clicks = int(reach * rng.uniform(0.006, 0.014) * (3.0 if content_type == "link" else 1.0))
        campaigns = [campaign for campaign in profile.brand.campaigns if campaign.active(day)]
        campaign = rng.choice(campaigns) if campaigns and rng.random() < 0.5 else None
        if campaign is not None:
            tags = (campaign.hashtag, *tags)
        handles = [item.handle for item in profile.brand.influencers if item.platform == platform]
        mentions = (rng.choice(handles),) if handles and rng.random() < 0.15 else ()
        words = {"fr": "Nouveau", "en": "New"}.get(language, "New")
        features, phrases = self._content_features(post_id, language)
        caption = " ".join([f"{words} drop {day:%d/%m}", *(f"avec @{h}" if language == "fr" else f"with @{h}"
                                                          for h in mentions), *phrases, *tags])
        if features:
            lift = math.prod(FEATURE_LIFT[feature] for feature in features)
            final = {metric: int(value * lift) if metric in ENGAGEMENT_METRICS else value
                     for metric, value in final.items()}
            if "comments" in final:
                final["comments"] = int(final["comments"] * math.prod(COMMENT_LIFT.get(item, 1.0)
                                                                      for item in features))
        count = final.get("comments", 0)
        comments = _CommentSource(self, profile, post_id, published_at, tau_hours, count, day)
        return Post(
            post_id=post_id,
            account_key=account_key,
            platform=platform,
            published_at=published_at,
            content_type=content_type,
            caption=caption,
            hashtags=tags,
            utm_content=f"{platform}_{post_id}",
            final=final,
            tau_hours=tau_hours,
            comment_source=comments,
            utm_campaign=campaign.utm_campaign if campaign else None,
            campaign_id=campaign.campaign_id if campaign else None,
            clicks=clicks,
            mentions=mentions,
            features=features,
        )

    def _content_features(self, post_id: str, language: str) -> tuple[frozenset[str], list[str]]:
        """The post's planted content features and the caption phrases that carry them, from the post's own
        generator (the rest of the world is the same with or without them); none unless configured."""
        if not self.settings.simulator.content_features:
            return frozenset(), []
        rng = _rng(self.seed, "features", post_id)
        bank = FEATURE_PHRASES.get(language, FEATURE_PHRASES["en"])
        features, phrases = set(), []
        draw, edge = rng.random(), 0.0
        for feature, share in FEATURE_SHARES:
            edge += share
            if draw < edge:
                features.add(feature)
                phrases.append(rng.choice(bank[feature]))
                break
        if rng.random() < QUESTION_SHARE:
            features.add("question")
            phrases.append(rng.choice(bank["question"]))
        return frozenset(features), phrases

    def advocates(self, brand_id: str) -> tuple[str, ...]:
        """The brand's advocates' names, as they comment on each of its platforms (simulator.content_features)."""
        if not self.settings.simulator.content_features:
            return ()
        return tuple(f"{brand_id.replace('_', '')}fan{index}" for index in range(ADVOCATES_PER_BRAND))

    def _generate_comments(self, profile, post_id, published_at, tau_hours, count,
                           day: dt.date | None = None) -> tuple[Comment, ...]:
        comments: list[Comment] = []
        # The audience writes in the brand's language where the phrase bank has it, else in English.
        language = profile.brand.language if (profile.brand.language, "positive") in PHRASES else "en"
        zone = zoneinfo.ZoneInfo(profile.brand.timezone)
        crisis = self._crisis_comments(profile, post_id, published_at, day, zone)
        platform, activity = profile.account.platform, profile.activity  # (hoisted: a hot loop)
        for index in range(count + len(crisis)):
            rng = _rng(self.seed, "comment", post_id, index)
            if index < count:
                # Inverse of the growth curve, the comment count follows the other counters over time;
                # a moment when the audience is asleep is drawn again, so comments follow its activity.
                for _ in range(8):
                    delay_hours = -tau_hours * math.log(1 - rng.random() * 0.999)
                    created_at = published_at + dt.timedelta(hours=delay_hours)
                    local = created_at.astimezone(zone)
                    if rng.random() <= activity[local.weekday()][local.hour]:  # profile.activity_at(local)
                        break
                # rng.choices(SENTIMENTS, weights=SENTIMENT_WEIGHTS)[0], its weights summed once
                sentiment = SENTIMENTS[bisect_right(_SENTIMENT_CUMULATIVE, rng.random() * _SENTIMENT_TOTAL, 0, 2)]
            else:
                created_at, sentiment = crisis[index - count], "negative"
            author = f"user_{rng.randrange(10**6):06d}"
            advocates = self.advocates(profile.brand.brand_id) if index < count else ()
            if advocates:
                # Its own generator, so that a world without advocates draws exactly what it drew before.
                pick = _rng(self.seed, "advocate", post_id, index)
                if pick.random() < ADVOCATE_SHARE:
                    author = pick.choice(advocates)
                    sentiment = "positive" if pick.random() < ADVOCATE_SENTIMENTS[0][1] else "neutral"
            comment = Comment(
                comment_id=platform_id(platform, created_at, f"{post_id}:{index}"),
                post_id=post_id,
                parent_id=None,
                author=author,
                # Composed from the phrase bank's parts with this comment's own generator; a crisis comment
                # is one of the burst's complaints.
                text=compose(rng, language, sentiment, crisis=index >= count),
                language=language,
                sentiment=sentiment,
                created_at=created_at,
                is_brand=False,
            )
            comments.append(comment)
            if rng.random() < profile.reply_probability:
                delay = rng.lognormvariate(math.log(profile.reply_median_minutes), 0.5)
                reply = brand_reply(rng, language, sentiment)
                replied_at = created_at + dt.timedelta(minutes=delay)
                comments.append(Comment(
                    comment_id=platform_id(platform, replied_at, f"{post_id}:{index}:reply"),
                    post_id=post_id,
                    parent_id=comment.comment_id,
                    author=profile.account.handle,
                    text=reply,
                    language=language,
                    sentiment="positive",
                    created_at=replied_at,
                    is_brand=True,
                ))
        return tuple(sorted(comments, key=lambda item: (item.created_at, item.comment_id)))

    def _crisis_comments(self, profile, post_id, published_at, day, zone) -> list[dt.datetime]:
        """Moments of the crisis' negative comments on this post: a post published on a crisis day draws
        a burst on that day and each later crisis day, timed by the audience's activity."""
        if not self.crisis or self.crisis[0] != profile.account.key or day not in self.crisis[1]:
            return []
        moments = []
        for crisis_day in (item for item in self.crisis[1] if item >= day):
            rng = _rng(self.seed, "crisis", post_id, crisis_day.isoformat())
            start = max(published_at, dt.datetime.combine(crisis_day, dt.time(), tzinfo=zone).astimezone(UTC))
            end = dt.datetime.combine(crisis_day + dt.timedelta(days=1), dt.time(), tzinfo=zone).astimezone(UTC)
            span = (end - start).total_seconds()
            wanted, drawn = int(rng.uniform(70, 110) * max(0.35, span / 86400)) if span > 60 else 0, 0
            while drawn < wanted:
                moment = start + dt.timedelta(seconds=rng.uniform(0, span - 1))
                if rng.random() <= profile.activity_at(moment.astimezone(zone)):
                    moments.append(moment)
                    drawn += 1
        return moments


class _CommentSource:
    """Generates one post's comments when first read (a picklable, comparable closure)."""

    __slots__ = ("world", "args")

    def __init__(self, world: World, *args):
        self.world, self.args = world, args

    def __call__(self) -> tuple[Comment, ...]:
        return self.world._generate_comments(*self.args)
