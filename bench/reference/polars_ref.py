"""The seven KPIs as an analyst would write them in a notebook with polars (bench/reference/__init__.py lists the
inputs and outputs). Definitions are the metric contract's (/work/shared/kpis.md); where it leaves a detail open,
the marts' reading is followed, and each such place says which model it follows."""

from __future__ import annotations

from pathlib import Path

import polars as pl

BENCHMARK_DAY = 7  # D+7 values (dbt var benchmark_day)
BASELINE_WINDOW = "90d"  # underperformance: the account's posts of D-90 .. D-1
BASELINE_MIN_POSTS = 5
SLOT_MIN_POSTS = 3  # best time: cells of at least 3 posts
SPIKE_BASELINE_DAYS = 28
SPIKE_MIN_ITEMS = 20
SPIKE_SIGMAS = 3


def _to_local(utc: str, zones: list[str]) -> pl.Expr:
    """A naive UTC timestamp column as naive local time in its row's `account_timezone`: polars converts a column
    to one zone at a time, so one branch per zone the accounts use (a handful), not per row."""
    aware = pl.col(utc).dt.replace_time_zone("UTC")
    local = pl.lit(None, dtype=pl.Datetime("us"))
    for zone in zones:
        converted = aware.dt.convert_time_zone(zone).dt.replace_time_zone(None)
        local = pl.when(pl.col("account_timezone") == zone).then(converted).otherwise(local)
    return local


def _posts(snapshots: pl.DataFrame, followers: pl.DataFrame, accounts: pl.DataFrame, zones: list[str]) -> pl.DataFrame:
    """One row per post of a configured account (int_posts): attributes from its latest read, publication day,
    weekday and hour in the account's time zone, followers at the end of the day before publication."""
    posts = (
        snapshots.sort("snapshot_date")
        .group_by("post_key")
        .agg(pl.col("account_key", "published_at_utc", "content_type").last())
        .join(accounts.select("account_key", "account_timezone"), on="account_key")
        .with_columns(_to_local("published_at_utc", zones).alias("published_at_local"))
        .with_columns(
            published_date=pl.col("published_at_local").dt.date(),
            weekday=pl.col("published_at_local").dt.weekday(),  # ISO: Monday = 1
            hour=pl.col("published_at_local").dt.hour(),
        )
        .with_columns(followers_until=pl.col("published_date") - pl.duration(days=1))
    )
    # the account's last read dated on or before the day before publication (its value, even if NULL); both
    # sides are sorted on the dates, which polars cannot verify when grouped by account
    return posts.sort("followers_until").join_asof(
        followers.sort("snapshot_date"), left_on="followers_until", right_on="snapshot_date", by="account_key",
        strategy="backward", check_sortedness=False,
    ).drop("followers_until", "snapshot_date")


def _readings(snapshots: pl.DataFrame, posts: pl.DataFrame) -> pl.DataFrame:
    """Each post's reads from its local publication day on (a read dated before it, UTC ahead of local, is
    none, as in fct_post_performance), with engagements carried over reads that lack them."""
    return (
        snapshots.select("post_key", "snapshot_date", "engagements")
        .join(posts.select("post_key", "published_date"), on="post_key")
        .filter(pl.col("snapshot_date") >= pl.col("published_date"))
        .sort("post_key", "snapshot_date")
        .with_columns(pl.col("engagements").forward_fill().over("post_key"))
    )


def _counter_deltas(reads: pl.DataFrame) -> pl.DataFrame:
    # a post counts 0 at publication: its first known value is all gained on the day it is read, when that is by
    # the day after publication; a later first read (an account's first night) has an unknown increase
    from_zero = pl.col("snapshot_date") <= pl.col("published_date") + pl.duration(days=1)
    previous = pl.col("engagements").shift(1).over("post_key")
    return reads.select(
        "post_key",
        date_day="snapshot_date",
        engagements_gained=pl.col("engagements")
        - pl.when(previous.is_null() & from_zero).then(0).otherwise(previous),
    )


def _d7_rates(posts: pl.DataFrame, reads: pl.DataFrame) -> pl.DataFrame:
    """Posts with D+7 values and their D+7 engagement rate. As in fct_post_performance, a post has a D+7 value
    when it was read on or before D+7 (from D+0) and again on or after it: the last read up to D+7 is its value."""
    d7_date = pl.col("published_date") + pl.duration(days=BENCHMARK_DAY)
    at_d7 = reads.group_by("post_key").agg(
        last_read=pl.col("snapshot_date").max(),
        d7_date=d7_date.first(),
        # rows keep their (sorted) order within a group: the last read up to D+7
        engagements_d7=pl.col("engagements").filter(pl.col("snapshot_date") <= d7_date).last(),
    )
    # a story's counters end with it (24 hours): once D+7 has come (the last night read), its last read is its D+7
    story = (pl.col("content_type") == "story") & (pl.col("d7_date") <= reads["snapshot_date"].max())
    return (
        posts.join(at_d7, on="post_key")
        .filter((pl.col("last_read") >= pl.col("d7_date")) | story)
        # division by zero or by NULL gives NULL (contract)
        .with_columns(
            engagement_rate_d7=pl.col("engagements_d7").cast(pl.Float64)
            / pl.when(pl.col("followers") != 0).then(pl.col("followers"))
        )
        .filter(pl.col("engagement_rate_d7").is_not_null())
    )


def _best_time(rated: pl.DataFrame) -> pl.DataFrame:
    median = pl.col("median_engagement_rate_d7")
    return (
        rated.group_by("account_key", "weekday", "hour")
        .agg(posts=pl.len(), median_engagement_rate_d7=pl.col("engagement_rate_d7").median())
        .with_columns(median_engagement_rate_d7=pl.when(pl.col("posts") >= SLOT_MIN_POSTS).then(median))
        .with_columns(is_best_slot=(median == median.max().over("account_key")).fill_null(False))
    )


def _content_type_lift(rated: pl.DataFrame) -> pl.DataFrame:
    account_median = rated.group_by("account_key").agg(account_median=pl.col("engagement_rate_d7").median())
    return (
        rated.group_by("account_key", "content_type")
        .agg(posts=pl.len(), median_engagement_rate_d7=pl.col("engagement_rate_d7").median())
        .join(account_median, on="account_key")
        .with_columns(
            lift=pl.col("median_engagement_rate_d7")
            / pl.when(pl.col("account_median") != 0).then(pl.col("account_median"))
            - 1
        )
    )


def _underperformance(rated: pl.DataFrame) -> pl.DataFrame:
    """The median D+7 rate of the account's posts published D-90 .. D-1 (local days; posts of the same day are
    left out), with at least 5 of them, else no baseline (dim_posts)."""
    # a left-closed window of 90 days ending at midnight of D: [D-90, D), same-day posts excluded
    rate = pl.col("engagement_rate_d7")
    has_rate = rate.is_not_null().cast(pl.Int64)
    enough = pl.col("baseline_posts") >= BASELINE_MIN_POSTS
    return (
        rated.sort("account_key", "published_date")
        .with_columns(
            baseline=rate.rolling_median_by("published_date", BASELINE_WINDOW, closed="left").over("account_key"),
            baseline_posts=has_rate.rolling_sum_by("published_date", BASELINE_WINDOW, closed="left")
            .over("account_key")
            .fill_null(0),
        )
        .with_columns(baseline_engagement_rate_d7=pl.when(enough).then(pl.col("baseline")))
        .with_columns(is_underperforming=rate < 0.5 * pl.col("baseline_engagement_rate_d7"))
    )


def _response_times(interactions: pl.DataFrame) -> pl.DataFrame:
    first_reply = (
        interactions.filter(pl.col("is_from_brand") & pl.col("parent_interaction_key").is_not_null())
        .group_by("parent_interaction_key")
        .agg(first_reply_at_utc=pl.col("created_at_utc").min())
    )
    return (
        interactions.filter(~pl.col("is_from_brand"))
        .join(first_reply, left_on="interaction_key", right_on="parent_interaction_key")
        # whole seconds crossed, as DuckDB's date_diff('second', ...) counts them (dbt's datediff in fct_interactions)
        .select(
            "interaction_key",
            first_response_minutes=(
                pl.col("first_reply_at_utc").dt.epoch("s") - pl.col("created_at_utc").dt.epoch("s")
            ).cast(pl.Float64)
            / 60,
        )
    )


def _negative_spikes(
    interactions: pl.DataFrame, followers: pl.DataFrame, accounts: pl.DataFrame, zones: list[str]
) -> pl.DataFrame:
    """Account days (fct_account_daily: every day from the account's first to its last read) whose negative
    inbound items exceed the mean + 3 sample standard deviations of the 28 days before, with at least 20.
    Accounts whose comments are not read have no count (NULL), so no alert."""
    reading = accounts.filter(pl.col("reads_comments")).select("account_key", "account_timezone")
    days = (
        followers.join(reading, on="account_key")
        .group_by("account_key")
        .agg(date_day=pl.date_ranges(pl.col("snapshot_date").min(), pl.col("snapshot_date").max(), "1d").first())
        .explode("date_day")
    )
    counts = (
        interactions.filter(~pl.col("is_from_brand") & (pl.col("sentiment_label") == "negative"))
        .join(reading, on="account_key")
        .group_by("account_key", date_day=_to_local("created_at_utc", zones).dt.date())
        .agg(negative_items=pl.len())
    )
    # the 28 account days before D (rows, as rpt_alerts' window: every calendar day is a row)
    before = pl.col("observed_value").shift(1)
    return (
        days.join(counts, on=["account_key", "date_day"], how="left")
        .sort("account_key", "date_day")
        .with_columns(observed_value=pl.col("negative_items").fill_null(0).cast(pl.Float64))
        .with_columns(
            baseline_value=before.rolling_mean(SPIKE_BASELINE_DAYS).over("account_key"),
            baseline_stddev=before.rolling_std(SPIKE_BASELINE_DAYS, ddof=1).over("account_key"),
        )
        .filter(
            pl.col("baseline_value").is_not_null()
            & (pl.col("observed_value") >= SPIKE_MIN_ITEMS)
            & (
                pl.col("observed_value")
                > pl.col("baseline_value") + SPIKE_SIGMAS * pl.col("baseline_stddev").fill_null(0)
            )
        )
    )


def compute(inputs: Path) -> dict[str, pl.DataFrame]:
    snapshots = pl.read_parquet(inputs / "posts.parquet")
    followers = pl.read_parquet(inputs / "followers.parquet")
    accounts = pl.read_parquet(inputs / "accounts.parquet")
    interactions = pl.read_parquet(inputs / "interactions.parquet")
    zones = accounts["account_timezone"].unique().sort().to_list()

    posts = _posts(snapshots, followers, accounts, zones)
    reads = _readings(snapshots, posts)
    rated = _d7_rates(posts, reads)
    return {
        "counter_deltas": _counter_deltas(reads),
        "d7_rates": rated.select("post_key", "engagement_rate_d7"),
        "best_time": _best_time(rated),
        "content_type_lift": _content_type_lift(rated),
        "underperformance": _underperformance(rated).select(
            "post_key", "baseline_engagement_rate_d7", "is_underperforming"
        ),
        "response_times": _response_times(interactions),
        "negative_spikes": _negative_spikes(interactions, followers, accounts, zones).select(
            "account_key", "date_day", "observed_value", "baseline_value", "baseline_stddev"
        ),
    }
