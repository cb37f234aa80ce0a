-- The seven KPIs (bench/reference/__init__.py) as one plain DuckDB script: the engine's limit, no dbt.
-- Definitions are the metric contract's (/work/shared/kpis.md); where it leaves a detail open, the marts' reading
-- is followed and the place says which model it follows. {inputs} is the directory of the four Parquet inputs,
-- substituted by bench/reference/duckdb_ref.py.
--
-- Passes: the post snapshots are read twice (folded to one row per post; then its reads from the publication day
-- on, one window sort, whose gains also give the D+7 values); the interactions twice (one hash aggregate for the
-- first replies; the negative inbound items, filtered in the scan, for the spikes); the best time, content type
-- and underperformance outputs read only the few hundred rated posts.

create or replace temp view snapshots as select * from read_parquet('{inputs}/posts.parquet');
create or replace temp view followers as select * from read_parquet('{inputs}/followers.parquet');
create or replace temp view accounts as select * from read_parquet('{inputs}/accounts.parquet');
create or replace temp view interactions as select * from read_parquet('{inputs}/interactions.parquet');

-- One row per post of a configured account (int_posts): its attributes from its latest read (one struct so
-- that a NULL attribute is kept, not skipped as arg_max skips NULLs), its publication day, ISO weekday and hour
-- in the account's time zone, and the followers of the account's last read dated on or before the day before
-- publication (that read's value, even NULL): an ASOF join, no range join and deduplication.
create or replace temp table posts as
with latest as (
    select post_key, arg_max(struct_pack(account_key, published_at_utc, content_type), snapshot_date) as post
    from snapshots
    group by post_key
),

localized as (
    select
        latest.post_key,
        latest.post.account_key,
        latest.post.content_type,
        timezone(accounts.account_timezone, timezone('UTC', latest.post.published_at_utc)) as published_at_local
    from latest
    inner join accounts on latest.post.account_key = accounts.account_key
)

select
    localized.post_key,
    localized.account_key,
    localized.content_type,
    cast(localized.published_at_local as date) as published_date,
    extract(isodow from localized.published_at_local) as weekday,
    extract(hour from localized.published_at_local) as hour,
    followers.followers as followers_at_publication
from localized
asof left join followers
    on localized.account_key = followers.account_key
    and cast(localized.published_at_local as date) - 1 >= followers.snapshot_date;

-- 1. Per post and read day on or after its local publication day (a read dated before it, UTC ahead of local,
-- is none: fct_post_performance): the increase of engagements over the post's previous read, from 0 when the
-- first read is by the day after publication (a post counts 0 at publication); a later first read (an account's
-- first night reading its history) has an unknown increase (NULL). Engagements carried over reads that lack
-- them (engagements_so_far, for D+7). Both window functions share one partition and order, so one sort.
create or replace table counter_deltas as
select
    snapshots.post_key,
    snapshots.snapshot_date as date_day,
    last_value(snapshots.engagements ignore nulls) over to_this_read as engagements_so_far,
    last_value(snapshots.engagements ignore nulls) over to_this_read
    - coalesce(
        last_value(snapshots.engagements ignore nulls) over before_this_read,
        case when snapshots.snapshot_date <= posts.published_date + 1 then 0 end
    ) as engagements_gained
from snapshots
inner join posts on snapshots.post_key = posts.post_key and snapshots.snapshot_date >= posts.published_date
window
    to_this_read as (
        partition by snapshots.post_key order by snapshots.snapshot_date
        rows between unbounded preceding and current row
    ),
    before_this_read as (
        partition by snapshots.post_key order by snapshots.snapshot_date
        rows between unbounded preceding and 1 preceding
    );

-- 2. Posts with D+7 values (fct_post_performance has a D+7 row when the post was read between D+0 and D+7 and
-- again on or after D+7) and their rate: engagements at D+7, those carried to its last read up to D+7, over the followers
-- at publication: the carried value of the last read up to D+7 (arg_max over the rows just written, not a second
-- read of the snapshots and its join; not the sum of the day's gains, unknown after a late first read). Division
-- by zero or NULL gives NULL (contract), and a post without a rate has none to rank.
create or replace temp table rated as
with last_night as (
    select max(snapshot_date) as last_day from snapshots
),

at_d7 as (
    select
        counter_deltas.post_key,
        arg_max(counter_deltas.engagements_so_far, counter_deltas.date_day)
            filter (where counter_deltas.date_day <= posts.published_date + 7) as engagements_d7
    from counter_deltas
    inner join posts on counter_deltas.post_key = posts.post_key
    cross join last_night
    group by counter_deltas.post_key, posts.published_date, posts.content_type, last_night.last_day
    having max(counter_deltas.date_day) >= posts.published_date + 7
        -- a story's counters end with it (24 hours): once D+7 has come, its last read is its D+7 value
        or (posts.content_type = 'story' and posts.published_date + 7 <= last_night.last_day)
)

select
    posts.post_key,
    posts.account_key,
    posts.content_type,
    posts.published_date,
    posts.weekday,
    posts.hour,
    cast(at_d7.engagements_d7 as double) / nullif(posts.followers_at_publication, 0) as engagement_rate_d7
from at_d7
inner join posts on at_d7.post_key = posts.post_key
where engagement_rate_d7 is not null;

create or replace table d7_rates as select post_key, engagement_rate_d7 from rated;

-- 3. Per account, ISO weekday and hour of publication with rated posts: their number, their median rate in
-- cells of at least 3 posts (contract), and the best slot: the highest such median of the account, ties all
-- best (rpt_best_time_to_post).
create or replace table best_time as
with cells as (
    select
        account_key,
        weekday,
        hour,
        count(*) as posts,
        case when count(*) >= 3 then median(engagement_rate_d7) end as median_engagement_rate_d7
    from rated
    group by account_key, weekday, hour
)

select
    *,
    coalesce(
        median_engagement_rate_d7 = max(median_engagement_rate_d7) over (partition by account_key), false
    ) as is_best_slot
from cells;

-- 4. Per account and content type: rated posts, their median rate, and its lift over the median of all the
-- account's rated posts. Both medians in one aggregation (grouping sets), the account's carried to its types by
-- a window over the few result rows.
create or replace table content_type_lift as
with medians as (
    select
        account_key,
        content_type,
        grouping(content_type) = 1 as is_account,
        count(*) as posts,
        median(engagement_rate_d7) as median_engagement_rate_d7
    from rated
    group by grouping sets ((account_key, content_type), (account_key))
),

lifted as (
    select
        account_key,
        content_type,
        is_account,
        posts,
        median_engagement_rate_d7,
        median_engagement_rate_d7
        / nullif(max(median_engagement_rate_d7) filter (where is_account) over (partition by account_key), 0)
        - 1 as lift
    from medians
)

select account_key, content_type, posts, median_engagement_rate_d7, lift
from lifted
where not is_account;

-- 5. Per rated post: the median rate of the account's rated posts published in the 90 calendar days before its
-- local publication day (D-90 .. D-1: a RANGE frame, posts of the same day left out), with at least 5 of them,
-- else none; underperforming below half of it (dim_posts).
create or replace table underperformance as
with baselines as (
    select
        post_key,
        engagement_rate_d7,
        median(engagement_rate_d7) over prior_90_days as baseline,
        count(*) over prior_90_days as baseline_posts
    from rated
    window prior_90_days as (
        partition by account_key order by published_date
        range between interval 90 days preceding and interval 1 days preceding
    )
)

select
    post_key,
    case when baseline_posts >= 5 then baseline end as baseline_engagement_rate_d7,
    case when baseline_posts >= 5 then engagement_rate_d7 < 0.5 * baseline end as is_underperforming
from baselines;

-- 6. Per inbound item (by someone other than the brand) the brand answered: minutes to its first reply. One
-- hash aggregate instead of aggregating the replies and joining them back: an inbound item and the brand's
-- replies to it share a key (its own, their parent's). Whole seconds crossed, as date_diff counts them
-- (fct_interactions).
create or replace table response_times as
select
    case when is_from_brand then parent_interaction_key else interaction_key end as interaction_key,
    cast(date_diff(
        'second',
        any_value(created_at_utc) filter (where not is_from_brand),
        min(created_at_utc) filter (where is_from_brand)
    ) as double) / 60 as first_response_minutes
from interactions
where not is_from_brand or parent_interaction_key is not null
group by 1
having count(*) filter (where not is_from_brand) > 0 and count(*) filter (where is_from_brand) > 0;

-- 7. Per account whose comments are read and local day (fct_account_daily: every day from the account's first to
-- its last read), its negative inbound items; a day raises the alert when they number at least 20 and exceed
-- the mean + 3 sample standard deviations of the 28 days before (rows, as every calendar day is one; a full 28
-- needed: rpt_alerts). Accounts whose comments are not read have no count (NULL), so no alert.
create or replace table negative_spikes as
with account_days as (
    select
        followers.account_key,
        unnest(generate_series(min(followers.snapshot_date), max(followers.snapshot_date), interval 1 day))::date
            as date_day
    from followers
    inner join accounts on followers.account_key = accounts.account_key and accounts.reads_comments
    group by followers.account_key
),

negatives as (
    select
        interactions.account_key,
        cast(timezone(accounts.account_timezone, timezone('UTC', interactions.created_at_utc)) as date) as date_day,
        count(*) as negative_items
    from interactions
    inner join accounts on interactions.account_key = accounts.account_key
    where not interactions.is_from_brand and interactions.sentiment_label = 'negative'
    group by all
),

baselines as (
    select
        account_days.account_key,
        account_days.date_day,
        cast(coalesce(negatives.negative_items, 0) as double) as observed_value,
        avg(observed_value) over prior_28_days as baseline_value,
        stddev_samp(observed_value) over prior_28_days as baseline_stddev,
        count(*) over prior_28_days as baseline_days
    from account_days
    left join negatives
        on account_days.account_key = negatives.account_key and account_days.date_day = negatives.date_day
    window prior_28_days as (
        partition by account_days.account_key order by account_days.date_day
        rows between 28 preceding and 1 preceding
    )
)

select account_key, date_day, observed_value, baseline_value, baseline_stddev
from baselines
where
    baseline_days = 28
    and observed_value >= 20
    and observed_value > baseline_value + 3 * coalesce(baseline_stddev, 0);
