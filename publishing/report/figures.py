"""A brand's report as figures read from the published marts: one builder per section, and the period comparisons.

The marts hold every KPI (the metric contract, /docs and dbt_project/models/marts); nothing here recomputes one.
Where a headline spans several accounts or days, the comment at its query names the contract formula that the
sums feed, so that the figure is the contract's KPI over the period, not a new one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import duckdb

PLATFORM_NAMES = {"facebook": "Facebook", "instagram": "Instagram", "x": "X", "linkedin": "LinkedIn",
                  "youtube": "YouTube", "tiktok": "TikTok", "mastodon": "Mastodon", "bluesky": "Bluesky",
                  "threads": "Threads"}
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
CONTENT_TYPES = {"short_video": "short video"}
TREND_DAYS = 90  # the charts' span
RECENT_DAYS = 28  # tables of "the last 28 days"
TOP_POSTS = 10

Row = dict[str, Any]


def platform_name(platform: str) -> str:
    return PLATFORM_NAMES.get(platform, platform.capitalize())


def content_type_name(content_type: str | None) -> str:
    return CONTENT_TYPES.get(content_type or "", content_type or "unknown")


# ------------------------------------------------------------------------------------------------- periods


@dataclass(frozen=True)
class Window:
    """Calendar days from start to end, both included (the accounts' own dates, as the marts keep them)."""
    start: dt.date
    end: dt.date

    @classmethod
    def ending(cls, day: dt.date, days: int) -> Window:
        return cls(day - dt.timedelta(days=days - 1), day)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def before(self) -> Window:
        """The same number of days just before this window."""
        return Window.ending(self.start - dt.timedelta(days=1), self.days)

    def label(self) -> str:
        """`29 Nov – 5 Dec 2026`, `26 Dec 2026 – 1 Jan 2027`."""
        end = f"{self.end.day} {self.end:%b %Y}"
        if self.start == self.end:
            return end
        if self.start.year != self.end.year:
            return f"{self.start.day} {self.start:%b %Y} – {end}"
        if self.start.month != self.end.month:
            return f"{self.start.day} {self.start:%b} – {end}"
        return f"{self.start.day}–{end}"


Kind = Literal["count", "rate", "score"]


@dataclass(frozen=True)
class Comparison:
    """A KPI over a window against the same KPI over the window before. `change` is relative for counts
    (0.12 = 12 % more) and a difference for rates and scores (0.004 = 0.4 percentage points); `note` says why
    it is missing."""
    window: Window
    current: float | None
    previous: float | None
    change: float | None
    note: str | None = None


def compare(window: Window, current: float | None, previous: float | None, kind: Kind,
            data_since: dt.date | None) -> Comparison:
    """The period comparison the headline tiles show: only over mart values, never across a gap in the data."""
    before = window.before()
    if current is None:
        return Comparison(window, None, previous, None, "unknown for this period")
    if data_since is None or data_since > before.start:
        since = f" (the data start on {data_since})" if data_since else ""
        return Comparison(window, current, None, None, f"no data for the whole {before.days} days before{since}")
    if previous is None:
        return Comparison(window, current, None, None, f"unknown for the {before.days} days before")
    if kind == "count":
        if previous <= 0:
            return Comparison(window, current, previous, None,
                              f"no relative change from {previous:,.0f} in the {before.days} days before")
        return Comparison(window, current, previous, current / previous - 1)
    return Comparison(window, current, previous, current - previous)


# ------------------------------------------------------------------------------------------------ the brand


@dataclass(frozen=True)
class Account:
    account_key: str
    platform: str
    handle: str

    @property
    def label(self) -> str:
        handle = self.handle if self.handle.startswith("@") else f"@{self.handle}"
        return f"{platform_name(self.platform)} {handle}"


@dataclass(frozen=True)
class Brand:
    brand_id: str
    name: str
    accounts: tuple[Account, ...]
    unread: frozenset[str] | None = None  # accounts whose comments the warehouse does not read; None: not told

    def label(self, account_key: str) -> str:
        return next((account.label for account in self.accounts if account.account_key == account_key), account_key)

    def platforms(self, keys: Sequence[str] | None = None) -> list[str]:
        return [platform_name(account.platform) for account in self.accounts
                if keys is None or account.account_key in keys]


def rows(con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[Any] | Mapping[str, Any] = ()) -> list[Row]:
    cursor = con.execute(sql, dict(params) if isinstance(params, Mapping) else list(params))
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, values, strict=True)) for values in cursor.fetchall()]


def columns(con: duckdb.DuckDBPyConnection, table: str) -> set[str]:
    """A mart's columns: the report reads newer columns where the published marts have them."""
    return {row[0] for row in con.execute("""select column_name from information_schema.columns
                                             where table_schema = 'marts' and table_name = ?""", [table]).fetchall()}


def brands(con: duckdb.DuckDBPyConnection) -> list[Brand]:
    told = "reads_comments" in columns(con, "dim_accounts")
    reads = "reads_comments" if told else "true"
    found: dict[str, Brand] = {}
    for row in rows(con, f"""select brand_id, brand_name, account_key, platform, handle, {reads} as reads_comments
                             from marts.dim_accounts order by brand_id, platform, account_key"""):
        brand = found.get(row["brand_id"]) or Brand(row["brand_id"], row["brand_name"] or row["brand_id"], (),
                                                     frozenset() if told else None)
        unread = None if brand.unread is None else brand.unread | (
            {row["account_key"]} if row["reads_comments"] is False else set())
        found[row["brand_id"]] = Brand(brand.brand_id, brand.name,
                                       (*brand.accounts, Account(row["account_key"], row["platform"], row["handle"])),
                                       None if unread is None else frozenset(unread))
    return list(found.values())


def first_day(con: duckdb.DuckDBPyConnection, brand: Brand) -> dt.date | None:
    """The first day of the brand's accounts in the marts."""
    found = con.execute("select min(date_day) from marts.fct_account_daily where brand_id = ?",
                        [brand.brand_id]).fetchone()
    return found[0] if found else None


# ------------------------------------------------------------------------------------------ headline tiles


@dataclass(frozen=True)
class Kpi:
    key: str
    label: str
    kind: Kind
    source: Literal["accounts", "sentiment", "response", "web"]
    explanation: str


KPIS = (
    Kpi("engagements", "Engagements", "count", "accounts",
        "likes, comments, shares and saves gained by the brand's posts"),
    Kpi("engagement_rate", "Engagement rate", "rate", "accounts",
        "engagements gained / followers, over the accounts' days"),
    Kpi("reach", "Reach", "count", "accounts", "the accounts' daily reach as the platforms report it, added up"),
    Kpi("impressions", "Impressions", "count", "accounts", "the accounts' daily impressions as reported, added up"),
    Kpi("follower_growth", "Follower growth", "count", "accounts", "followers gained less followers lost"),
    Kpi("net_sentiment", "Net sentiment", "score", "sentiment",
        "(positive - negative) / scored comments, replies and mentions, from -1 to +1"),
    Kpi("response_rate", "Response rate", "rate", "response", "inbound items answered within 24 hours"),
    Kpi("sessions", "Social sessions", "count", "web", "web sessions from social media (GA4)"),
    Kpi("conversions", "Conversions", "count", "web", "key events of those sessions (GA4, last click)"),
)

# One query per source and window. Each sum feeds the contract's own formula over the period:
# - engagement_rate: the daily account engagement_rate (engagements gained / followers that day), over every
#   account-day where the mart has it: sum of gained / sum of followers (a follower-weighted mean of the days);
# - net_sentiment: (positive - negative) / (positive + negative + neutral), over the period's inbound items;
# - response_rate: inbound items answered within 24 hours / inbound items, over the period's items;
# - engagements, reach, impressions, follower growth, sessions, conversions: the mart's daily values, added up.
TOTALS_SQL = {
    "accounts": """
        select sum(engagements_gained) as engagements,
               sum(engagements_gained) filter (where engagement_rate is not null)
                   / sum(followers) filter (where engagement_rate is not null) as engagement_rate,
               sum(reach) as reach, sum(impressions) as impressions, sum(follower_growth) as follower_growth,
               list(distinct account_key) filter (where reach is not null) as reach_accounts,
               list(distinct account_key) filter (where impressions is not null) as impressions_accounts
        from marts.fct_account_daily where brand_id = $brand and date_day between $start and $end""",
    "sentiment": """
        select (sum(sentiment.positive_items) - sum(sentiment.negative_items))
                   / nullif(sum(sentiment.positive_items) + sum(sentiment.negative_items)
                            + sum(sentiment.neutral_items), 0) as net_sentiment,
               list(distinct sentiment.account_key) as net_sentiment_accounts
        from marts.rpt_sentiment_daily as sentiment
        inner join marts.dim_accounts as accounts on sentiment.account_key = accounts.account_key
        where accounts.brand_id = $brand and sentiment.language = 'all'
          and sentiment.date_day between $start and $end""",
    "response": """
        select sum(response.responded_within_24h) / nullif(sum(response.inbound_items), 0) as response_rate,
               list(distinct response.account_key) as response_rate_accounts
        from marts.rpt_community_response as response
        inner join marts.dim_accounts as accounts on response.account_key = accounts.account_key
        where accounts.brand_id = $brand and response.date_day between $start and $end""",
    # Every social session has a source, so the platform rows hold them all (campaign and post rows only some).
    "web": """
        select sum(sessions) as sessions, sum(conversions) as conversions
        from marts.rpt_conversions
        where brand_id = $brand and grain = 'platform' and session_date between $start and $end""",
}

FIRST_DAY_SQL = {
    "accounts": "select min(date_day) from marts.fct_account_daily where brand_id = $brand",
    "sentiment": "select min(date_day) from marts.fct_account_daily where brand_id = $brand",
    "response": "select min(date_day) from marts.fct_account_daily where brand_id = $brand",
    "web": "select min(session_date) from marts.rpt_conversions where brand_id = $brand",
}


@dataclass(frozen=True)
class Tile:
    kpi: Kpi
    comparisons: tuple[Comparison, ...]  # last 7 days, last 28 days
    missing: str | None = None  # why there is no figure at all
    coverage: str | None = None  # which of the brand's platforms the figure leaves out


def _totals(con: duckdb.DuckDBPyConnection, source: str, brand_id: str, window: Window) -> Row:
    return rows(con, TOTALS_SQL[source], {"brand": brand_id, "start": window.start, "end": window.end})[0]


def _first_day(con: duckdb.DuckDBPyConnection, source: str, brand_id: str) -> dt.date | None:
    found = con.execute(FIRST_DAY_SQL[source], {"brand": brand_id}).fetchone()
    return found[0] if found else None


MISSING = {
    "reach": "None of the brand's platforms reports an account's reach.",
    "impressions": "None of the brand's platforms reports an account's impressions.",
    "net_sentiment": "No scored comments, replies or mentions: the warehouse reads none on these platforms, "
                     "or none came in.",
    "response_rate": "No inbound comments, replies or mentions: the warehouse reads none on these platforms, "
                     "or none came in.",
    "sessions": "No web analytics (GA4) for this brand.",
    "conversions": "No web analytics (GA4) for this brand.",
}


def headline(con: duckdb.DuckDBPyConnection, brand: Brand, day: dt.date) -> list[Tile]:
    windows = (Window.ending(day, 7), Window.ending(day, 28))
    totals: dict[tuple[str, Window], Row] = {}
    first: dict[str, dt.date | None] = {}
    for source in TOTALS_SQL:
        first[source] = _first_day(con, source, brand.brand_id)
        for window in windows:
            totals[source, window] = _totals(con, source, brand.brand_id, window)
            totals[source, window.before()] = _totals(con, source, brand.brand_id, window.before())
    tiles = []
    for kpi in KPIS:
        comparisons = tuple(compare(window, _number(totals[kpi.source, window][kpi.key]),
                                    _number(totals[kpi.source, window.before()][kpi.key]), kpi.kind,
                                    first[kpi.source]) for window in windows)
        counted = totals[kpi.source, windows[1]].get(f"{kpi.key}_accounts")
        coverage = None
        if counted is not None and comparisons[1].current is not None:
            left_out = brand.platforms([a.account_key for a in brand.accounts if a.account_key not in counted])
            if left_out:
                coverage = f"Counts {', '.join(brand.platforms(counted))}; not {', '.join(left_out)}."
        missing = None
        if all(comparison.current is None for comparison in comparisons):
            missing = MISSING.get(kpi.key, "No data for these periods.")
            if kpi.source == "web" and first["web"] is not None:
                missing = "No social sessions in these periods."
        tiles.append(Tile(kpi, comparisons, missing, coverage))
    return tiles


def _number(value: Any) -> float | None:
    return None if value is None else float(value)


# ------------------------------------------------------------------------------------------------- sections


@dataclass
class Section:
    """Rows for a chart or a table, and in words what the marts do not have."""
    rows: list[Row] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    shape: str = ""  # which form of a mart the rows come from, where the template shows them differently


def _labelled(brand: Brand, found: list[Row]) -> list[Row]:
    for row in found:
        row["account"] = brand.label(row["account_key"])
    return found


def _absent(brand: Brand, found: list[Row], what: str) -> list[str]:
    """A sentence naming the brand's accounts that have no rows of something, or none."""
    present = {row["account_key"] for row in found}
    missing = [account.label for account in brand.accounts if account.account_key not in present]
    return [f"{what}: {', '.join(missing)}."] if missing else []


def _community_absent(brand: Brand, found: list[Row], what: str) -> list[str]:
    """Accounts without inbound figures: unknown where the warehouse does not read the platform's comments (when
    the marts say so), else none came in."""
    if brand.unread is None:
        return _absent(brand, found, f"No {what} (the warehouse does not read them there, or none came in) on")
    present = {row["account_key"] for row in found}
    unread = [account.label for account in brand.accounts if account.account_key in brand.unread]
    quiet = [account.label for account in brand.accounts
             if account.account_key not in present and account.account_key not in brand.unread]
    notes = []
    if unread:
        notes.append(f"Unknown, not zero, on {', '.join(unread)}: the warehouse does not read that platform's "
                     "comments.")
    if quiet:
        notes.append(f"No {what} came in on: {', '.join(quiet)}.")
    return notes


def trends(con: duckdb.DuckDBPyConnection, brand: Brand, day: dt.date) -> dict[str, Section]:
    """Daily engagement rate, reach and followers per account over the charts' span."""
    window = Window.ending(day, TREND_DAYS)
    found = _labelled(brand, rows(con, """
        select account_key, date_day, engagement_rate, reach, followers
        from marts.fct_account_daily where brand_id = ? and date_day between ? and ?
        order by account_key, date_day""", [brand.brand_id, window.start, window.end]))
    sections = {}
    for measure, absent in (("engagement_rate", "No engagement rate (no followers count) for"),
                            ("reach", "Not reported by the platform for the account"),
                            ("followers", "No followers count for")):
        kept = [{"account_key": r["account_key"], "account": r["account"], "date_day": r["date_day"],
                 "value": r[measure]} for r in found if r[measure] is not None]
        sections[measure] = Section(kept, _absent(brand, kept, absent))
    return sections


def best_time(con: duckdb.DuckDBPyConnection, brand: Brand) -> tuple[Section, Section]:
    """The weekday x hour cells of every account (for the heatmap), and each account's best slot."""
    cells = _labelled(brand, rows(con, """
        select slots.account_key, slots.weekday, slots.hour, slots.posts, slots.median_engagement_rate_d7,
               slots.is_best_slot
        from marts.rpt_best_time_to_post as slots
        inner join marts.dim_accounts as accounts on slots.account_key = accounts.account_key
        where accounts.brand_id = ? order by slots.account_key, slots.weekday, slots.hour""", [brand.brand_id]))
    rated = [cell for cell in cells if cell["median_engagement_rate_d7"] is not None]
    best = [dict(cell, weekday_name=WEEKDAYS[cell["weekday"] - 1]) for cell in cells if cell["is_best_slot"]]
    notes = _absent(brand, best, "Not enough posts for a best slot (3 posts with D+7 figures in one weekday and "
                                 "hour) on")
    return Section(cells if rated else [], []), Section(best, notes)


def content_types(con: duckdb.DuckDBPyConnection, brand: Brand) -> Section:
    found = _labelled(brand, rows(con, """
        select types.account_key, types.content_type, types.posts, types.median_engagement_rate_d7,
               types.account_median_engagement_rate_d7, types.lift, types.rank_in_account
        from marts.rpt_content_type_performance as types
        inner join marts.dim_accounts as accounts on types.account_key = accounts.account_key
        where accounts.brand_id = ? order by types.account_key, types.rank_in_account""", [brand.brand_id]))
    for row in found:
        row["content_type_name"] = content_type_name(row["content_type"])
    return Section(found, _absent(brand, found, "No posts with D+7 figures yet on"))


FEATURE_NAMES = {"cta": "Call to action", "comment_cta": "Asks for comments", "question": "Question",
                 "contest": "Contest"}
ADVOCATES_SHOWN = 10


def content_features(con: duckdb.DuckDBPyConnection, brand: Brand) -> Section:
    """Each content feature's lift per account (rpt_content_feature_performance), where the marts have it."""
    if not columns(con, "rpt_content_feature_performance"):
        return Section([], ["The published marts predate content features (rpt_content_feature_performance)."])
    found = _labelled(brand, rows(con, """
        select features.account_key, features.feature, features.posts_with, features.posts_without,
               features.median_engagement_rate_d7_with, features.median_engagement_rate_d7_without,
               features.engagement_rate_lift, features.conversation_rate_lift
        from marts.rpt_content_feature_performance as features
        inner join marts.dim_accounts as accounts on features.account_key = accounts.account_key
        where accounts.brand_id = ? and features.posts_with > 0
        order by features.account_key, features.feature""", [brand.brand_id]))
    for row in found:
        row["feature_name"] = FEATURE_NAMES.get(row["feature"], row["feature"])
    notes = [] if found else ["No post with D+7 figures carries a call to action, a question or a contest yet."]
    return Section(found, notes)


def advocates(con: duckdb.DuckDBPyConnection, brand: Brand) -> Section:
    """The brand's top advocates (rpt_advocates: members with a net sentiment above 0), by inbound items."""
    if not columns(con, "rpt_advocates"):
        return Section([], ["The published marts predate advocates (rpt_advocates)."])
    found = rows(con, f"""
        select member_rank, left(author_id_hash, 8) as member, inbound_items, comments, replies, mentions,
               net_sentiment, posts_engaged, window_start_date, window_end_date
        from marts.rpt_advocates
        where brand_id = ? and is_advocate
        order by member_rank limit {ADVOCATES_SHOWN}""", [brand.brand_id])
    return Section(found, [] if found else ["No community member with a positive net sentiment in the 90 days."])


STORY_DAYS = 28


def stories(con: duckdb.DuckDBPyConnection, brand: Brand, day: dt.date) -> Section:
    """Each account's stories published in the 28 days ending the day (fct_story_performance): how many, their
    median views and reach, and their median completion and exit rates, from each story's last capture."""
    if not columns(con, "fct_story_performance"):
        return Section([], ["The published marts predate stories (fct_story_performance)."])
    window = Window.ending(day, STORY_DAYS)
    found = _labelled(brand, rows(con, """
        select stories.account_key, count(*) as stories, count(*) filter (where stories.has_insights) as measured,
               median(stories.views) as median_views, median(stories.reach) as median_reach,
               median(stories.completion_rate) as median_completion_rate,
               median(stories.exit_rate) as median_exit_rate, sum(stories.replies) as replies
        from marts.fct_story_performance as stories
        inner join marts.dim_accounts as accounts on stories.account_key = accounts.account_key
        where accounts.brand_id = ? and stories.published_date between ? and ?
        group by stories.account_key order by stories.account_key""", [brand.brand_id, window.start, window.end]))
    notes = [] if found else [f"No story published in {window.label()} (Instagram and Facebook stories are "
                              "captured every 3 hours by the shared_media_stories DAG)."]
    if any(row["measured"] == 0 for row in found):
        notes.append("Facebook documents no insight for Page stories: they are counted, not measured.")
    return Section(found, notes)


DIMENSION_NAMES = {"country": "Country", "region": "Region", "job_function": "Job function", "industry": "Industry",
                   "seniority": "Seniority", "company_size": "Company size", "association": "Association",
                   "age": "Age", "gender": "Gender", "city": "City"}


def audience(con: duckdb.DuckDBPyConnection, brand: Brand, day: dt.date) -> Section:
    """Each account's followers by demographic bucket on its latest breakdown up to the day (rpt_audience)."""
    if not columns(con, "rpt_audience"):
        return Section([], ["The published marts predate audience demographics (rpt_audience)."])
    found = _labelled(brand, rows(con, """
        select audience.account_key, audience.date_day, audience.dimension, audience.dimension_value,
               audience.followers, audience.share_of_followers
        from marts.rpt_audience as audience
        inner join marts.dim_accounts as accounts on audience.account_key = accounts.account_key
        where accounts.brand_id = ? and audience.date_day <= ?
        qualify audience.date_day = max(audience.date_day) over (partition by audience.account_key)
        order by audience.account_key, audience.dimension, audience.followers desc, audience.dimension_value""",
                                  [brand.brand_id, day]))
    for row in found:
        row["dimension_name"] = DIMENSION_NAMES.get(row["dimension"], row["dimension"])
    return Section(found, [] if found else [
        "None of the brand's platforms gives follower demographics the warehouse reads (LinkedIn and Instagram do)."])


def benchmark(con: duckdb.DuckDBPyConnection, brand: Brand, day: dt.date) -> Section:
    """The brand's accounts and its rivals side by side, on the last full week before the day's week
    (rpt_competitor_benchmark), ranked by engagement rate by followers within each platform."""
    if not columns(con, "rpt_competitor_benchmark"):
        return Section([], ["The published marts predate competitor benchmarking (rpt_competitor_benchmark)."])
    week = day - dt.timedelta(days=day.weekday() + 7)
    found = rows(con, """
        select platform, account_key, is_own, handle, display_name, week_start, week_end, followers,
               follower_growth, posts_published, engagements_per_post, engagement_rate_by_followers,
               rank() over (partition by platform order by engagement_rate_by_followers desc nulls last) as rank
        from marts.rpt_competitor_benchmark
        where brand_id = ? and week_start = ?
        order by platform, rank, account_key""", [brand.brand_id, week])
    for row in found:
        rival = f"{row['display_name']} (@{row['handle']})"
        row["account"] = brand.label(row["account_key"]) if row["is_own"] else rival
    return Section(found, [] if found else [
        f"No rival accounts to compare with in the week of {week:%d %B %Y}: name them under the brand's `rivals` "
        "in warehouse.yml (Instagram, Mastodon, Bluesky, X, YouTube)."])


POST_COLUMNS = """posts.post_key, posts.account_key, posts.platform, posts.published_date, posts.content_type,
       posts.post_text, posts.permalink, posts.engagements_d7, posts.engagement_rate_d7, posts.reach_d7,
       posts.impressions_d7, posts.baseline_engagement_rate_d7, posts.is_underperforming"""


def posts_window(day: dt.date) -> Window:
    """The 28 latest publication days whose posts have D+7 figures (D+7 on or before the logical date)."""
    return Window.ending(day - dt.timedelta(days=7), RECENT_DAYS)


def top_posts(con: duckdb.DuckDBPyConnection, brand: Brand, day: dt.date) -> tuple[Section, Section]:
    """The best posts by D+7 engagement rate, and the underperforming ones (the mart's flag), of the window."""
    window = posts_window(day)
    top = _labelled(brand, rows(con, f"""
        select {POST_COLUMNS} from marts.dim_posts as posts
        where posts.brand_id = ? and posts.published_date between ? and ? and posts.engagement_rate_d7 is not null
        order by posts.engagement_rate_d7 desc, posts.engagements_d7 desc, posts.post_key
        limit {TOP_POSTS}""", [brand.brand_id, window.start, window.end]))
    # Worst first: furthest below the account's own baseline (the mart's flag is D+7 rate < half of it).
    under = _labelled(brand, rows(con, f"""
        select {POST_COLUMNS} from marts.dim_posts as posts
        where posts.brand_id = ? and posts.published_date between ? and ? and posts.is_underperforming
        order by posts.engagement_rate_d7 / posts.baseline_engagement_rate_d7, posts.post_key
        limit {TOP_POSTS}""", [brand.brand_id, window.start, window.end]))
    for row in top + under:
        row["content_type_name"] = content_type_name(row["content_type"])
    return Section(top), Section(under)


def sentiment(con: duckdb.DuckDBPyConnection, brand: Brand, day: dt.date) -> tuple[Section, Section]:
    """Daily net sentiment per account, and the alerts of the same span."""
    window = Window.ending(day, TREND_DAYS)
    daily = _labelled(brand, rows(con, """
        select sentiment.account_key, sentiment.date_day, sentiment.net_sentiment, sentiment.items,
               sentiment.negative_items
        from marts.rpt_sentiment_daily as sentiment
        inner join marts.dim_accounts as accounts on sentiment.account_key = accounts.account_key
        where accounts.brand_id = ? and sentiment.language = 'all' and sentiment.date_day between ? and ?
        order by sentiment.account_key, sentiment.date_day""", [brand.brand_id, window.start, window.end]))
    alerts = _labelled(brand, rows(con, """
        select account_key, alert_type, date_day, severity, observed_value, baseline_value
        from marts.rpt_alerts where brand_id = ? and date_day between ? and ?
        order by date_day desc, account_key, alert_type""", [brand.brand_id, window.start, window.end]))
    scored = [row for row in daily if row["net_sentiment"] is not None]
    return Section(scored, _community_absent(brand, scored, "scored comments, replies or mentions")), Section(alerts)


def response(con: duckdb.DuckDBPyConnection, brand: Brand, day: dt.date) -> tuple[Section, Section]:
    """Per account over the last 28 days: inbound items, the response rate and first-response times; and the
    daily response rate for the chart."""
    window = Window.ending(day, RECENT_DAYS)
    span = Window.ending(day, TREND_DAYS)
    params = {"brand": brand.brand_id, "start": window.start, "end": window.end}
    if "response_rate_28d" in columns(con, "rpt_community_response"):
        # The mart's own 28 days ending each day: the row of the logical date (or the account's latest before).
        summary = _labelled(brand, rows(con, """
            select response.account_key, response.inbound_items_28d as inbound_items,
                   response.responded_within_24h_28d as responded_within_24h,
                   response.response_rate_28d as response_rate,
                   response.median_first_response_minutes_28d as median_first_response_minutes,
                   response.p90_first_response_minutes_28d as p90_first_response_minutes
            from marts.rpt_community_response as response
            inner join marts.dim_accounts as accounts on response.account_key = accounts.account_key
            where accounts.brand_id = $brand and response.date_day between $start and $end
            qualify row_number() over (partition by response.account_key order by response.date_day desc) = 1
            order by response.account_key""", params))
    else:
        summary = _response_over(con, brand, params)
    daily = _labelled(brand, rows(con, """
        select response.account_key, response.date_day, response.response_rate
        from marts.rpt_community_response as response
        inner join marts.dim_accounts as accounts on response.account_key = accounts.account_key
        where accounts.brand_id = ? and response.date_day between ? and ? and response.response_rate is not null
        order by response.account_key, response.date_day""", [brand.brand_id, span.start, span.end]))
    summary = [row for row in summary if row["inbound_items"]]
    return Section(summary, _community_absent(brand, summary, "inbound comments, replies or mentions")), Section(daily)


def _response_over(con: duckdb.DuckDBPyConnection, brand: Brand, params: Mapping[str, Any]) -> list[Row]:
    """Marts without the 28-day columns: response_rate over the window is the contract's formula over the window's
    items (sums of the mart's days); first-response median and 90th percentile the contract's, over the window's
    answered inbound items of fct_interactions (medians of daily medians would not be the median)."""
    return _labelled(brand, rows(con, """
        with days as (
            select response.account_key, sum(response.inbound_items) as inbound_items,
                   sum(response.responded_within_24h) as responded_within_24h,
                   sum(response.responded_within_24h) / nullif(sum(response.inbound_items), 0) as response_rate
            from marts.rpt_community_response as response
            inner join marts.dim_accounts as accounts on response.account_key = accounts.account_key
            where accounts.brand_id = $brand and response.date_day between $start and $end
            group by response.account_key
        ),
        times as (
            select account_key, quantile_cont(first_response_minutes, 0.5) as median_first_response_minutes,
                   quantile_cont(first_response_minutes, 0.9) as p90_first_response_minutes
            from marts.fct_interactions
            where brand_id = $brand and is_inbound and first_response_minutes is not null
              and created_date between $start and $end
            group by account_key
        )
        select days.*, times.median_first_response_minutes, times.p90_first_response_minutes
        from days left join times on days.account_key = times.account_key
        order by days.account_key""", params))


def conversions(con: duckdb.DuckDBPyConnection, brand: Brand, day: dt.date) -> dict[str, Section]:
    """Social sessions, conversions and revenue of the last 28 days by platform, campaign and post (GA4)."""
    window = Window.ending(day, RECENT_DAYS)
    params = {"brand": brand.brand_id, "start": window.start, "end": window.end}
    # conversion_rate over the window: the contract's conversions / sessions, over the window's sessions.
    totals = """sum(sessions) as sessions, sum(conversions) as conversions, sum(revenue) as revenue,
                sum(conversions) / nullif(sum(sessions), 0) as conversion_rate"""
    by_platform = rows(con, f"""
        select platform, {totals} from marts.rpt_conversions
        where brand_id = $brand and grain = 'platform' and session_date between $start and $end
        group by platform order by sessions desc, platform""", params)
    for row in by_platform:
        row["platform_name"] = platform_name(row["platform"] or "other")
    by_campaign = rows(con, f"""
        with campaigns as (
            select distinct utm_campaign, campaign_id from marts.rpt_campaigns where brand_id = $brand
        )
        select conversions.utm_campaign, campaigns.campaign_id, {totals}
        from marts.rpt_conversions as conversions
        left join campaigns on conversions.utm_campaign = campaigns.utm_campaign
        where conversions.brand_id = $brand and conversions.grain = 'campaign'
          and conversions.session_date between $start and $end
        group by conversions.utm_campaign, campaigns.campaign_id order by sessions desc, conversions.utm_campaign""",
                       params)
    by_post = _labelled(brand, rows(con, f"""
        select posts.post_key, posts.account_key, posts.published_date, posts.content_type, posts.post_text,
               posts.permalink, {totals}
        from marts.rpt_conversions as conversions
        inner join marts.dim_posts as posts on conversions.post_key = posts.post_key
        where conversions.brand_id = $brand and conversions.grain = 'post'
          and conversions.session_date between $start and $end
        group by all having sum(sessions) > 0
        order by conversions desc, sessions desc, posts.post_key limit {TOP_POSTS}""", params))
    for row in by_post:
        row["content_type_name"] = content_type_name(row["content_type"])
    analytics = con.execute("select count(*) from marts.rpt_conversions where brand_id = ?",
                            [brand.brand_id]).fetchone()
    notes = [] if analytics and analytics[0] else ["No web analytics (GA4) for this brand: no sessions or "
                                                   "conversions to attribute."]
    return {"platform": Section(by_platform, notes), "campaign": Section(by_campaign), "post": Section(by_post)}


def campaigns(con: duckdb.DuckDBPyConnection, brand: Brand, day: dt.date) -> tuple[Section, Section]:
    """The campaigns running in the charts' span: totals to the logical date, and their days (UGC)."""
    window = Window.ending(day, TREND_DAYS)
    # Marts that count each author once over a campaign's dates have campaign_distinct_authors.
    whole = "campaign_distinct_authors" in columns(con, "rpt_campaigns")
    authors = "campaign_distinct_authors" if whole else "null as campaign_distinct_authors"
    days = rows(con, f"""
        select campaign_id, utm_campaign, date_day, start_date, end_date, posts, posts_mentioning_brand,
               influencer_posts, distinct_authors, engagements, {authors}
        from marts.rpt_campaigns
        where brand_id = ? and date_day <= ? and end_date >= ?
        order by start_date, campaign_id, date_day""", [brand.brand_id, day, window.start])
    totals: dict[str, Row] = {}
    for row in days:
        # Each of others' posts counts on its own day once, so the days add up; distinct authors do not (an
        # author of two days counts on both), so the table shows the busiest day's.
        total = totals.setdefault(row["campaign_id"], {
            "campaign_id": row["campaign_id"], "utm_campaign": row["utm_campaign"], "start_date": row["start_date"],
            "end_date": row["end_date"], "posts": 0, "posts_mentioning_brand": 0, "influencer_posts": 0,
            "engagements": 0, "most_authors_in_a_day": 0, "through": row["date_day"]})
        total["campaign_distinct_authors"] = row["campaign_distinct_authors"]
        for column in ("posts", "posts_mentioning_brand", "influencer_posts", "engagements"):
            total[column] += row[column] or 0
        total["most_authors_in_a_day"] = max(total["most_authors_in_a_day"], row["distinct_authors"] or 0)
        total["through"] = max(total["through"], row["date_day"])
        total["status"] = "running" if row["end_date"] >= day else "ended"
    return Section(list(totals.values()), shape="whole" if whole else "daily"), Section(days)


def influencers(con: duckdb.DuckDBPyConnection, brand: Brand) -> Section:
    found = rows(con, """
        select handle, platform, tier, followers, campaign_id, posts, engagements, engagement_rate, fee_allocated,
               cost_per_engagement, currency, first_post_at_utc, last_post_at_utc
        from marts.rpt_influencers where brand_id = ?
        order by last_post_at_utc desc, campaign_id, handle""", [brand.brand_id])
    for row in found:
        row["platform_name"] = platform_name(row["platform"])
    return Section(found)


def hashtags(con: duckdb.DuckDBPyConnection, brand: Brand, day: dt.date) -> Section:
    """The trending hashtags of the logical date: the mart's row of the 7 days ending that date against the 7
    before where it has one (window_end_date); in marts by calendar week, that week (to the date) and the one
    before."""
    if "window_end_date" in columns(con, "rpt_trending_hashtags"):
        return Section(rows(con, """
            select hashtag, uses, uses_before, growth, growth_rate, trend_rank
            from marts.rpt_trending_hashtags
            where brand_id = ? and is_trending and window_end_date = ?
            order by trend_rank""", [brand.brand_id, day]), shape="rolling")
    monday = day - dt.timedelta(days=day.weekday())
    found = rows(con, """
        select week_start, hashtag, uses, uses_week_before, growth, trend_rank
        from marts.rpt_trending_hashtags
        where brand_id = ? and is_trending and week_start in (?, ?)
        order by week_start desc, trend_rank""", [brand.brand_id, monday, monday - dt.timedelta(days=7)])
    return Section(found, shape="weekly")
