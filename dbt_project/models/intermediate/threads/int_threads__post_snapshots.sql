{#- Threads posts and their lifetime insights for one night, on the contract's columns. Replies are comments
    (the root post's count, which includes nested replies); reposts, quotes and shares are shares; views stand in
    for impressions as on Instagram and Facebook, and are a video's views too. Threads reports no saves, reach or
    link clicks (docs/DECISIONLOG.md). -#}
{{ config(
    materialized='incremental',
    incremental_strategy=nightly_strategy(),
    partition_by=night_partition(),
    on_schema_change='fail',
    pre_hook=[delete_reprocessed_nights()],
) }}
with threads as (
    -- a record read twice in one night (paging overlap) counts once
    {{ deduplicate(nights_of(ref('stg_threads__threads')), 'post_key, snapshot_date', '_line_no') }}
),

insights as (
    select
        post_key,
        snapshot_date,
        max(case when metric_name = 'views' then metric_value end) as views,
        max(case when metric_name = 'likes' then metric_value end) as likes,
        max(case when metric_name = 'replies' then metric_value end) as replies,
        max(case when metric_name = 'reposts' then metric_value end) as reposts,
        max(case when metric_name = 'quotes' then metric_value end) as quotes,
        max(case when metric_name = 'shares' then metric_value end) as sends
    from {{ nights_of(ref('stg_threads__media_insights')) }}
    group by post_key, snapshot_date
)

select
    threads.post_key,
    threads.account_key,
    'threads' as platform,
    threads.snapshot_date,
    threads.published_at_utc,
    threads.content_type,
    threads.post_text,
    threads.permalink,
    threads.link_url,
    insights.likes,
    insights.replies as comments,
    -- shares (in development at Meta) are added when reported; reposts and quotes alone otherwise
    {{ sum_reported(['insights.reposts', 'insights.quotes', 'insights.sends']) }} as shares,
    cast(null as bigint) as saves,
    insights.views as impressions,
    cast(null as bigint) as reach,
    cast(null as bigint) as link_clicks,
    case when {{ is_video_type('threads.content_type') }} then insights.views end as video_views
from threads
left join insights
    on threads.post_key = insights.post_key and threads.snapshot_date = insights.snapshot_date
