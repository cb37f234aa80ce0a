"""A deterministic simulated world of brand accounts, posts, counters and conversations."""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import random
import zoneinfo
from dataclasses import dataclass, field
from functools import cached_property

from warehouse.config import Account, Brand, Settings

UTC = dt.UTC

# What each platform reports; a metric not listed is left out of its payloads (NULL downstream, never 0).
PLATFORM_METRICS: dict[str, frozenset[str]] = {
    "instagram": frozenset({"likes", "comments", "shares", "saves", "reach", "views"}),
    "mastodon": frozenset({"likes", "comments", "shares"}),
    "x": frozenset({"likes", "comments", "shares", "saves", "views"}),
    "bluesky": frozenset({"likes", "comments", "shares"}),
    "facebook": frozenset({"likes", "comments", "shares", "reach", "views"}),
}

CONTENT_TYPES: dict[str, tuple[str, ...]] = {
    "instagram": ("image", "carousel", "video", "short_video"),
    "mastodon": ("text", "image", "link", "video"),
    "x": ("text", "image", "video", "link"),
    "bluesky": ("text", "image", "link", "video"),
    "facebook": ("text", "photo", "link", "video", "reel"),
}

# Planted effect of the content type on engagement, relative to the platform's first type.
CONTENT_LIFT: dict[str, dict[str, float]] = {
    "instagram": {"image": 1.0, "carousel": 1.35, "video": 1.15, "short_video": 1.8},
    "mastodon": {"text": 1.0, "image": 1.3, "link": 0.8, "video": 1.1},
    "x": {"text": 1.0, "image": 1.4, "video": 1.6, "link": 0.7},
    "bluesky": {"text": 1.0, "image": 1.35, "link": 0.85, "video": 1.2},
    "facebook": {"text": 1.0, "photo": 1.3, "link": 0.7, "video": 1.4, "reel": 1.9},
}

HASHTAGS = {
    "fr": ["#beauté", "#mode", "#nouveauté", "#paris", "#soin", "#automne", "#concours"],
    "en": ["#beauty", "#style", "#newin", "#nyc", "#skincare", "#fall", "#giveaway"],
}

PHRASES = {
    ("fr", "positive"): ["J'adore ce produit ! 😍", "Trop beau, bravo à l'équipe 👏", "Super qualité, je recommande",
                         "Magnifique collection ❤️", "Merci pour ce conseil, ça marche très bien"],
    ("fr", "negative"): ["Très déçue, le colis n'est jamais arrivé 😡", "Qualité nulle, je ne recommande pas",
                         "Service client injoignable, c'est honteux", "Pas terrible du tout",
                         "Arnaque, remboursez-moi"],
    ("fr", "neutral"): ["C'est disponible en magasin ?", "Quelle taille pour 1m70 ?", "Livraison en Belgique ?",
                        "Sortie prévue quand ?", "@amie regarde ça"],
    ("en", "positive"): ["Love this so much! 😍", "Amazing quality, highly recommend", "Great job team 👏",
                         "Beautiful collection ❤️", "Thanks, this worked really well"],
    ("en", "negative"): ["Very disappointed, my order never arrived 😡", "Terrible quality, do not recommend",
                         "Customer service is useless, shameful", "Not good at all", "Scam, give me a refund"],
    ("en", "neutral"): ["Is this available in store?", "What size for 5'7?", "Do you ship to Canada?",
                        "When does it launch?", "@friend look at this"],
}


def _rng(*parts: object) -> random.Random:
    # One generator per entity, seeded from its identity, so an account or post is the same whatever
    # else the world holds and can be generated alone (streaming at benchmark scale).
    digest = hashlib.sha256(":".join(str(part) for part in parts).encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def platform_id(platform: str, moment: dt.datetime, identity: str) -> str:
    """An id in the platform's own style; Mastodon's are time-ordered snowflakes, which its paging needs."""
    salt = int.from_bytes(hashlib.sha256(identity.encode()).digest()[:6], "big")
    if platform == "mastodon":
        return str((int(moment.timestamp() * 1000) << 16) | (salt & 0xFFFF))
    return f"178{salt % 10**14:014d}"


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
    comments: tuple[Comment, ...] = field(repr=False)

    def growth(self, as_of: dt.datetime) -> float:
        """Share of the lifetime total reached by `as_of`: counters grow fast, then flatten within days."""
        age_hours = (as_of - self.published_at).total_seconds() / 3600
        return 0.0 if age_hours <= 0 else 1 - math.exp(-age_hours / self.tau_hours)

    def counters(self, as_of: dt.datetime) -> dict[str, int]:
        share = self.growth(as_of)
        values = {metric: int(total * share) for metric, total in self.final.items() if metric != "comments"}
        if "comments" in self.final:
            values["comments"] = sum(1 for comment in self.visible_comments(as_of) if self._counts(comment))
        return values

    def _counts(self, comment: Comment) -> bool:
        # Instagram's comments_count includes replies to comments; the other platforms' reply and comment
        # counts (Mastodon replies_count, X reply_count, Bluesky replyCount, Facebook summary) are top-level.
        return self.platform == "instagram" or comment.parent_id is None

    def visible_comments(self, as_of: dt.datetime) -> list[Comment]:
        return [comment for comment in self.comments if comment.created_at <= as_of]


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


class World:
    """The simulated world for a configuration; every value is a pure function of seed and config."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.seed = settings.simulator.seed
        self.start = settings.extraction.start_date
        self.end = self.start + dt.timedelta(days=settings.simulator.history_days - 1)
        self._posts: dict[str, list[Post]] = {}
        self._index: dict[str, dict[str, Post]] = {}

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
        if platform not in self._index:
            self._index[platform] = {post.post_id: post for key in self.profiles if key.startswith(f"{platform}:")
                                     for post in self.posts(key)}
        return self._index[platform].get(post_id)

    def posts_as_of(self, account_key: str, as_of: dt.datetime) -> list[Post]:
        return [post for post in self.posts(account_key) if post.published_at <= as_of]

    def _generate_posts(self, account_key: str):
        profile = self.profiles[account_key]
        platform = profile.account.platform
        zone = zoneinfo.ZoneInfo(profile.brand.timezone)
        per_day = 1.6 * min(self.settings.simulator.scale, 50)
        for offset in range((self.end - self.start).days + 1):
            day = self.start + dt.timedelta(days=offset)
            rng = _rng(self.seed, "day", account_key, day.isoformat())
            count = max(0, round(rng.gauss(per_day, 0.8)))
            for index in range(count):
                yield self._generate_post(profile, platform, zone, day, index)

    def _generate_post(self, profile: AccountProfile, platform: str, zone, day: dt.date, index: int) -> Post:
        account_key = profile.account.key
        rng = _rng(self.seed, "post", account_key, day.isoformat(), index)
        hour = min(23, max(6, int(rng.gauss(14, 4))))
        local = dt.datetime.combine(day, dt.time(hour, rng.randrange(60), rng.randrange(60)), tzinfo=zone)
        published_at = local.astimezone(UTC)
        content_type = rng.choice(CONTENT_TYPES[platform])
        language = profile.brand.language
        tags = tuple(rng.sample(HASHTAGS[language], k=rng.randint(1, 3)))
        post_id = platform_id(platform, published_at, f"{account_key}:{day}:{index}")
        followers = self.followers(account_key, day)
        slot_lift = 1.6 if (local.weekday(), hour) == (profile.best_weekday, profile.best_hour) else 1.0
        # Heavy tail: most posts get little, a few get many times the usual engagement.
        tail = rng.paretovariate(2.2)
        engagement = followers * 0.03 * CONTENT_LIFT[platform][content_type] * slot_lift * tail
        metrics = PLATFORM_METRICS[platform]
        reach = int(followers * rng.uniform(0.15, 0.35) * (1 + 0.4 * (tail - 1)))
        planned = {
            "likes": int(engagement * 0.8),
            "comments": max(0, int(engagement * 0.05)),
            "shares": int(engagement * 0.08),
            "saves": int(engagement * 0.07),
            "reach": reach,
            "views": int(reach * rng.uniform(1.2, 1.8)),
        }
        final = {metric: value for metric, value in planned.items() if metric in metrics}
        tau_hours = rng.uniform(8, 30)
        caption = f"{'Nouveau' if language == 'fr' else 'New'} drop {day:%d/%m} {' '.join(tags)}"
        comments = self._generate_comments(profile, post_id, published_at, tau_hours, final.get("comments", 0))
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
            comments=comments,
        )

    def _generate_comments(self, profile, post_id, published_at, tau_hours, count) -> tuple[Comment, ...]:
        comments: list[Comment] = []
        language = profile.brand.language
        for index in range(count):
            rng = _rng(self.seed, "comment", post_id, index)
            # Inverse of the growth curve: the comment count follows the other counters over time.
            delay_hours = -tau_hours * math.log(1 - rng.random() * 0.999)
            created_at = published_at + dt.timedelta(hours=delay_hours)
            sentiment = rng.choices(["positive", "neutral", "negative"], weights=[0.55, 0.3, 0.15])[0]
            comment = Comment(
                comment_id=platform_id(profile.account.platform, created_at, f"{post_id}:{index}"),
                post_id=post_id,
                parent_id=None,
                author=f"user_{rng.randrange(10**6):06d}",
                text=rng.choice(PHRASES[(language, sentiment)]),
                language=language,
                sentiment=sentiment,
                created_at=created_at,
                is_brand=False,
            )
            comments.append(comment)
            if rng.random() < profile.reply_probability:
                delay = rng.lognormvariate(math.log(profile.reply_median_minutes), 0.5)
                comments.append(Comment(
                    comment_id=platform_id(profile.account.platform, created_at + dt.timedelta(minutes=delay),
                                           f"{post_id}:{index}:reply"),
                    post_id=post_id,
                    parent_id=comment.comment_id,
                    author=profile.account.handle,
                    text="Merci pour votre message !" if language == "fr" else "Thanks for your message!",
                    language=language,
                    sentiment="positive",
                    created_at=created_at + dt.timedelta(minutes=delay),
                    is_brand=True,
                ))
        return tuple(sorted(comments, key=lambda item: (item.created_at, item.comment_id)))
