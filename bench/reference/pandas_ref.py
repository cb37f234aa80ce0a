"""The seven KPIs as an analyst would write them in a notebook with pandas (bench/reference/__init__.py lists
the inputs and outputs). Definitions are the metric contract's (/work/shared/kpis.md); where it leaves a detail
open, the marts' reading is followed, and each such place says which model it follows."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

BENCHMARK_DAY = 7  # D+7 values (dbt var benchmark_day)
BASELINE_DAYS = "90D"  # underperformance: the account's posts of D-90 .. D-1
BASELINE_MIN_POSTS = 5
SLOT_MIN_POSTS = 3  # best time: cells of at least 3 posts
SPIKE_BASELINE_DAYS = 28
SPIKE_MIN_ITEMS = 20
SPIKE_SIGMAS = 3


def _to_local(utc: pd.Series, time_zone: pd.Series) -> pd.Series:
    """Naive UTC timestamps as naive local ones, each in its own row's zone (one conversion per zone)."""
    return utc.groupby(time_zone).transform(
        lambda part: part.dt.tz_localize("UTC").dt.tz_convert(part.name).dt.tz_localize(None)
    )


def _posts(snapshots: pd.DataFrame, followers: pd.DataFrame, accounts: pd.DataFrame) -> pd.DataFrame:
    """One row per post of a configured account (int_posts): attributes from its latest read, publication day,
    weekday and hour in the account's time zone, followers at the end of the day before publication."""
    latest = snapshots.sort_values("snapshot_date").drop_duplicates("post_key", keep="last")
    posts = latest[["post_key", "account_key", "published_at_utc", "content_type"]].merge(
        accounts[["account_key", "account_timezone"]], on="account_key"
    )
    local = _to_local(posts["published_at_utc"], posts["account_timezone"])
    posts["published_date"] = local.dt.normalize()
    posts["weekday"] = local.dt.weekday + 1  # ISO: Monday = 1
    posts["hour"] = local.dt.hour
    # the account's last read dated on or before the day before publication (its value, even if NULL)
    posts["followers_until"] = posts["published_date"] - pd.Timedelta(days=1)
    posts = pd.merge_asof(
        posts.dropna(subset=["followers_until"]).sort_values("followers_until"),
        followers.sort_values("snapshot_date")[["account_key", "snapshot_date", "followers"]],
        left_on="followers_until", right_on="snapshot_date", by="account_key", direction="backward",
    )
    return posts.drop(columns=["followers_until", "snapshot_date"])


def _readings(snapshots: pd.DataFrame, posts: pd.DataFrame) -> pd.DataFrame:
    """Each post's reads from its local publication day on (a read dated before it, UTC ahead of local, is
    none, as in fct_post_performance), with engagements carried over reads that lack them."""
    reads = snapshots[["post_key", "snapshot_date", "engagements"]].merge(
        posts[["post_key", "published_date"]], on="post_key"
    )
    reads = reads[reads["snapshot_date"] >= reads["published_date"]].sort_values(["post_key", "snapshot_date"])
    reads["engagements"] = reads.groupby("post_key")["engagements"].ffill()
    return reads


def _counter_deltas(reads: pd.DataFrame) -> pd.DataFrame:
    # a post counts 0 at publication: its first known value is all gained on the day it is read, when that is by
    # the day after publication; a later first read (an account's first night) has an unknown increase
    previous = reads.groupby("post_key")["engagements"].shift()
    from_zero = reads["snapshot_date"] <= reads["published_date"] + pd.Timedelta(days=1)
    previous = previous.mask(previous.isna() & from_zero, 0)
    return pd.DataFrame({
        "post_key": reads["post_key"],
        "date_day": reads["snapshot_date"],
        "engagements_gained": reads["engagements"] - previous,
    })


def _d7_rates(posts: pd.DataFrame, reads: pd.DataFrame) -> pd.DataFrame:
    """Posts with D+7 values and their D+7 engagement rate. As in fct_post_performance, a post has a D+7 value
    when it was read on or before D+7 (from D+0) and again on or after it: the last read up to D+7 is its value."""
    spans = reads.groupby("post_key")["snapshot_date"].agg(first_read="min", last_read="max")
    candidates = posts.join(spans, on="post_key", how="inner")
    candidates["d7_date"] = candidates["published_date"] + pd.Timedelta(days=BENCHMARK_DAY)
    # a story's counters end with it (24 hours): once D+7 has come (the last night read), its last read is its D+7
    story = (candidates["content_type"] == "story") & (candidates["d7_date"] <= reads["snapshot_date"].max())
    read_at_d7 = candidates["last_read"] >= candidates["d7_date"]
    candidates = candidates[(candidates["first_read"] <= candidates["d7_date"]) & (read_at_d7 | story)]
    at_d7 = pd.merge_asof(
        candidates.sort_values("d7_date"),
        reads[["post_key", "snapshot_date", "engagements"]].sort_values("snapshot_date"),
        left_on="d7_date", right_on="snapshot_date", by="post_key", direction="backward",
    )
    # division by zero or by NULL gives NULL (contract)
    at_d7["engagement_rate_d7"] = at_d7["engagements"].astype(float) / at_d7["followers"].replace(0, np.nan)
    return at_d7[at_d7["engagement_rate_d7"].notna()].reset_index(drop=True)


def _best_time(rated: pd.DataFrame) -> pd.DataFrame:
    slots = (
        rated.groupby(["account_key", "weekday", "hour"])["engagement_rate_d7"]
        .agg(posts="size", median_engagement_rate_d7="median")
        .reset_index()
    )
    slots["median_engagement_rate_d7"] = slots["median_engagement_rate_d7"].where(slots["posts"] >= SLOT_MIN_POSTS)
    best = slots.groupby("account_key")["median_engagement_rate_d7"].transform("max")
    slots["is_best_slot"] = slots["median_engagement_rate_d7"].notna() & (slots["median_engagement_rate_d7"] == best)
    return slots


def _content_type_lift(rated: pd.DataFrame) -> pd.DataFrame:
    by_type = (
        rated.groupby(["account_key", "content_type"], dropna=False)["engagement_rate_d7"]
        .agg(posts="size", median_engagement_rate_d7="median")
        .reset_index()
    )
    account_median = rated.groupby("account_key")["engagement_rate_d7"].median().rename("account_median")
    by_type = by_type.join(account_median, on="account_key")
    by_type["lift"] = by_type["median_engagement_rate_d7"] / by_type["account_median"].replace(0, np.nan) - 1
    return by_type


def _underperformance(rated: pd.DataFrame) -> pd.DataFrame:
    """The median D+7 rate of the account's posts published D-90 .. D-1 (local days; posts of the same day are
    left out), with at least 5 of them, else no baseline (dim_posts)."""
    ordered = rated.sort_values(["account_key", "published_date"]).reset_index(drop=True)
    # a left-closed window of 90 days ending at midnight of D: [D-90, D), same-day posts excluded
    window = ordered.groupby("account_key").rolling(BASELINE_DAYS, on="published_date", closed="left")
    trailing = window["engagement_rate_d7"].agg(["median", "count"])
    baseline_posts = trailing["count"].fillna(0).to_numpy()
    enough = baseline_posts >= BASELINE_MIN_POSTS
    baseline = trailing["median"].to_numpy()
    ordered["baseline_engagement_rate_d7"] = np.where(enough, baseline, np.nan)
    below = ordered["engagement_rate_d7"] < 0.5 * ordered["baseline_engagement_rate_d7"]
    ordered["is_underperforming"] = below.astype("boolean").mask(~enough)
    return ordered


def _response_times(interactions: pd.DataFrame) -> pd.DataFrame:
    replies = interactions[interactions["is_from_brand"] & interactions["parent_interaction_key"].notna()]
    first_reply = replies.groupby("parent_interaction_key")["created_at_utc"].min().rename("first_reply_at_utc")
    answered = interactions[~interactions["is_from_brand"]].join(first_reply, on="interaction_key", how="inner")
    # whole seconds crossed, as DuckDB's date_diff('second', ...) counts them (dbt's datediff in fct_interactions)
    elapsed = answered["first_reply_at_utc"].dt.floor("s") - answered["created_at_utc"].dt.floor("s")
    minutes = elapsed.dt.total_seconds() / 60
    return pd.DataFrame({"interaction_key": answered["interaction_key"], "first_response_minutes": minutes})


def _negative_spikes(interactions: pd.DataFrame, followers: pd.DataFrame, accounts: pd.DataFrame) -> pd.DataFrame:
    """Account days (fct_account_daily: every day from the account's first to its last read) whose negative
    inbound items exceed the mean + 3 sample standard deviations of the 28 days before, with at least 20.
    Accounts whose comments are not read have no count (NULL), so no alert."""
    reading = accounts.loc[accounts["reads_comments"], ["account_key", "account_timezone"]]
    bounds = (
        followers[followers["account_key"].isin(reading["account_key"])]
        .groupby("account_key")["snapshot_date"].agg(["min", "max"])
    )
    lengths = (bounds["max"] - bounds["min"]).dt.days + 1
    days = pd.DataFrame({
        "account_key": bounds.index.repeat(lengths), "date_day": bounds["min"].repeat(lengths).to_numpy(),
    })
    days["date_day"] += pd.to_timedelta(days.groupby("account_key").cumcount(), unit="D")

    negative = interactions[~interactions["is_from_brand"] & (interactions["sentiment_label"] == "negative")]
    negative = negative.merge(reading, on="account_key")
    negative_date = _to_local(negative["created_at_utc"], negative["account_timezone"]).dt.normalize()
    counts = negative.groupby(["account_key", negative_date.rename("date_day")]).size().rename("negative_items")

    days = days.join(counts, on=["account_key", "date_day"])
    days["negative_items"] = days["negative_items"].fillna(0).astype(float)
    # the 28 account days before D (rows, as rpt_alerts' window: every calendar day is a row)
    before = days.groupby("account_key")["negative_items"].shift()
    prior = before.groupby(days["account_key"]).rolling(SPIKE_BASELINE_DAYS, min_periods=SPIKE_BASELINE_DAYS)
    days["baseline_value"] = prior.mean().droplevel(0)
    days["baseline_stddev"] = prior.std(ddof=1).droplevel(0)
    days["observed_value"] = days["negative_items"]
    spike = (
        days["baseline_value"].notna()
        & (days["negative_items"] >= SPIKE_MIN_ITEMS)
        & (days["negative_items"] > days["baseline_value"] + SPIKE_SIGMAS * days["baseline_stddev"].fillna(0))
    )
    return days[spike].reset_index(drop=True)


def compute(inputs: Path) -> dict[str, pd.DataFrame]:
    snapshots = pd.read_parquet(inputs / "posts.parquet")
    followers = pd.read_parquet(inputs / "followers.parquet")
    accounts = pd.read_parquet(inputs / "accounts.parquet")
    interactions = pd.read_parquet(inputs / "interactions.parquet")
    # calendar dates as datetime64 of the timestamps' unit, for date arithmetic, merge_asof and rolling windows
    for frame in (snapshots, followers):
        frame["snapshot_date"] = pd.to_datetime(frame["snapshot_date"]).astype("datetime64[us]")

    posts = _posts(snapshots, followers, accounts)
    reads = _readings(snapshots, posts)
    rated = _d7_rates(posts, reads)
    return {
        "counter_deltas": _counter_deltas(reads),
        "d7_rates": rated[["post_key", "engagement_rate_d7"]],
        "best_time": _best_time(rated),
        "content_type_lift": _content_type_lift(rated),
        "underperformance": _underperformance(rated)[["post_key", "baseline_engagement_rate_d7", "is_underperforming"]],
        "response_times": _response_times(interactions),
        "negative_spikes": _negative_spikes(interactions, followers, accounts)[
            ["account_key", "date_day", "observed_value", "baseline_value", "baseline_stddev"]
        ],
    }
