{#- One row per account and day (account time zone) of inbound items: how many, how many got a brand reply
    within 24 hours, and the median and 90th percentile first response time of those answered. -#}
with inbound as (
    select * from {{ ref('fct_interactions') }}
    where is_inbound
)

select
    -- ids
    {{ dbt.concat(['account_key', "'|'", to_text('created_date')]) }} as account_day_key,
    account_key,
    created_date as date_day,
    -- facts
    count(*) as inbound_items,
    sum(case when first_response_minutes <= 24 * 60 then 1 else 0 end) as responded_within_24h,
    count(first_response_minutes) as responded_items,
    {{ ratio('sum(case when first_response_minutes <= 24 * 60 then 1 else 0 end)', 'count(*)') }} as response_rate,
    {{ median_of("first_response_minutes") }} as median_first_response_minutes,
    {{ percentile_of('first_response_minutes', 0.9) }} as p90_first_response_minutes
from inbound
group by account_key, created_date
