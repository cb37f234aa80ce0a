"""What the simulated world says the warehouse must hold after nightly runs: computed from the world itself."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import Counter

from core.config import Settings
from extractors.run import run_context
from simulator.community import naming
from simulator.platforms.instagram import follower_breakdowns
from simulator.world import World


def window_posts(world: World, settings: Settings, key: str, day: dt.date, first_run: dt.date):
    start = run_context(settings, day, first_run).window_start_utc
    now = world.now(day)
    return [post for post in world.posts(key) if start <= post.published_at <= now]


def raw_counts(settings: Settings, day: dt.date, first_run: dt.date) -> Counter:
    """Rows per raw table that a nightly extraction of `day` lands, from the world's own records."""
    world = World(settings)
    now = world.now(day)
    counts: Counter = Counter()
    for _, account in settings.accounts():
        posts = window_posts(world, settings, account.key, day, first_run)
        visible = [post.visible_comments(now) for post in posts]
        start = run_context(settings, day, first_run).window_start_utc
        # others' posts naming the account (no campaign here, so no hashtag search)
        naming_it = sum(1 for item in naming(world, account.key, now) if item.created_at >= start)
        if account.platform == "instagram":
            counts["raw.instagram__user"] += 1
            counts["raw.instagram__user_insights"] += 2  # the day's reach and views (total_value)
            # one answer per breakdown (age, gender, country, city); none under 100 followers
            counts["raw.instagram__follower_demographics"] += 4 if follower_breakdowns(world, account.key, day) else 0
            counts["raw.instagram__media"] += len(posts)
            counts["raw.instagram__media_insights"] += 5 * len(posts)
            counts["raw.instagram__comments"] += sum(1 for comments in visible for c in comments if c.parent_id is None)
            counts["raw.instagram__tags"] += naming_it
        elif account.platform == "mastodon":
            counts["raw.mastodon__account"] += 1
            counts["raw.mastodon__statuses"] += len(posts)
            counts["raw.mastodon__replies"] += sum(len(comments) for comments in visible)
            # mention notifications: every comment by others in the window, on any post, and others' posts
            counts["raw.mastodon__mentions"] += naming_it + sum(
                1 for post in world.posts_as_of(account.key, now) for comment in post.visible_comments(now)
                if not comment.is_brand and comment.created_at >= start)
    return counts


def mart_counts(settings: Settings, days: list[dt.date]) -> dict[str, int]:
    """Rows of the marts after runs for `days`: per post, its local publication day, the days from its first
    read to the end of its re-read period (D+lookback_days, at least D+7) and each later read (the grain bounded
    by observation, docs/DECISIONLOG.md); one per account per day from its first to its last night."""
    world = World(settings)
    reads: dict[str, tuple] = {}
    for day in sorted(days):
        for brand, account in settings.accounts():
            for post in window_posts(world, settings, account.key, day, min(days)):
                _, _, nights = reads.setdefault(post.post_id, (post, brand.timezone, set()))
                nights.add(day)
    reread_days = max(settings.extraction.lookback_days, 7)
    post_days = 0
    for post, timezone, nights in reads.values():
        published_local = post.published_at.astimezone(zoneinfo.ZoneInfo(timezone)).date()
        read = sorted(night for night in nights if night >= published_local)
        if not read:
            continue
        until = min(read[-1], published_local + dt.timedelta(days=reread_days))
        kept = {published_local, *read}
        kept.update(read[0] + dt.timedelta(days=n) for n in range((until - read[0]).days + 1))
        post_days += len(kept)
    span = (max(days) - min(days)).days + 1
    return {"marts.fct_post_performance": post_days,
            "marts.fct_account_daily": span * len(settings.accounts()),
            "marts.dim_accounts": len(settings.accounts())}
