"""Raw suites: Great Expectations on each night's raw rows, right after the load.

Row rules (severity `critical`) move a failing row out of its raw table into `raw._rejected`, with its id, the
rule it broke, the figures and the run; the rest of the night goes on to staging. Landed lines therefore
reconcile per table, account and night: manifest rows = rows in raw + `raw._quarantine` (the loader's: lines that
do not parse or have no key) + `raw._rejected` (these rules). Night rules (volume, freshness) quarantine nothing:
a critical one blocks the publish (the gate reads `raw.json`), a warning one is published and flagged.

The rules are declared per stream below: counters (non-negative numbers; numeric strings where the API sends
them, as YouTube and GA4 do), lifetime counters (must not fall from one night to the next beyond a platform's
corrections), the record's time (not in the future, not before the account or the platform existed), and pairs
(reach never above impressions).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import great_expectations as gx
import pandas as pd
from great_expectations.expectations.metadata_types import FailureSeverity

from core import catalog
from core.config import Settings
from core.db import sql_literal
from expectations.docs import DocsSite, raised
from expectations.drift import detect_drift, drift_suite

log = logging.getLogger(__name__)
E = gx.expectations
WARNING = FailureSeverity.WARNING  # published and flagged; the default, CRITICAL, blocks the publish

# A record stamped later than the moment it was loaded plus this is from the future (clocks disagree a little).
CLOCK_SKEW = dt.timedelta(minutes=15)
# Lifetime counters may fall a little (unlikes, spam removed, a platform's recount): a fall of at most
# max(FALL_ABSOLUTE, FALL_RELATIVE x the previous value) is a correction; more is a broken reading.
FALL_ABSOLUTE = 3
FALL_RELATIVE = 0.05
# Volume: tonight's rows of an account's stream against the mean of its TRAILING_NIGHTS nights before.
# the raw rows one GX validation takes at most (long rows: one per raw row and counter); a larger night is
# validated in chunks, so that memory stays bounded (about 1 GB per million in pandas and GX)
CHUNK_ROWS = 500_000
TRAILING_NIGHTS = 14
VOLUME_FLOOR = 0.2  # below 20% of the trailing mean: a collapse (a sudden zero is a broken extractor)
VOLUME_CEILING = 5.0  # above 5 times: flagged only
VOLUME_MIN_MEAN = 5.0  # a stream averaging fewer rows is too small to judge
# The day each network opened: nothing on it can be older.
PLATFORM_SINCE = {
    "facebook": dt.date(2004, 2, 4), "instagram": dt.date(2010, 10, 6), "x": dt.date(2006, 3, 21),
    "linkedin": dt.date(2003, 5, 5), "youtube": dt.date(2005, 2, 14), "tiktok": dt.date(2016, 9, 1),
    "mastodon": dt.date(2016, 3, 16), "bluesky": dt.date(2023, 2, 1), "ga4": dt.date(2020, 10, 14),
    "threads": dt.date(2023, 7, 5),
}

# Where each platform's profile stream says when the account was created.
ACCOUNT_CREATED = {
    "x": ("user", "$.created_at"), "mastodon": ("account", "$.created_at"),
    "bluesky": ("profile", "$.createdAt"), "youtube": ("channel", "$.snippet.publishedAt"),
}


@dataclass(frozen=True)
class StreamRules:
    counters: tuple[str, ...] = ()  # dotted paths of counters: non-negative numbers
    lifetime: tuple[str, ...] = ()  # counters that only grow (beyond corrections); a subset of `counters`
    time: str | None = None  # the record's time
    time_kind: str = "iso"  # iso, epoch_ms, epoch_s, yyyymmdd
    own: bool = True  # the account's own content: not older than the account (else: than the platform)
    pairs: tuple[tuple[str, str], ...] = ()  # (larger, smaller): e.g. impressions never below reach
    stable: bool = True  # volume follows the account, not others (mentions, searches): a collapse blocks
    # the stream also carries the brand's replies to others (X's user timeline): its volume follows the
    # community's too, so only a fall to zero blocks; a fall below the floor otherwise warns (volume_drop)
    carries_replies: bool = False
    counter_kinds: tuple[str, ...] = ("number", "numeric string")  # how the API may send a counter


X_METRICS = tuple(f"public_metrics.{name}" for name in (
    "retweet_count", "reply_count", "like_count", "quote_count", "bookmark_count", "impression_count"))
MASTODON_METRICS = ("replies_count", "reblogs_count", "favourites_count")
BLUESKY_METRICS = ("likeCount", "repostCount", "replyCount", "quoteCount")
TIKTOK_METRICS = ("view_count", "like_count", "comment_count", "share_count")
LINKEDIN_SHARES = tuple(f"totalShareStatistics.{name}" for name in (
    "uniqueImpressionsCount", "shareCount", "clickCount", "likeCount", "impressionCount", "commentCount"))
INSIGHT = ("values.0.value",)

RULES: dict[tuple[str, str], StreamRules] = {
    ("instagram", "user"): StreamRules(counters=("followers_count", "follows_count", "media_count")),
    ("instagram", "user_insights"): StreamRules(counters=INSIGHT),
    ("instagram", "follower_demographics"): StreamRules(),
    # stories (intra-day captures): a night holds as many as the brand published, 0 on a day without; a fall is
    # no broken extractor, so it does not block
    ("instagram", "stories"): StreamRules(time="timestamp", stable=False),
    ("instagram", "story_insights"): StreamRules(counters=INSIGHT, stable=False),
    ("facebook", "stories"): StreamRules(time="creation_time", time_kind="epoch_s", stable=False),
    # rivals' figures: counted by others, so a volume fall does not block (a rival may stop posting)
    ("instagram", "business_discovery"): StreamRules(counters=("business_discovery.followers_count",),
                                                     stable=False),
    ("mastodon", "rival_accounts"): StreamRules(counters=("followers_count", "statuses_count"), stable=False),
    ("mastodon", "rival_statuses"): StreamRules(counters=MASTODON_METRICS, time="created_at", own=False,
                                                stable=False),
    ("x", "rival_users"): StreamRules(counters=("public_metrics.followers_count", "public_metrics.tweet_count"),
                                      stable=False),
    ("x", "rival_tweets"): StreamRules(counters=X_METRICS, time="created_at", own=False, stable=False),
    ("youtube", "rival_channels"): StreamRules(counters=("statistics.subscriberCount", "statistics.videoCount"),
                                               stable=False),
    ("youtube", "rival_videos"): StreamRules(counters=("statistics.viewCount", "statistics.likeCount",
                                                       "statistics.commentCount"), time="snippet.publishedAt",
                                             own=False, stable=False),
    ("bluesky", "rival_profiles"): StreamRules(counters=("followersCount", "postsCount"), stable=False),
    ("bluesky", "rival_posts"): StreamRules(counters=tuple(f"post.{name}" for name in BLUESKY_METRICS),
                                            time="post.record.createdAt", own=False, stable=False),
    ("instagram", "media"): StreamRules(counters=("like_count", "comments_count"), time="timestamp",
                                        lifetime=("like_count", "comments_count")),
    ("instagram", "media_insights"): StreamRules(counters=INSIGHT, lifetime=INSIGHT),
    ("instagram", "comments"): StreamRules(counters=("like_count",), time="timestamp", stable=False),
    ("instagram", "tags"): StreamRules(counters=("like_count", "comments_count"), time="timestamp", own=False,
                                       stable=False),
    ("mastodon", "account"): StreamRules(counters=("followers_count", "following_count", "statuses_count")),
    ("mastodon", "statuses"): StreamRules(counters=MASTODON_METRICS, lifetime=MASTODON_METRICS, time="created_at"),
    ("mastodon", "replies"): StreamRules(counters=MASTODON_METRICS, time="created_at", stable=False),
    ("mastodon", "mentions"): StreamRules(time="created_at", stable=False),
    ("mastodon", "hashtag_statuses"): StreamRules(counters=MASTODON_METRICS, time="created_at", own=False,
                                                  stable=False),
    ("x", "user"): StreamRules(counters=tuple(f"public_metrics.{name}" for name in (
        "followers_count", "following_count", "tweet_count", "listed_count"))),
    # the user timeline excludes retweets only: the brand's replies come with its posts
    ("x", "tweets"): StreamRules(counters=X_METRICS, lifetime=X_METRICS, time="created_at", carries_replies=True),
    ("x", "mentions"): StreamRules(counters=X_METRICS, time="created_at", stable=False),
    ("x", "hashtag_search"): StreamRules(counters=X_METRICS, time="created_at", own=False, stable=False),
    ("bluesky", "profile"): StreamRules(counters=("followersCount", "followsCount", "postsCount")),
    ("bluesky", "posts"): StreamRules(counters=tuple(f"post.{name}" for name in BLUESKY_METRICS),
                                      lifetime=tuple(f"post.{name}" for name in BLUESKY_METRICS),
                                      time="post.record.createdAt"),
    ("bluesky", "replies"): StreamRules(counters=BLUESKY_METRICS, time="record.createdAt", stable=False),
    ("bluesky", "search"): StreamRules(counters=BLUESKY_METRICS, time="record.createdAt", own=False, stable=False),
    # Threads: the insights' lifetime values (values[0]); a profile total (total_value) is no lifetime counter
    ("threads", "threads"): StreamRules(time="timestamp"),
    ("threads", "media_insights"): StreamRules(counters=INSIGHT, lifetime=INSIGHT),
    ("threads", "replies"): StreamRules(time="timestamp", stable=False),
    ("threads", "user_insights"): StreamRules(counters=INSIGHT + ("total_value.value",)),
    # GA4 sends its metrics as strings; revenue may be negative (refunds), so it is no counter
    ("ga4", "sessions_daily"): StreamRules(counters=("sessions", "keyEvents"), time="date", time_kind="yyyymmdd",
                                           stable=False),
    ("facebook", "page"): StreamRules(counters=("followers_count", "fan_count")),
    ("facebook", "posts"): StreamRules(
        counters=("reactions.summary.total_count", "comments.summary.total_count", "shares.count"),
        lifetime=("reactions.summary.total_count", "comments.summary.total_count", "shares.count"),
        time="created_time"),
    # post_reactions_by_type_total's value is an object of counts: only the numeric values are counters
    ("facebook", "post_insights"): StreamRules(counters=INSIGHT, lifetime=INSIGHT,
                                               counter_kinds=("number", "numeric string", "object")),
    ("facebook", "comments"): StreamRules(counters=("like_count", "comment_count"), time="created_time",
                                          stable=False),
    ("youtube", "channel"): StreamRules(counters=tuple(f"statistics.{name}" for name in (
        "viewCount", "subscriberCount", "videoCount"))),
    ("youtube", "uploads"): StreamRules(time="contentDetails.videoPublishedAt"),
    ("youtube", "videos"): StreamRules(
        counters=tuple(f"statistics.{name}" for name in ("viewCount", "likeCount", "commentCount")),
        lifetime=tuple(f"statistics.{name}" for name in ("viewCount", "likeCount", "commentCount")),
        time="snippet.publishedAt"),
    ("youtube", "comment_threads"): StreamRules(
        counters=("snippet.totalReplyCount", "snippet.topLevelComment.snippet.likeCount"),
        time="snippet.topLevelComment.snippet.publishedAt", stable=False),
    ("youtube", "channel_days"): StreamRules(counters=(
        "views", "estimatedMinutesWatched", "subscribersGained", "subscribersLost")),
    ("linkedin", "follower_statistics"): StreamRules(),
    ("linkedin", "posts"): StreamRules(time="publishedAt", time_kind="epoch_ms"),
    ("linkedin", "share_statistics"): StreamRules(
        counters=LINKEDIN_SHARES, lifetime=LINKEDIN_SHARES,
        pairs=(("totalShareStatistics.impressionCount", "totalShareStatistics.uniqueImpressionsCount"),)),
    ("linkedin", "comments"): StreamRules(counters=("likesSummary.totalLikes",), time="created.time",
                                          time_kind="epoch_ms", stable=False),
    ("tiktok", "user"): StreamRules(counters=("follower_count", "likes_count", "video_count")),
    ("tiktok", "videos"): StreamRules(counters=TIKTOK_METRICS, time="create_time", time_kind="epoch_s"),
    ("tiktok", "video_stats"): StreamRules(counters=TIKTOK_METRICS, lifetime=TIKTOK_METRICS, time="create_time",
                                           time_kind="epoch_s"),
}

REJECTED_DDL = """
create table if not exists raw._rejected (
    platform VARCHAR, stream VARCHAR, _logical_date DATE, _account_id VARCHAR, record_id VARCHAR,
    rule VARCHAR, detail VARCHAR, payload JSON, _run_id VARCHAR, _source_file VARCHAR, _line_no BIGINT,
    _loaded_at TIMESTAMP, checked_run_id VARCHAR, checked_at TIMESTAMP
)"""


class RawChecksFailed(RuntimeError):
    """A critical night rule failed (a volume collapse, a missing account): the night is not published."""


def json_path(dotted: str) -> str:
    """`values.0.value` -> `$.values[0].value`; other keys quoted (`$URN`)."""
    parts = []
    for part in dotted.split("."):
        parts.append(f"[{part}]" if part.isdigit() else f'."{part}"')
    return "$" + "".join(parts)


def _time_sql(expression: str, kind: str) -> str:
    if kind == "epoch_ms":
        return f"make_timestamptz(try_cast({expression} as bigint) * 1000)"
    if kind == "epoch_s":
        return f"make_timestamptz(try_cast({expression} as bigint) * 1000000)"
    if kind == "yyyymmdd":
        return f"try_strptime({expression}, '%Y%m%d')::timestamptz"
    # ISO 8601 with Z, +00:00 or Graph's +0000
    return rf"try_cast(regexp_replace({expression}, '([+-]\d\d)(\d\d)$', '\1:\2') as timestamptz)"


def _number_kind(path: str) -> str:
    """How a counter was sent: number, numeric string, or what else (text, boolean, object)."""
    return (f"case json_type(t.payload, '{path}') when 'NULL' then null "
            f"when 'UBIGINT' then 'number' when 'BIGINT' then 'number' when 'DOUBLE' then 'number' "
            f"when 'VARCHAR' then case when try_cast(json_extract_string(t.payload, '{path}') as double) "
            f"is not null then 'numeric string' else 'text' end else lower(json_type(t.payload, '{path}')) end")


def stream_query(stream: catalog.Stream, rules: StreamRules, day: dt.date, tables: set[str]) -> tuple[str, list]:
    """The night's rows of one stream, long: one row per raw row and counter (one row, counter NULL, for a stream
    without counters), with the raw row's rowid, key, key copy number, time and its bounds, the counter's value,
    how it was sent, and its floor from the previous night loaded (lifetime counters), and the pair compared."""
    table = f"raw.{stream.raw_table}"
    key = json_path(stream.key)
    # an intra-day stream's night holds several captures, each its own file: a story in two captures is read
    # twice on purpose (its insights as of each), a duplicate only within one capture
    capture = ", t._source_file" if stream.intraday else ""
    columns = [
        f"'{stream.raw_table}' as _table", "t.rowid as _row", "t._account_id",
        f"json_extract_string(t.payload, '{key}') as _key",
        # the second copy of a key in one account's night, under the same parent (a post found by two searches is
        # one row per search), is a duplicate; the first is kept
        f"row_number() over (partition by t._account_id, t._parent_id, json_extract_string(t.payload, '{key}')"
        f"{capture} order by t._source_file, t._line_no) as _key_copy",
    ]
    counters = []
    for counter in rules.counters:
        path = json_path(counter)
        kind = _number_kind(path)
        if "object" in rules.counter_kinds:  # a metric broken down by type (Graph's reactions by type)
            kind = f"replace({kind}, 'object', 'breakdown object')"
        floor = (f"prev.\"{counter}\" - greatest({FALL_ABSOLUTE}, {FALL_RELATIVE} * prev.\"{counter}\")"
                 if counter in rules.lifetime else "null::double")
        counters.append(f"{{'name': '{counter}', 'value': try_cast(json_extract_string(t.payload, '{path}') "
                        f"as double), 'kind': {kind}, 'floor': {floor}}}")
    if not counters:
        counters.append("{'name': null::varchar, 'value': null::double, 'kind': null::varchar, 'floor': null::double}")
    columns.append(f"[{', '.join(counters)}] as _counters")
    if rules.pairs:
        larger, smaller = rules.pairs[0]
        columns.append(f"try_cast(json_extract_string(t.payload, '{json_path(larger)}') as double) as _larger")
        columns.append(f"try_cast(json_extract_string(t.payload, '{json_path(smaller)}') as double) as _smaller")
    else:
        columns += ["null::double as _larger", "null::double as _smaller"]
    since = PLATFORM_SINCE.get(stream.platform, dt.date(2000, 1, 1)).isoformat()
    joins = ""
    parameters: list = []
    if rules.time:
        time_text = f"json_extract_string(t.payload, {sql_literal(json_path(rules.time))})"
        columns.append(f"{_time_sql(time_text, rules.time_kind)} as _time")
        # later than when it was loaded; or, for a night replayed ahead of the wall clock (a simulated world's
        # future night), than the end of the day after the logical date, when its extraction would have run
        columns.append(f"(greatest(t._loaded_at::timestamptz, (t._logical_date + 2)::timestamptz) "
                       f"+ interval '{int(CLOCK_SKEW.total_seconds())} seconds') as _not_after")
        profile, path = ACCOUNT_CREATED.get(stream.platform, ("", ""))
        if rules.own and f"{stream.platform}__{profile}" in tables:
            created = _time_sql(f"json_extract_string(payload, {sql_literal(path)})", "iso")
            joins += (f" left join (select _account_id, min({created}) as created_at "
                      f"from raw.{stream.platform}__{profile} where _logical_date <= ? group by 1) "
                      "as created on created._account_id = t._account_id")
            parameters.append(day)
            columns.append(f"coalesce(created.created_at, '{since}'::timestamptz) as _not_before")
        else:
            columns.append(f"'{since}'::timestamptz as _not_before")
    else:
        columns += ["null::timestamptz as _time", "null::timestamptz as _not_after", "null::timestamptz as _not_before"]
    if rules.lifetime:
        previous = ", ".join(f"max(try_cast(json_extract_string(payload, '{json_path(counter)}') as double)) "
                             f"as \"{counter}\"" for counter in rules.lifetime)
        joins += (f" left join (select _account_id, json_extract_string(payload, '{key}') as _key, {previous} "
                  f"from {table} where _logical_date = (select max(_logical_date) from {table} "
                  "where _logical_date < ?) group by all) as prev "
                  f"on prev._account_id = t._account_id and prev._key = json_extract_string(t.payload, '{key}')")
        parameters.append(day)
    parameters.append(day)
    sql = (f"select * exclude (_counters, counter), counter.name as _counter, counter.value as _value, "
           f"counter.kind as _kind, counter.floor as _floor from (select *, unnest(_counters) as counter from "
           f"(select {', '.join(columns)} from {table} as t {joins} where t._logical_date = ?))")
    return sql, parameters


# The columns that name a failing row in GX's results: its table, rowid and counter.
INDEX_COLUMNS = ["_table", "_row", "_counter"]


def _not_below(column_a: str, column_b: str, rule: str):
    """A >= B on each row where both are known."""
    return E.ExpectColumnPairValuesAToBeGreaterThanB(column_A=column_a, column_B=column_b, or_equal=True,
                                                     ignore_row_if="either_value_is_missing", meta={"rule": rule})


def row_expectations() -> list:
    """The row rules: each failing row is quarantined (severity critical), named by `meta.rule`."""
    return [
        E.ExpectColumnValuesToNotBeNull(column="_key", meta={"rule": "key_missing"}),
        E.ExpectColumnValuesToBeBetween(column="_key_copy", max_value=1, meta={"rule": "duplicate_key"}),
        E.ExpectColumnValuesToBeInSet(column="_kind", value_set=["number", "numeric string", "breakdown object"],
                                      meta={"rule": "counter_not_a_number"}),
        E.ExpectColumnValuesToBeBetween(column="_value", min_value=0, meta={"rule": "negative_counter"}),
        _not_below("_value", "_floor", "counter_went_backwards"),
        _not_below("_larger", "_smaller", "reach_above_impressions"),
        _not_below("_not_after", "_time", "timestamp_in_future"),
        _not_below("_time", "_not_before", "timestamp_before_account"),
    ]


@dataclass
class Check:
    suite: str
    rule: str
    expectation: str
    severity: str
    success: bool
    unexpected_count: int | None
    rows: list[tuple[str, int, str | None]] = field(default_factory=list)  # (table, rowid, counter) that broke it
    examples: list = field(default_factory=list)
    exception: str | None = None
    kwargs: dict = field(default_factory=dict)  # the expectation's arguments (column, bounds...)

    def as_dict(self) -> dict:
        return {"suite": self.suite, "rule": self.rule, "expectation": self.expectation, "kwargs": self.kwargs,
                "severity": self.severity,
                "success": self.success, "unexpected_count": self.unexpected_count,
                "examples": self.examples[:5], "exception": self.exception}


def _validate_in_chunks(con, site: DocsSite, suite: str, chunk_rows: int) -> list[Check]:
    """GX's verdicts on the rows of _raw_check, chunk_rows at a time (one validation, named `suite`, when they
    fit in one; else `suite`_part<k>_of_<n>, each its own page in the Data Docs), merged into one Check per rule."""
    total = con.execute("select count(*) from _raw_check").fetchone()[0]
    if total <= chunk_rows:
        return judged(suite, site.validate(suite, con.execute("select * from _raw_check").df(), row_expectations(),
                                           index_columns=INDEX_COLUMNS))
    con.execute("create or replace temp table _raw_check_numbered as select *, row_number() over () as _chunk_row "
                "from _raw_check")
    parts = -(-total // chunk_rows)
    merged: dict[tuple[str, str], Check] = {}
    for part in range(parts):
        frame = con.execute("select * exclude (_chunk_row) from _raw_check_numbered where _chunk_row > ? "
                            "and _chunk_row <= ?", [part * chunk_rows, (part + 1) * chunk_rows]).df()
        result = site.validate(f"{suite}_part{part + 1}_of_{parts}", frame, row_expectations(),
                               index_columns=INDEX_COLUMNS)
        del frame
        for check in judged(suite, result):
            key = (check.rule, check.expectation)
            if key not in merged:
                merged[key] = check
                continue
            kept = merged[key]
            kept.success = kept.success and check.success
            kept.severity = "critical" if "critical" in (kept.severity, check.severity) else kept.severity
            kept.unexpected_count = (None if kept.unexpected_count is None and check.unexpected_count is None
                                     else (kept.unexpected_count or 0) + (check.unexpected_count or 0))
            kept.rows += check.rows
            kept.examples = (kept.examples + check.examples)[:5]
            kept.exception = kept.exception or check.exception
    con.execute("drop table _raw_check_numbered")
    return list(merged.values())


def judged(suite: str, result) -> list[Check]:
    """Each expectation's verdict. An expectation that raised counts as failed, and critical: the gate fails
    closed, whatever the expectation's own severity."""
    checks = []
    for item in result.results:
        config = item.expectation_config
        error = raised(item.exception_info)
        info = item.result or {}
        rows = [(str(entry["_table"]), int(entry["_row"]), entry.get("_counter") if isinstance(
                    entry.get("_counter"), str) else None)
                for entry in info.get("unexpected_index_list") or [] if isinstance(entry, dict) and "_row" in entry]
        checks.append(Check(
            suite=suite, rule=(config.meta or {}).get("rule", config.type), expectation=config.type,
            severity="critical" if error else str(getattr(config.severity, "value", config.severity)),
            success=bool(item.success) and not error, unexpected_count=info.get("unexpected_count"),
            rows=rows,
            examples=[str(value) for value in (info.get("partial_unexpected_list") or [])[:5]],
            exception=error, kwargs={key: value for key, value in config.kwargs.items() if key != "batch_id"}))
    return checks


def volume_frame(con, day: dt.date, history_read_after: dt.date | None = None) -> pd.DataFrame:
    """Rows sent tonight per account and stream (the manifest's count, quarantined included) against the mean
    of the trailing nights that account's stream was loaded. An account's first night after
    `history_read_after` (the extraction's start date plus the lookback window) is no one's baseline: it read
    the whole history from the start date (onboarding a brand), so the night after it would always look like a
    collapse. A first night within the window of the start date is an ordinary night, and a baseline."""
    return con.execute(f"""
        with first_nights as (
            select platform, stream, _account_id, min(_logical_date) as first_night
            from raw._loads group by all
        ),

        nights as (
            select loads.platform, loads.stream, loads._account_id, loads._logical_date,
                   sum(loads.manifest_rows) as rows,
                   loads._logical_date = any_value(first_nights.first_night)
                   and loads._logical_date > ?::date as is_history_read
            from raw._loads as loads
            inner join first_nights using (platform, stream, _account_id)
            where loads._logical_date between ? - interval {TRAILING_NIGHTS} day and ?
            group by loads.platform, loads.stream, loads._account_id, loads._logical_date
        )
        select tonight.platform || '/' || tonight.stream || '/' || tonight._account_id as stream_account,
               tonight.platform, tonight.stream, tonight._account_id, tonight.rows,
               avg(before.rows) as trailing_mean, count(before.rows) as trailing_nights,
               case when avg(before.rows) >= {VOLUME_MIN_MEAN} then tonight.rows / avg(before.rows) end
                   as ratio_to_trailing_mean
        from nights as tonight
        left join nights as before
            on before.platform = tonight.platform and before.stream = tonight.stream
            and before._account_id = tonight._account_id and before._logical_date < tonight._logical_date
            and not before.is_history_read
        where tonight._logical_date = ?
        group by 1, 2, 3, 4, 5 order by 1""", [history_read_after or dt.date.min, day, day, day]).df()


def split_volume(volume: pd.DataFrame) -> pd.DataFrame:
    """Each account-stream's ratio in the column whose rule judges it: `stable_ratio` (a fall below the floor
    blocks) for the account's own streams, `community_ratio` (it warns) for others' content. A stream that also
    carries the brand's replies is judged stable only when it fell to zero: its replies follow the community
    (an X account's 1,500 replies in two days of a crisis, then 400 a night, are no broken extractor)."""
    def judged_stable(platform: str, stream: str, rows: int) -> bool:
        rules = RULES.get((platform, stream), StreamRules())
        return rules.stable and (not rules.carries_replies or rows == 0)

    is_stable = [judged_stable(platform, stream, rows) for platform, stream, rows in zip(
        volume["platform"], volume["stream"], volume["rows"], strict=True)]
    volume["stable_ratio"] = volume["ratio_to_trailing_mean"].where(is_stable)
    volume["community_ratio"] = volume["ratio_to_trailing_mean"].where([not flag for flag in is_stable])
    return volume


def freshness_frame(con, settings: Settings, day: dt.date) -> pd.DataFrame:
    """One row per configured account: loaded (some stream complete), a recorded reason (the manifest's stream
    statuses, e.g. failed with its error), or missing (nothing landed)."""
    accounts = pd.DataFrame([{"platform": account.platform, "account_id": account.account_id,
                              "account": account.key} for _, account in settings.accounts()])
    con.register("configured_accounts", accounts)
    try:
        return con.execute("""
            select accounts.account, accounts.platform,
                   case when bool_or(loads.stream_status = 'complete') then 'loaded'
                        when count(loads.stream_status) > 0 then 'reason recorded'
                        else 'missing' end as status,
                   string_agg(distinct loads.stream_status, ', ') as statuses
            from configured_accounts as accounts
            left join raw._loads as loads
                on loads.platform = accounts.platform and loads._account_id = accounts.account_id
                and loads._logical_date = ?
            group by all order by 1""", [day]).df()
    finally:
        con.unregister("configured_accounts")


def night_suites() -> dict[str, list]:
    return {
        "raw_volume": [
            # a collapse of an account's own stream (profile, posts, insights) is a broken extractor
            E.ExpectColumnValuesToBeBetween(column="stable_ratio", min_value=VOLUME_FLOOR,
                                            meta={"rule": "volume_collapse"}),
            # others' content (comments, mentions, searches) comes and goes: flagged, published
            E.ExpectColumnValuesToBeBetween(column="community_ratio", min_value=VOLUME_FLOOR, severity=WARNING,
                                            meta={"rule": "volume_drop"}),
            E.ExpectColumnValuesToBeBetween(column="ratio_to_trailing_mean", max_value=VOLUME_CEILING,
                                            severity=WARNING, meta={"rule": "volume_surge"}),
        ],
        "raw_freshness": [
            E.ExpectColumnValuesToBeInSet(column="status", value_set=["loaded", "reason recorded"],
                                          meta={"rule": "missing_account"}),
            E.ExpectColumnValuesToBeInSet(column="status", value_set=["loaded"], severity=WARNING,
                                          meta={"rule": "account_not_loaded"}),
        ],
    }


def _streams_loaded(tables: set[str]) -> list[catalog.Stream]:
    return [stream for stream in catalog.STREAMS if stream.raw_table in tables]


def _raw_tables(con) -> set[str]:
    return {name for (name,) in con.execute(
        "select table_name from duckdb_tables() where database_name = current_database() and schema_name = 'raw'"
    ).fetchall()}


def check_raw(con: duckdb.DuckDBPyConnection, settings: Settings, day: dt.date, run_id: str, out_dir: Path,
              extra_suites: Iterable[tuple[str, pd.DataFrame, list]] = (), chunk_rows: int | None = None) -> dict:
    """Run the raw suites on the night `day`; quarantine the rows that break a row rule; profile the night's
    fields and record their drift; write `raw.json` and the raw Data Docs under `out_dir`; return the summary.
    Raises nothing for a failing rule: the gate decides (`blocking`)."""
    started = dt.datetime.now(dt.UTC)
    chunk_rows = chunk_rows or CHUNK_ROWS
    con.execute("create schema if not exists raw")
    con.execute(REJECTED_DDL)
    site = DocsSite(out_dir / "data_docs" / "raw", run_name=f"{day.isoformat()} raw")
    tables = _raw_tables(con)
    streams = _streams_loaded(tables)
    checks: list[Check] = []
    rejected: dict[str, dict[int, set[tuple[str, str | None]]]] = {}
    rows_checked: dict[str, int] = {}
    for platform in sorted({stream.platform for stream in streams}):
        # One suite per platform, its streams' rows together: GX's cost is per expectation, not per row. The rows
        # wait in a DuckDB temporary table (spilled past the memory limit) and go to GX in chunks of chunk_rows:
        # a pandas frame of a year's first night at once had taken 17 GB at the benchmark's S scale.
        created = False
        for stream in (item for item in streams if item.platform == platform):
            sql, parameters = stream_query(stream, RULES.get((stream.platform, stream.name), StreamRules()), day,
                                           tables)
            into = "insert into _raw_check by name " if created else "create or replace temp table _raw_check as "
            con.execute(into + sql, parameters)
            created = True
        if not created or not con.execute("select count(*) from _raw_check").fetchone()[0]:  # type: ignore[index]
            continue
        for table, rows in con.execute("select _table, count(distinct _row) from _raw_check group by 1").fetchall():
            rows_checked[table] = int(rows)
        suite = f"raw_{platform}"
        for check in _validate_in_chunks(con, site, suite, chunk_rows):
            checks.append(check)
            if not check.success and check.severity == "critical":
                for table, row, counter in check.rows:
                    rejected.setdefault(table, {}).setdefault(row, set()).add((check.rule, counter))
        con.execute("drop table if exists _raw_check")
    for stream in streams:
        rows_checked.setdefault(stream.raw_table, 0)
    volume = volume_frame(con, day, settings.extraction.start_date
                          + dt.timedelta(days=settings.extraction.lookback_days))
    volume = split_volume(volume)
    freshness = freshness_frame(con, settings, day)
    suites = night_suites()
    moved = quarantine(con, day, run_id, rejected)
    # after the quarantine: the fields profiled are those that go on to staging
    drift_started = dt.datetime.now(dt.UTC)
    findings = detect_drift(con, day, run_id, own_streams=[key for key, rules in RULES.items() if rules.stable])
    drift_seconds = (dt.datetime.now(dt.UTC) - drift_started).total_seconds()
    for name, frame, expectations in [("raw_volume", volume, suites["raw_volume"]),
                                      ("raw_freshness", freshness, suites["raw_freshness"]), drift_suite(findings),
                                      *extra_suites]:
        checks += judged(name, site.validate(name, frame, expectations))
    site.finish()
    blocking = [check for check in checks if not check.success and check.severity == "critical"
                and not check.rows]
    warnings = [check for check in checks if not check.success and check.severity != "critical"]
    summary = {
        "logical_date": day.isoformat(), "run_id": run_id, "rows_checked": rows_checked,
        "quarantined": moved, "success": not blocking,
        "blocking": [check.as_dict() for check in blocking], "warnings": [check.as_dict() for check in warnings],
        "checks": [check.as_dict() for check in checks],
        "schema_drift": findings.to_dict(orient="records"),
        "data_docs": str(site.index), "seconds": round((dt.datetime.now(dt.UTC) - started).total_seconds(), 2),
        "drift_seconds": round(drift_seconds, 2),
    }
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "raw.json").write_text(json.dumps(summary, indent=2, default=str))
    log.info("raw suites of %s: %d rows quarantined, %d blocking, %d warnings, %.1f s", day,
             sum(moved.values()), len(blocking), len(warnings), summary["seconds"])
    return summary


def quarantine(con, day: dt.date, run_id: str, rejected: dict[str, dict[int, set[tuple[str, str | None]]]]
               ) -> dict[str, int]:
    """Move the rows that broke a row rule from their raw table to raw._rejected, in one transaction, with the
    rules they broke (`rule`) and on which counter (`detail`). A raw table reloaded since its rows were rejected
    holds them again: their old rejections are dropped first."""
    moved: dict[str, int] = {}
    con.execute("begin transaction")
    try:
        con.execute("""
            delete from raw._rejected as rejected where _logical_date = ? and exists (
                select 1 from raw._loads as loads where loads._logical_date = rejected._logical_date
                and loads.platform = rejected.platform and loads.stream = rejected.stream
                and loads._account_id = rejected._account_id and loads._loaded_at > rejected.checked_at)""", [day])
        for table, rows in rejected.items():
            stream = next(item for item in catalog.STREAMS if item.raw_table == table)
            frame = pd.DataFrame({
                "rowid": list(rows),
                "rule": [", ".join(sorted({rule for rule, _ in broken})) for broken in rows.values()],
                "detail": ["; ".join(sorted(f"{rule}: {counter}" if counter else rule for rule, counter in broken))
                           for broken in rows.values()]})
            con.register("rejected_rows", frame)
            try:
                con.execute(f"""
                    insert into raw._rejected
                    select ?, ?, t._logical_date, t._account_id,
                           json_extract_string(t.payload, '{json_path(stream.key)}'), r.rule, r.detail, t.payload,
                           t._run_id, t._source_file, t._line_no, t._loaded_at, ?, now()::timestamp
                    from raw.{table} as t join rejected_rows as r on t.rowid = r.rowid""",
                            [stream.platform, stream.name, run_id])
                con.execute(f"delete from raw.{table} where rowid in (select rowid from rejected_rows)")
            finally:
                con.unregister("rejected_rows")
            moved[table] = len(rows)
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    return moved


def reconciliation(con, day: dt.date) -> list[tuple]:
    """Per raw table and account of the night: (table, account, landed, in raw, quarantined, rejected) where
    landed differs from the sum; empty when every line is accounted for."""
    rows = []
    for (platform, stream, account, landed) in con.execute(
            "select platform, stream, _account_id, sum(manifest_rows) from raw._loads where _logical_date = ? "
            "group by all", [day]).fetchall():
        table = f"{platform}__{stream}"
        in_raw = con.execute(f"select count(*) from raw.{table} where _logical_date = ? and _account_id = ?",
                             [day, account]).fetchone()[0]
        quarantined = con.execute("select count(*) from raw._quarantine where _logical_date = ? and platform = ? "
                                  "and stream = ? and _account_id = ?", [day, platform, stream, account]).fetchone()[0]
        rejected = con.execute("select count(*) from raw._rejected where _logical_date = ? and platform = ? "
                               "and stream = ? and _account_id = ?", [day, platform, stream, account]).fetchone()[0]
        if landed != in_raw + quarantined + rejected:
            rows.append((table, account, landed, in_raw, quarantined, rejected))
    return rows
