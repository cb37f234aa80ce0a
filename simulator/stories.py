"""The simulated world's stories (Instagram and Facebook): posts that live 24 hours, their insights readable only
while they live.

Each Instagram or Facebook account publishes 0 to 3 stories a day, at any hour. A story's counters grow fast
after publication (a few hours' time constant) and stop when it expires; its viewers leave by tapping forward,
back, out (exit) or swiping to the next account, in shares drawn per story: the planted truth the story marts
are checked against (tests/e2e/test_stories.py). Everything is a pure function of the seed, the account and the
day, drawn from seeds of its own, so adding stories changed nothing else in the world.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from simulator.ids import rng_for

if TYPE_CHECKING:  # (the world holds its stories: World.stories)
    from simulator.world import World

LIFETIME = dt.timedelta(hours=24)
STORY_PLATFORMS = ("instagram", "facebook")
STORIES_PER_DAY = (0, 1, 1, 2, 3)  # drawn uniformly: 1.4 a day on average
TAU_HOURS = 3.0
MIN_VIEWERS = 5  # under it, Instagram refuses a story's insights: (#10) Not enough viewers
NAVIGATION = ("tap_forward", "tap_back", "tap_exit", "swipe_forward")


@dataclass(frozen=True)
class Story:
    story_id: str
    account_key: str
    platform: str
    published_at: dt.datetime
    media_type: str  # IMAGE or VIDEO
    final: dict[str, int]  # what it reaches by its expiry (metric -> count)

    @property
    def expires_at(self) -> dt.datetime:
        return self.published_at + LIFETIME

    def live(self, as_of: dt.datetime) -> bool:
        return self.published_at <= as_of < self.expires_at

    def counters(self, as_of: dt.datetime) -> dict[str, int]:
        """The insights as of a moment of its life: the share of the final values reached by then."""
        age_hours = (min(as_of, self.expires_at) - self.published_at).total_seconds() / 3600
        share = 0.0 if age_hours <= 0 else (1 - math.exp(-age_hours / TAU_HOURS)) / (1 - math.exp(-24 / TAU_HOURS))
        return {name: int(total * share) for name, total in self.final.items()}


class Stories:
    """Every story of the world's Instagram and Facebook accounts, generated per account on first use."""

    def __init__(self, world: World):
        self.world = world
        self._by_account: dict[str, list[Story]] = {}

    def of(self, account_key: str) -> list[Story]:
        if account_key not in self._by_account:
            self._by_account[account_key] = self._generate(account_key)
        return self._by_account[account_key]

    def live(self, account_key: str, as_of: dt.datetime) -> list[Story]:
        """The stories an API lists at `as_of`, newest first."""
        return sorted((story for story in self.of(account_key) if story.live(as_of)),
                      key=lambda story: story.published_at, reverse=True)

    @cached_property
    def _index(self) -> dict[str, Story]:
        return {story.story_id: story for key in self.world.profiles
                if key.split(":", 1)[0] in STORY_PLATFORMS for story in self.of(key)}

    def find(self, story_id: str) -> Story | None:
        return self._index.get(story_id)

    def _generate(self, account_key: str) -> list[Story]:
        platform = account_key.split(":", 1)[0]
        if platform not in STORY_PLATFORMS:
            return []
        world = self.world
        stories = []
        for offset in range((world.end - world.start).days + 1):
            day = world.start + dt.timedelta(days=offset)
            rng = rng_for(world.seed, "stories", account_key, day.isoformat())
            followers = world.followers(account_key, day)
            for number in range(rng.choice(STORIES_PER_DAY)):
                published = dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC) + dt.timedelta(
                    seconds=rng.randrange(24 * 3600))
                views = int(followers * rng.uniform(0.02, 0.08))
                exit_share, swipe_share = rng.uniform(0.04, 0.16), rng.uniform(0.05, 0.15)
                final = {
                    "views": views,
                    "reach": int(views * rng.uniform(0.8, 0.95)),
                    "replies": int(views * rng.uniform(0.002, 0.012)),
                    "shares": int(views * rng.uniform(0.001, 0.006)),
                    "follows": int(views * rng.uniform(0.0, 0.003)),
                    "profile_visits": int(views * rng.uniform(0.005, 0.02)),
                    "tap_forward": int(views * rng.uniform(0.45, 0.7)),
                    "tap_back": int(views * rng.uniform(0.03, 0.1)),
                    "tap_exit": int(views * exit_share),
                    "swipe_forward": int(views * swipe_share),
                }
                # Ids in the Graph style, from an identity of their own (never a post's).
                salt = rng_for(world.seed, "story id", account_key, day.isoformat(), number).randrange(10**14)
                stories.append(Story(f"179{salt:014d}", account_key, platform, published,
                                     rng.choice(("IMAGE", "IMAGE", "VIDEO")), final))
        return sorted(stories, key=lambda story: story.published_at)

