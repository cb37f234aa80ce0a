{#- One row per account, day (account time zone) and language of inbound items, plus a row with
    language 'all' for the day's total. The brand's own replies are not counted. -#}
with inbound as (
    select * from {{ ref('fct_interactions') }}
    where is_inbound
),

by_language as (
    select
        account_key,
        created_date,
        language,
        sentiment_label
    from inbound
    union all
    select
        account_key,
        created_date,
        'all' as language,
        sentiment_label
    from inbound
),

counted as (
    select
        account_key,
        created_date as date_day,
        language,
        count(*) as items,
        sum(case when sentiment_label = 'positive' then 1 else 0 end) as positive_items,
        sum(case when sentiment_label = 'negative' then 1 else 0 end) as negative_items,
        sum(case when sentiment_label = 'neutral' then 1 else 0 end) as neutral_items,
        sum(case when sentiment_label = 'unscored' then 1 else 0 end) as unscored_items
    from by_language
    group by account_key, created_date, language
)

select
    -- ids
    {{ dbt.concat(['account_key', "'|'", to_text('date_day'), "'|'", 'language']) }} as account_day_language_key,
    account_key,
    date_day,
    language,
    -- facts
    items,
    positive_items,
    negative_items,
    neutral_items,
    unscored_items,
    {{ ratio('positive_items - negative_items', 'positive_items + negative_items + neutral_items') }} as net_sentiment
from counted
