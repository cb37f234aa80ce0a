{#- One row per account, weekday (ISO, 1 = Monday) and hour of day in the account's time zone: posts with
    D+7 values, their median D+7 engagement rate (cells of at least 3 posts), the audience's activity
    (inbound comments and mentions received), and the best-slot and best-hour flags. -#}
with posts as (
    select * from {{ ref('dim_posts') }}
    where engagement_rate_d7 is not null
),

accounts as (
    select
        account_key,
        platform
    from {{ ref('dim_accounts') }}
),

weekdays as (
    {{ integer_series('weekday', 1, 7) }}
),

hours as (
    {{ integer_series('hour', 0, 23) }}
),

cells as (
    select
        accounts.account_key,
        accounts.platform,
        weekdays.weekday,
        hours.hour
    from accounts
    cross join weekdays
    cross join hours
),

slot_stats as (
    select
        account_key,
        published_weekday as weekday,
        published_hour as hour,
        count(*) as posts,
        {{ median_of("engagement_rate_d7") }} as median_engagement_rate_d7
    from posts
    group by account_key, published_weekday, published_hour
),

hour_stats as (
    select
        account_key,
        published_hour as hour,
        count(*) as hour_posts,
        {{ median_of("engagement_rate_d7") }} as hour_median_engagement_rate_d7
    from posts
    group by account_key, published_hour
),

activity as (
    select
        account_key,
        {{ iso_weekday('created_at_local') }} as weekday,
        extract(hour from created_at_local) as hour,
        count(*) as audience_activity
    from {{ ref('fct_interactions') }}
    where is_inbound
    group by account_key, {{ iso_weekday('created_at_local') }}, extract(hour from created_at_local)
),

combined as (
    select
        cells.account_key,
        cells.weekday,
        cells.hour,
        coalesce(slot_stats.posts, 0) as posts,
        case when slot_stats.posts >= 3 then slot_stats.median_engagement_rate_d7 end as median_engagement_rate_d7,
        coalesce(hour_stats.hour_posts, 0) as hour_posts,
        case when hour_stats.hour_posts >= 5 then hour_stats.hour_median_engagement_rate_d7 end
            as hour_median_engagement_rate_d7,
        -- unknown (NULL) where the platform's comments are not read
        case when {{ reads_comments('cells.platform') }} then coalesce(activity.audience_activity, 0) end
            as audience_activity
    from cells
    left join slot_stats
        on cells.account_key = slot_stats.account_key and cells.weekday = slot_stats.weekday
        and cells.hour = slot_stats.hour
    left join hour_stats on cells.account_key = hour_stats.account_key and cells.hour = hour_stats.hour
    left join activity
        on cells.account_key = activity.account_key and cells.weekday = activity.weekday
        and cells.hour = activity.hour
)

select
    -- ids
    {{ dbt.concat(['account_key', "'|'", to_text('weekday'), "'|'", to_text('hour')]) }}
        as account_slot_key,
    account_key,
    weekday,
    hour,
    -- facts
    posts,
    median_engagement_rate_d7,
    hour_posts,
    hour_median_engagement_rate_d7,
    audience_activity,
    coalesce(median_engagement_rate_d7 is not null and median_engagement_rate_d7 = max(median_engagement_rate_d7)
        over (partition by account_key), false) as is_best_slot,
    coalesce(
        hour_median_engagement_rate_d7 is not null and hour_median_engagement_rate_d7
        = max(hour_median_engagement_rate_d7) over (partition by account_key), false
    ) as is_best_hour
from combined
