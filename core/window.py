"""The lookback window, defined once.

Counters keep moving after a post is published, so every night re-reads the posts of the last
`extraction.lookback_days` days. A window of N days is the N calendar days ending with the logical date D,
both included: D-(N-1) .. D. With N = 1 a night reads its own day only.

- The extractors re-read the posts published in the window (from its first day, 00:00 UTC).
- The quality gate validates the mart rows of the window's days.
- dbt's incremental models recompute from the day before the window (macro `reprocess_from`): the
  window's first day's increases are taken against that day's counters, which a re-read can restate.
"""

from __future__ import annotations

import datetime as dt


def window_start(day: dt.date, lookback_days: int) -> dt.date:
    """The first day of the lookback window ending with `day`."""
    if lookback_days < 1:
        raise ValueError(f"a lookback window has at least one day, not {lookback_days}")
    return day - dt.timedelta(days=lookback_days - 1)


def window_days(day: dt.date, lookback_days: int) -> tuple[dt.date, dt.date]:
    """The window's first and last day, both included."""
    return window_start(day, lookback_days), day
