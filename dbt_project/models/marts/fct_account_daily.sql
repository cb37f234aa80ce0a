{#- One row per owned account per day, from the first to the last night the account was read. -#}
with accounts as (
    select * from {{ ref('dim_accounts') }}
),

account_snapshots as (
    select * from {{ ref('int_account_snapshots_unioned') }}
),

bounds as (
    select account_key, min(snapshot_date) as first_date, max(snapshot_date) as last_date
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
        last_value(account_snapshots.followers ignore nulls) over (
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

post_activity as (
    select
        account_key,
        date_day,
        sum(engagements_gained) as engagements_gained,
        sum(case when days_since_publication = 0 then 1 else 0 end) as posts_published
    from {{ ref('fct_post_performance') }}
    group by account_key, date_day
),

growth as (
    select
        followers.*,
        followers.followers - lag(followers.followers) over (
            partition by followers.account_key order by followers.date_day
        ) as follower_growth,
        lag(followers.followers) over (
            partition by followers.account_key order by followers.date_day
        ) as followers_day_before
    from followers
)

select
    -- ids
    {{ dbt.concat(['growth.account_key', "'|'", 'cast(growth.date_day as varchar)']) }} as account_day_key,
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
    {{ ratio('post_activity.engagements_gained', 'growth.followers') }} as engagement_rate
from growth
inner join accounts on growth.account_key = accounts.account_key
left join post_activity
    on growth.account_key = post_activity.account_key and growth.date_day = post_activity.date_day
