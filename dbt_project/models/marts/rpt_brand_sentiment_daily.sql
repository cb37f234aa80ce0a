{#- One row per brand and day (brand time zone) of inbound items on any of the brand's accounts whose comments
    are read: their sentiment labels and net sentiment. The brand's own replies are not counted. -#}
with inbound as (
    select
        brand_id,
        created_date,
        sentiment_label
    from {{ ref('fct_interactions') }}
    where is_inbound
),

counted as (
    select
        brand_id,
        created_date as date_day,
        count(*) as items,
        sum(case when sentiment_label = 'positive' then 1 else 0 end) as positive_items,
        sum(case when sentiment_label = 'negative' then 1 else 0 end) as negative_items,
        sum(case when sentiment_label = 'neutral' then 1 else 0 end) as neutral_items,
        sum(case when sentiment_label = 'unscored' then 1 else 0 end) as unscored_items
    from inbound
    group by brand_id, created_date
)

select
    -- ids
    {{ dbt.concat(['brand_id', "'|'", to_text('date_day')]) }} as brand_day_key,
    brand_id,
    date_day,
    -- facts
    items,
    positive_items,
    negative_items,
    neutral_items,
    unscored_items,
    {{ ratio('positive_items - negative_items', 'positive_items + negative_items + neutral_items') }} as net_sentiment
from counted
