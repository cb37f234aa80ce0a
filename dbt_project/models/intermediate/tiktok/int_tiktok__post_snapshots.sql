{#- TikTok videos for one night, on the contract's columns: counters from the by-id query (video_stats),
    falling back to the list. TikTok reports views, likes, comments and shares; no saves, impressions,
    reach or link clicks. A video of at most 60 seconds is short_video, a longer one video. -#}
{{ config(
    materialized='incremental',
    incremental_strategy=nightly_strategy(),
    partition_by=night_partition(),
    on_schema_change='fail',
    pre_hook=[delete_reprocessed_nights()],
) }}
with listed as (
    {{ deduplicate(nights_of(ref('stg_tiktok__videos')), 'video_key, snapshot_date', '_line_no') }}
),

stats as (
    {{ deduplicate(nights_of(ref('stg_tiktok__video_stats')), 'video_key, snapshot_date', '_line_no') }}
)

select
    listed.video_key as post_key,
    listed.account_key,
    'tiktok' as platform,
    listed.snapshot_date,
    listed.published_at_utc,
    case when coalesce(stats.duration_seconds, listed.duration_seconds) > 60 then 'video' else 'short_video' end
        as content_type,
    coalesce(stats.video_description, listed.video_description, listed.title) as post_text,
    listed.permalink,
    cast(null as {{ dbt.type_string() }}) as link_url,
    coalesce(stats.likes, listed.likes) as likes,
    coalesce(stats.comments, listed.comments) as comments,
    coalesce(stats.shares, listed.shares) as shares,
    cast(null as bigint) as saves,
    cast(null as bigint) as impressions,
    cast(null as bigint) as reach,
    cast(null as bigint) as link_clicks,
    coalesce(stats.views, listed.views) as video_views
from listed
left join stats
    on listed.video_key = stats.video_key and listed.snapshot_date = stats.snapshot_date
