"""The expectation suites, one per mart, and the rows of a logical date each one checks; and the cross-mart
reconciliation.

Severity is written on each expectation (GX's `severity`): `critical` (GX's default) blocks the publish, `warning`
is published and flagged in the results and the report. Rates above RATE_BOUND only warn: a sanity limit, past
which a person looks, but a viral post is not a reason to hold every brand's marts back.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import great_expectations as gx
from great_expectations.expectations.metadata_types import FailureSeverity

E = gx.expectations
WARNING = FailureSeverity.WARNING  # published and flagged; the default, CRITICAL, blocks the publish

# The bounds are sanity limits, not targets: a rate above them means a broken join or unit, not a viral post.
RATE_BOUND = 10.0


@dataclass(frozen=True)
class Suite:
    mart: str
    # The rows a nightly run can have changed: bounded by the lookback window, whatever the table's size.
    slice_sql: str
    expectations: Callable[[], tuple]  # a factory: GX binds each expectation object to one suite only

    def build(self) -> gx.ExpectationSuite:
        suite = gx.ExpectationSuite(name=self.mart)
        for expectation in self.expectations():
            suite.add_expectation(expectation)
        return suite


def _rates(*columns: str) -> tuple:
    return tuple(expectation for column in columns for expectation in (
        E.ExpectColumnValuesToBeBetween(column=column, min_value=0),
        E.ExpectColumnValuesToBeBetween(column=column, max_value=RATE_BOUND, severity=WARNING)))


def _counters(*columns: str) -> tuple:
    return tuple(E.ExpectColumnValuesToBeBetween(column=column, min_value=0) for column in columns)


SUITES = (
    Suite(
        mart="dim_accounts",
        slice_sql="select * from marts.dim_accounts",
        expectations=lambda: (
            E.ExpectTableRowCountToBeBetween(min_value=1),
            E.ExpectColumnValuesToNotBeNull(column="account_key"),
            E.ExpectColumnValuesToBeUnique(column="account_key"),
            E.ExpectColumnValuesToBeInSet(column="platform", value_set=[
                "facebook", "instagram", "x", "linkedin", "youtube", "tiktok", "mastodon", "bluesky",
                "threads"]),
        ),
    ),
    Suite(
        mart="fct_post_performance",
        slice_sql="select * from marts.fct_post_performance where date_day between ? and ?",
        expectations=lambda: (
            E.ExpectTableRowCountToBeBetween(min_value=1),
            *(E.ExpectColumnValuesToNotBeNull(column=column)
              for column in ("post_day_key", "post_key", "account_key", "platform", "date_day")),
            E.ExpectColumnValuesToBeUnique(column="post_day_key"),
            E.ExpectColumnValuesToBeBetween(column="days_since_publication", min_value=0),
            *_counters("likes", "comments", "shares", "saves", "engagements", "impressions", "reach"),
            *_rates("engagement_rate", "engagement_rate_by_impressions", "engagement_rate_by_reach",
                    "applause_rate", "conversation_rate", "amplification_rate", "virality_rate"),
            # Reach counts distinct viewers, impressions count views: reach above impressions is a mapping bug.
            E.ExpectColumnPairValuesAToBeGreaterThanB(column_A="impressions", column_B="reach", or_equal=True,
                                                      ignore_row_if="either_value_is_missing"),
        ),
    ),
    Suite(
        mart="fct_account_daily",
        slice_sql="select * from marts.fct_account_daily where date_day between ? and ?",
        expectations=lambda: (
            E.ExpectTableRowCountToBeBetween(min_value=1),
            *(E.ExpectColumnValuesToNotBeNull(column=column)
              for column in ("account_day_key", "account_key", "date_day", "followers")),
            E.ExpectColumnValuesToBeUnique(column="account_day_key"),
            *_counters("followers", "posts_published", "impressions", "reach"),
            *_rates("engagement_rate"),
            E.ExpectColumnValuesToBeBetween(column="follower_growth_rate", min_value=-1),
            E.ExpectColumnValuesToBeBetween(column="follower_growth_rate", max_value=RATE_BOUND, severity=WARNING),
        ),
    ),
    Suite(
        mart="fct_interactions",
        slice_sql="select * from marts.fct_interactions where created_date between ? and ?",
        expectations=lambda: (
            *(E.ExpectColumnValuesToNotBeNull(column=column)
              for column in ("interaction_key", "account_key", "interaction_type", "created_at_utc")),
            E.ExpectColumnValuesToBeUnique(column="interaction_key"),
            E.ExpectColumnValuesToBeInSet(column="interaction_type", value_set=["comment", "reply", "mention"]),
            E.ExpectColumnValuesToBeInSet(column="sentiment_label",
                                          value_set=["positive", "negative", "neutral", "unscored"]),
            E.ExpectColumnValuesToBeBetween(column="sentiment_score", min_value=-1, max_value=1),
            # a reply cannot come before what it answers
            E.ExpectColumnValuesToBeBetween(column="first_response_minutes", min_value=0),
        ),
    ),
    Suite(
        mart="rpt_campaigns",
        slice_sql="select * from marts.rpt_campaigns where date_day between ? and ?",
        expectations=lambda: (
            E.ExpectColumnValuesToNotBeNull(column="campaign_day_key"),
            E.ExpectColumnValuesToBeUnique(column="campaign_day_key"),
            *_counters("posts", "posts_mentioning_brand", "influencer_posts", "distinct_authors", "engagements"),
            E.ExpectColumnPairValuesAToBeGreaterThanB(column_A="posts", column_B="distinct_authors", or_equal=True),
            E.ExpectColumnPairValuesAToBeGreaterThanB(column_A="posts", column_B="influencer_posts", or_equal=True),
        ),
    ),
    Suite(
        mart="rpt_influencers",
        slice_sql="select * from marts.rpt_influencers",
        expectations=lambda: (
            E.ExpectColumnValuesToNotBeNull(column="influencer_campaign_key"),
            E.ExpectColumnValuesToBeUnique(column="influencer_campaign_key"),
            E.ExpectColumnValuesToBeInSet(column="tier", value_set=["nano", "micro", "macro", "mega"]),
            *_counters("posts", "engagements", "fee_allocated", "cost_per_engagement"),
            *_rates("engagement_rate"),
        ),
    ),
)


# Engagements gained per account and day: fct_account_daily's equals the sum of its posts' in fct_post_performance,
# on every account-day of the window (a post's days before its account was first read have no account-day).
ENGAGEMENTS_SQL = """
with posts as (
    -- a day with a post first read long after publication has an unknown increase (fct_account_daily's rule)
    select account_key, date_day,
           case when count(case when engagements_gained is null and engagements is not null then 1 end) = 0
                then sum(engagements_gained) end as engagements_gained
    from marts.fct_post_performance where date_day between ? and ? group by all
),
accounts as (
    select account_key, date_day, engagements_gained from marts.fct_account_daily where date_day between ? and ?
)
select accounts.account_key || ' ' || accounts.date_day::varchar as account_day,
       posts.engagements_gained as from_posts, accounts.engagements_gained as from_account_daily,
       abs(coalesce(posts.engagements_gained, 0) - coalesce(accounts.engagements_gained, 0)) as difference
from accounts left join posts on posts.account_key = accounts.account_key and posts.date_day = accounts.date_day
order by 1
"""

# Every configured account is in the marts: in dim_accounts, with days in fct_account_daily in the window.
ACCOUNTS_SQL = """
select configured.account_key,
       exists (select 1 from marts.dim_accounts as dim where dim.account_key = configured.account_key) as in_dim,
       exists (select 1 from marts.fct_account_daily as daily where daily.account_key = configured.account_key
               and daily.date_day between ? and ?) as has_days
from (select unnest(?::varchar[]) as account_key) as configured order by 1
"""


def reconciliation_suites(con, window: list, accounts: list[str] | None) -> list[tuple[str, object, list]]:
    """The cross-mart suites: (name, frame, expectations)."""
    suites: list[tuple[str, object, list]] = [(
        "reconcile_engagements", con.execute(ENGAGEMENTS_SQL, [*window, *window]).df(), [
            E.ExpectColumnValuesToBeBetween(column="difference", max_value=1e-6,
                                            meta={"rule": "engagements_disagree"}),
        ])]
    if accounts is not None:
        suites.append(("reconcile_accounts", con.execute(ACCOUNTS_SQL, [*window, accounts]).df(), [
            E.ExpectTableRowCountToEqual(value=len(accounts)),
            E.ExpectColumnValuesToBeInSet(column="in_dim", value_set=[True], meta={"rule": "account_missing"}),
            E.ExpectColumnValuesToBeInSet(column="has_days", value_set=[True],
                                          meta={"rule": "account_without_days"}),
        ]))
    return suites
