{#- One row per account and day (account time zone), every day the account was read or received an inbound item:
    the day's inbound items, how many got a brand reply within 24 hours, the median and 90th percentile first
    response time of those answered, and the same over the 28 days ending that day (D-27 to D). An account whose
    platform's comments are not read (reads_comments) has no row: its figures are unknown, not 0. -#}
{%- set window_start = add_days('days.date_day', -27) %}
with inbound as (
    select
        account_key,
        created_date,
        first_response_minutes
    from {{ ref('fct_interactions') }}
    where is_inbound
),

-- the account's days: those it was read (fct_account_daily) and those an inbound item was written
account_days as (
    select
        account_key,
        date_day
    from {{ ref('fct_account_daily') }}
    union
    select
        account_key,
        created_date as date_day
    from inbound
),

days as (
    select
        account_key,
        date_day
    from account_days
    -- account_key is `<platform>:<platform account id>`
    where {{ reads_comments(dbt.split_part('account_key', "':'", 1)) }}
),

daily as (
    select
        account_key,
        created_date as date_day,
        count(*) as inbound_items,
        sum(case when first_response_minutes <= 24 * 60 then 1 else 0 end) as responded_within_24h,
        count(first_response_minutes) as responded_items,
        {{ median_of("first_response_minutes") }} as median_first_response_minutes,
        {{ percentile_of('first_response_minutes', 0.9) }} as p90_first_response_minutes
    from inbound
    group by account_key, created_date
),

rolling as (
    -- the inbound items of the 28 days ending each day
    select
        days.account_key,
        days.date_day,
        count(*) as inbound_items_28d,
        sum(case when inbound.first_response_minutes <= 24 * 60 then 1 else 0 end) as responded_within_24h_28d,
        count(inbound.first_response_minutes) as responded_items_28d,
        {{ median_of("inbound.first_response_minutes") }} as median_first_response_minutes_28d,
        {{ percentile_of('inbound.first_response_minutes', 0.9) }} as p90_first_response_minutes_28d
    from days
    inner join inbound
        on days.account_key = inbound.account_key
        and inbound.created_date between {{ window_start }} and days.date_day
    group by days.account_key, days.date_day
)

select
    -- ids
    {{ dbt.concat(['days.account_key', "'|'", to_text('days.date_day')]) }} as account_day_key,
    days.account_key,
    days.date_day,
    -- facts of the day (0 items on a day without any)
    coalesce(daily.inbound_items, 0) as inbound_items,
    coalesce(daily.responded_within_24h, 0) as responded_within_24h,
    coalesce(daily.responded_items, 0) as responded_items,
    {{ ratio('daily.responded_within_24h', 'daily.inbound_items') }} as response_rate,
    daily.median_first_response_minutes,
    daily.p90_first_response_minutes,
    -- facts of the 28 days ending that day (D-27 to D)
    coalesce(rolling.inbound_items_28d, 0) as inbound_items_28d,
    coalesce(rolling.responded_within_24h_28d, 0) as responded_within_24h_28d,
    coalesce(rolling.responded_items_28d, 0) as responded_items_28d,
    {{ ratio('rolling.responded_within_24h_28d', 'rolling.inbound_items_28d') }} as response_rate_28d,
    rolling.median_first_response_minutes_28d,
    rolling.p90_first_response_minutes_28d
from days
left join daily on days.account_key = daily.account_key and days.date_day = daily.date_day
left join rolling on days.account_key = rolling.account_key and days.date_day = rolling.date_day
