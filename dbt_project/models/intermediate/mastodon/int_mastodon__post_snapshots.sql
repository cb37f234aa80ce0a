{#- Mastodon statuses for one night, on the contract's columns: it reports no saves, impressions or reach. -#}
{{ config(
    materialized='incremental',
    incremental_strategy=nightly_strategy(),
    partition_by=night_partition(),
    on_schema_change='fail',
    pre_hook=[delete_reprocessed_nights()],
) }}
with statuses as (
    {{ deduplicate(nights_of(ref('stg_mastodon__statuses')), 'post_key, snapshot_date', '_line_no') }}
)

select
    post_key,
    account_key,
    'mastodon' as platform,
    snapshot_date,
    published_at_utc,
    content_type,
    post_text,
    permalink,
    cast(null as {{ dbt.type_string() }}) as link_url,
    likes,
    comments,
    shares,
    cast(null as bigint) as saves,
    cast(null as bigint) as impressions,
    cast(null as bigint) as reach,
    cast(null as bigint) as link_clicks,
    cast(null as bigint) as video_views
from statuses
