{#- Facebook Page posts and their insights for one night, on the contract's columns. Meta retired
    post_impressions (Nov 2025) and post_impressions_unique (June 2025): views (post_media_view) stand in for
    impressions and unique viewers (post_total_media_view_unique) for reach; the retired metrics are still
    read where older nights hold them. Facebook reports no saves to Pages. For a video, reel or live video, the
    views are its video views too (metric contract, settled readings). A video whose Video node has a live_status
    was broadcast live: `live`. -#}
{{ config(
    materialized='incremental',
    incremental_strategy=nightly_strategy(),
    partition_by=night_partition(),
    on_schema_change='fail',
    pre_hook=[delete_reprocessed_nights()],
) }}
with posts as (
    {{ deduplicate(nights_of(ref('stg_facebook__posts')), 'post_key, snapshot_date', '_line_no') }}
),

insights as (
    select
        post_key,
        snapshot_date,
        max(case when metric_name = 'post_media_view' then metric_value end) as views,
        max(case when metric_name = 'post_impressions' then metric_value end) as legacy_impressions,
        max(case when metric_name = 'post_total_media_view_unique' then metric_value end) as viewers,
        max(case when metric_name = 'post_impressions_unique' then metric_value end) as legacy_reach
    from {{ nights_of(ref('stg_facebook__post_insights')) }}
    group by post_key, snapshot_date
),

videos as (
    -- a video post whose Video node was read that night, with its live marker
    select
        post_key,
        snapshot_date,
        max(live_status) as live_status
    from {{ nights_of(ref('stg_facebook__videos')) }}
    group by post_key, snapshot_date
),

joined as (
    select
        posts.post_key,
        posts.account_key,
        'facebook' as platform,
        posts.snapshot_date,
        posts.published_at_utc,
        case when videos.live_status is not null then 'live' else posts.content_type end as content_type,
        posts.post_text,
        posts.permalink,
        cast(null as {{ dbt.type_string() }}) as link_url,
        posts.reactions as likes,
        posts.top_level_comments as comments,
        posts.shares,
        cast(null as bigint) as saves,
        coalesce(insights.views, insights.legacy_impressions) as impressions,
        coalesce(insights.viewers, insights.legacy_reach) as reach,
        cast(null as bigint) as link_clicks,
        case
            when videos.live_status is not null or {{ is_video_type('posts.content_type') }} then insights.views
        end as video_views
    from posts
    left join insights
        on posts.post_key = insights.post_key and posts.snapshot_date = insights.snapshot_date
    left join videos
        on posts.post_key = videos.post_key and posts.snapshot_date = videos.snapshot_date
)

select * from joined
