{#- One row per owned account per day, from the first to the last night the account was read.
    Incremental like fct_post_performance: a nightly run recomputes only the days from its logical date minus
    the lookback window (re-read posts, late comments and late account insights restate those days), so it
    gives the same rows as a full refresh. The follower columns depend on earlier days (the last known count
    is carried forward, growth compares with the day before): they are computed over the accounts' whole
    snapshot history (one row per account and night) and only then cut to the window, so the window's first
    day is right too; the 7-day organic reach reads the posts published before the window through its join.
    Without a logical_date var it recomputes everything. -#}
{{ config(
    materialized='incremental',
    incremental_strategy=nightly_strategy(),
    partition_by=night_partition('date_day'),
    on_schema_change='fail',
    pre_hook=[delete_reprocessed_nights('date_day')],
) }}

with accounts as (
    select * from {{ ref('dim_accounts') }}
),

account_snapshots as (
    select * from {{ ref('int_account_snapshots_unioned') }}
),

bounds as (
    select
        account_key,
        min(snapshot_date) as first_date,
        max(snapshot_date) as last_date
    from account_snapshots
    group by account_key
),

account_days as (
    select
        bounds.account_key,
        {{ explode_days('bounds.first_date', 'bounds.last_date') }} as date_day
    from bounds
),

followers as (
    select
        account_days.account_key,
        account_days.date_day,
        {{ last_value_ignore_nulls('account_snapshots.followers') }} over (
            partition by account_days.account_key order by account_days.date_day
            rows between unbounded preceding and current row
        ) as followers,
        account_snapshots.impressions,
        account_snapshots.reach
    from account_days
    left join account_snapshots
        on account_days.account_key = account_snapshots.account_key
        and account_days.date_day = account_snapshots.snapshot_date
),

growth_history as (
    select
        followers.*,
        followers.followers - lag(followers.followers) over (
            partition by followers.account_key order by followers.date_day
        ) as follower_growth,
        lag(followers.followers) over (
            partition by followers.account_key order by followers.date_day
        ) as followers_day_before
    from followers
),

-- the days this run writes
growth as (
    select * from growth_history
    {% if is_incremental() %}
    where date_day >= {{ reprocess_from() }}
    {% endif %}
),

post_activity as (
    select
        account_key,
        date_day,
        -- a post first read long after publication (an account's first night reading its history) has an
        -- unknown increase that day (fct_post_performance): the day's sum is unknown too, not that post's lifetime
        case
            when count(case when engagements_gained is null and engagements is not null then 1 end) = 0
                then sum(engagements_gained)
        end as engagements_gained,
        sum(case when days_since_publication = 0 then 1 else 0 end) as posts_published
    from {{ ref('fct_post_performance') }}
    {% if is_incremental() %}
    where date_day >= {{ reprocess_from() }}
    {% endif %}
    group by account_key, date_day
),

sentiment as (
    select
        account_key,
        date_day,
        items as inbound_items,
        negative_items,
        net_sentiment
    from {{ ref('rpt_sentiment_daily') }}
    where language = 'all'
    {% if is_incremental() %}
      and date_day >= {{ reprocess_from() }}
    {% endif %}
),

organic_reach as (
    -- the median D+1 organic reach rate of the account's posts published in the 7 days ending D-1
    select
        growth.account_key,
        growth.date_day,
        {{ median_of('posts.organic_reach_rate_d1') }} as organic_reach_rate
    from growth
    inner join {{ ref('dim_posts') }} as posts
        on growth.account_key = posts.account_key
        and posts.published_date between {{ add_days('growth.date_day', -7) }} and {{ add_days('growth.date_day', -1) }}
    group by growth.account_key, growth.date_day
)

select
    -- ids
    {{ dbt.concat(['growth.account_key', "'|'", to_text('growth.date_day')]) }} as account_day_key,
    growth.account_key,
    accounts.brand_id,
    accounts.platform,
    -- timestamps
    growth.date_day,
    -- facts
    growth.followers,
    growth.follower_growth,
    {{ ratio('growth.follower_growth', 'growth.followers_day_before') }} as follower_growth_rate,
    growth.impressions,
    growth.reach,
    coalesce(post_activity.posts_published, 0) as posts_published,
    post_activity.engagements_gained,
    {{ ratio('post_activity.engagements_gained', 'growth.followers') }} as engagement_rate,
    organic_reach.organic_reach_rate,
    -- a day without inbound items is a 0 where the platform's comments are read, unknown (NULL) elsewhere
    case when {{ reads_comments('accounts.platform') }} then coalesce(sentiment.inbound_items, 0) end as inbound_items,
    case when {{ reads_comments('accounts.platform') }} then coalesce(sentiment.negative_items, 0) end
        as negative_items,
    sentiment.net_sentiment
from growth
inner join accounts on growth.account_key = accounts.account_key
left join post_activity
    on growth.account_key = post_activity.account_key and growth.date_day = post_activity.date_day
left join organic_reach
    on growth.account_key = organic_reach.account_key and growth.date_day = organic_reach.date_day
left join sentiment on growth.account_key = sentiment.account_key and growth.date_day = sentiment.date_day
