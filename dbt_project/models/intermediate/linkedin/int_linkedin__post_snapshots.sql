{#- LinkedIn organization posts and their lifetime share statistics for one night, on the contract's
    columns. uniqueImpressionsCount is reach; clickCount (clicks on the post's content) is link_clicks.
    A link post's URL is in its article card, not its commentary: post_text carries both so the UTM tags
    of the link are read like any other platform's. -#}
{{ config(
    materialized='incremental',
    incremental_strategy=nightly_strategy(),
    partition_by=night_partition(),
    on_schema_change='fail',
    pre_hook=[delete_reprocessed_nights()],
) }}
with posts as (
    {{ deduplicate(nights_of(ref('stg_linkedin__posts')), 'post_key, snapshot_date', '_line_no') }}
),

statistics as (
    {{ deduplicate(nights_of(ref('stg_linkedin__share_statistics')), 'post_key, snapshot_date', '_line_no') }}
)

select
    posts.post_key,
    posts.account_key,
    'linkedin' as platform,
    posts.snapshot_date,
    posts.published_at_utc,
    posts.content_type,
    concat_ws(' ', posts.commentary, posts.article_url) as post_text,
    posts.permalink,
    cast(null as {{ dbt.type_string() }}) as link_url,
    statistics.likes,
    statistics.comments,
    statistics.shares,
    cast(null as bigint) as saves,
    statistics.impressions,
    statistics.unique_impressions as reach,
    statistics.clicks as link_clicks,
    cast(null as bigint) as video_views
from posts
left join statistics
    on posts.post_key = statistics.post_key and posts.snapshot_date = statistics.snapshot_date
