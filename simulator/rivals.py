"""Rival accounts: the public side of accounts the brands benchmark themselves against (`brands[].rivals`).

Lighter than an owned account: a follower count that grows, and posts whose public counters (likes, comments,
shares) grow after publication as owned posts' do; no comments, no insights, nothing a public profile and feed
do not show. Each rival is a pure function of the seed, its platform and its handle, so the warehouse's
competitor benchmark can be checked against it (simulator.ground_truth)."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import math
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from simulator.ids import platform_id
from simulator.ids import rng_for as _rng

if TYPE_CHECKING:
    from simulator.world import World

UTC = dt.UTC


@dataclass(frozen=True)
class RivalPost:
    post_id: str
    published_at: dt.datetime
    caption: str
    final: dict[str, int]  # lifetime likes, comments, shares
    tau_hours: float

    def counters(self, as_of: dt.datetime) -> dict[str, int]:
        """The public counters as of a moment: they grow fast, then flatten within days (as owned posts')."""
        age_hours = (as_of - self.published_at).total_seconds() / 3600
        share = 0.0 if age_hours <= 0 else 1 - math.exp(-age_hours / self.tau_hours)
        return {name: int(total * share) for name, total in self.final.items()}


@dataclass(frozen=True)
class Rival:
    platform: str
    handle: str
    name: str
    brand_id: str
    base_followers: int
    daily_growth: float
    posts_per_day: float
    engagement: float  # lifetime public engagements of a post, per follower

    @property
    def account_id(self) -> str:
        """The platform's id of the account: a numeric id (Instagram, Mastodon) or a DID (Bluesky)."""
        digest = hashlib.sha256(f"{self.platform}:{self.handle.lower()}".encode()).hexdigest()
        if self.platform == "bluesky":
            alphabet = "abcdefghijklmnopqrstuvwxyz234567"
            return "did:plc:" + "".join(alphabet[int(digest[i:i + 2], 16) % 32] for i in range(0, 48, 2))
        if self.platform == "mastodon":
            return str(110_000_000_000_000_000 + int(digest[:12], 16) % 10**15)
        if self.platform == "x":
            return str(1_600_000_000_000_000_000 + int(digest[:14], 16) % 10**17)
        if self.platform == "youtube":
            return "UC" + base64.urlsafe_b64encode(bytes.fromhex(digest)).decode()[:22]
        return f"178414{int(digest[:12], 16) % 10**11:011d}"

    @property
    def username(self) -> str:
        """The handle without its instance (Mastodon) or domain: what a profile shows as its name in a URL."""
        return self.handle.lstrip("@").split("@")[0]


class Rivals:
    """The world's rival accounts, by platform and handle (lower-cased) and by platform and id."""

    def __init__(self, world: World):
        self.world = world
        self._posts: dict[tuple[str, str], list[RivalPost]] = {}

    @cached_property
    def by_handle(self) -> dict[tuple[str, str], Rival]:
        rivals: dict[tuple[str, str], Rival] = {}
        for brand in self.world.settings.brands:
            for configured in brand.rivals:
                rng = _rng(self.world.seed, "rival", configured.platform, configured.handle.lower())
                rival = Rival(
                    platform=configured.platform, handle=configured.handle, name=configured.label,
                    brand_id=brand.brand_id,
                    base_followers=int(rng.lognormvariate(math.log(30000), 0.7) * self.world.settings.simulator.scale),
                    daily_growth=rng.uniform(-0.0005, 0.004),
                    posts_per_day=rng.uniform(0.6, 2.2) * min(self.world.settings.simulator.scale, 50),
                    engagement=rng.uniform(0.01, 0.05),
                )
                rivals.setdefault((rival.platform, self.key(rival.handle)), rival)
        return rivals

    @cached_property
    def by_id(self) -> dict[tuple[str, str], Rival]:
        return {(rival.platform, rival.account_id): rival for rival in self.by_handle.values()}

    @staticmethod
    def key(handle: str) -> str:
        return handle.lstrip("@").lower()

    def find(self, platform: str, handle_or_id: str) -> Rival | None:
        return (self.by_handle.get((platform, self.key(handle_or_id)))
                or self.by_id.get((platform, handle_or_id)))

    def followers(self, rival: Rival, day: dt.date) -> int:
        """Followers at the end of `day` (UTC): steady growth or decline with daily noise."""
        days = (day - self.world.start).days
        noise = _rng(self.world.seed, "rival-followers", rival.platform, rival.handle.lower(),
                     day.isoformat()).uniform(-0.0004, 0.0004)
        return max(0, int(rival.base_followers * (1 + rival.daily_growth + noise) ** days))

    def posts(self, rival: Rival) -> list[RivalPost]:
        """Every post of the rival over the world's days, oldest first."""
        key = (rival.platform, rival.handle.lower())
        if key not in self._posts:
            self._posts[key] = list(self._generate(rival))
        return self._posts[key]

    def posts_as_of(self, rival: Rival, as_of: dt.datetime) -> list[RivalPost]:
        return [post for post in self.posts(rival) if post.published_at <= as_of]

    def _generate(self, rival: Rival):
        for offset in range((self.world.end - self.world.start).days + 1):
            day = self.world.start + dt.timedelta(days=offset)
            rng = _rng(self.world.seed, "rival-day", rival.platform, rival.handle.lower(), day.isoformat())
            for index in range(max(0, round(rng.gauss(rival.posts_per_day, 0.7)))):
                moment = dt.datetime.combine(day, dt.time(rng.randrange(6, 22), rng.randrange(60),
                                                          rng.randrange(60)), tzinfo=UTC)
                engagements = self.followers(rival, day) * rival.engagement * rng.lognormvariate(0, 0.4)
                yield RivalPost(
                    post_id=platform_id(rival.platform, moment, f"rival:{rival.handle.lower()}:{day}:{index}"),
                    published_at=moment,
                    caption=f"{rival.name}: {rng.choice(CAPTIONS)}",
                    final={"likes": int(engagements * 0.8), "comments": int(engagements * 0.12),
                           "shares": int(engagements * 0.08)},
                    tau_hours=rng.uniform(6, 30),
                )


CAPTIONS = ("New season, new look", "Behind the scenes", "Our team picks", "Back in stock", "Weekend plans?",
            "Thank you for 10 years", "Limited edition", "Meet the makers")
