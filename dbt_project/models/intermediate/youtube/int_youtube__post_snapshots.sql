{#- YouTube videos of the channel for one night, on the contract's columns. The Data API reports views,
    likes and comments only: no shares, saves, impressions, reach or link clicks (those are in YouTube
    Analytics per video, which the extractor does not read). Shorts are short_video. -#}
{{ config(
    materialized='incremental',
    incremental_strategy=nightly_strategy(),
    partition_by=night_partition(),
    on_schema_change='fail',
    pre_hook=[delete_reprocessed_nights()],
) }}
with videos as (
    {{ deduplicate(nights_of(ref('stg_youtube__videos')), 'video_key, snapshot_date', '_line_no') }}
)

select
    video_key as post_key,
    account_key,
    'youtube' as platform,
    snapshot_date,
    published_at_utc,
    content_type,
    coalesce(description, title) as post_text,
    permalink,
    cast(null as {{ dbt.type_string() }}) as link_url,
    likes,
    comments,
    cast(null as bigint) as shares,
    cast(null as bigint) as saves,
    cast(null as bigint) as impressions,
    cast(null as bigint) as reach,
    cast(null as bigint) as link_clicks,
    views as video_views
from videos
