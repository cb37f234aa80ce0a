{#- Every platform's nightly post counters (and stories', content type story) on the shared columns, with
    engagements as the contract defines.
    Incremental by night, as its inputs (macros/incremental_nights.sql). -#}
{{ config(
    materialized='incremental',
    incremental_strategy=nightly_strategy(),
    partition_by=night_partition(),
    on_schema_change='fail',
    pre_hook=[delete_reprocessed_nights()],
) }}
{%- set post_columns = [
    'post_key', 'account_key', 'platform', 'snapshot_date', 'published_at_utc', 'content_type', 'post_text',
    'permalink', 'link_url', 'likes', 'comments', 'shares', 'saves', 'impressions', 'reach', 'link_clicks',
    'video_views',
] %}

{%- set platforms = ['instagram', 'mastodon', 'x', 'bluesky', 'facebook', 'youtube', 'linkedin', 'tiktok', 'threads'] %}
{%- set nights = ['story_nights'] %}
{%- for platform in platforms %}{% do nights.append(platform ~ '_nights') %}{% endfor %}

with
{% for platform in platforms -%}
{{ platform }}_nights as (
    select * from {{ nights_of(ref('int_' ~ platform ~ '__post_snapshots')) }}
),

{% endfor -%}
-- Instagram and Facebook stories (intra-day captures), as content type story
story_nights as (
    select * from {{ nights_of(ref('int_story_snapshots')) }}
),

unioned as (
    {{ union_all_columns(nights, post_columns) }}
)

select
    post_key,
    account_key,
    platform,
    snapshot_date,
    published_at_utc,
    content_type,
    post_text,
    permalink,
    link_url,
    likes,
    comments,
    shares,
    saves,
    impressions,
    reach,
    link_clicks,
    video_views,
    {{ sum_reported(['likes', 'comments', 'shares', 'saves']) }} as engagements
from unioned
