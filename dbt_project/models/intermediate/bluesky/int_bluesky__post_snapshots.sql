{#- Bluesky posts for one night, on the contract's columns: shares are reposts + quotes; Bluesky reports
    no saves, impressions, reach, link clicks or video views. -#}
{{ config(
    materialized='incremental',
    incremental_strategy=nightly_strategy(),
    partition_by=night_partition(),
    on_schema_change='fail',
    pre_hook=[delete_reprocessed_nights()],
) }}
with posts as (
    {{ deduplicate(nights_of(ref('stg_bluesky__posts')), 'post_key, snapshot_date', '_line_no') }}
)

select
    post_key,
    account_key,
    'bluesky' as platform,
    snapshot_date,
    published_at_utc,
    content_type,
    post_text,
    permalink,
    link_url,
    likes,
    replies as comments,
    reposts + quotes as shares,
    cast(null as bigint) as saves,
    cast(null as bigint) as impressions,
    cast(null as bigint) as reach,
    cast(null as bigint) as link_clicks,
    cast(null as bigint) as video_views
from posts
