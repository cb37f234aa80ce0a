{#- One row per account and content type: posts with D+7 values, their median D+7 engagement rate, and the
    lift over the median of all the account's posts. -#}
with posts as (
    select * from {{ ref('dim_posts') }}
    where engagement_rate_d7 is not null
),

by_type as (
    select
        account_key,
        content_type,
        count(*) as posts,
        {{ median_of("engagement_rate_d7") }} as median_engagement_rate_d7
    from posts
    group by account_key, content_type
),

by_account as (
    select account_key, {{ median_of("engagement_rate_d7") }} as account_median_engagement_rate_d7
    from posts
    group by account_key
)

select
    -- ids
    {{ dbt.concat(['by_type.account_key', "'|'", 'by_type.content_type']) }} as account_content_type_key,
    by_type.account_key,
    by_type.content_type,
    -- facts
    by_type.posts,
    by_type.median_engagement_rate_d7,
    by_account.account_median_engagement_rate_d7,
    {{ ratio('by_type.median_engagement_rate_d7', 'by_account.account_median_engagement_rate_d7') }} - 1 as lift,
    rank() over (partition by by_type.account_key order by by_type.median_engagement_rate_d7 desc) as rank_in_account
from by_type
inner join by_account on by_type.account_key = by_account.account_key
