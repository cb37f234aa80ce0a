{#- Every platform's nightly post counters on the shared columns, with engagements as the contract defines. -#}
{%- set post_columns = [
    'post_key', 'account_key', 'platform', 'snapshot_date', 'published_at_utc', 'content_type', 'post_text',
    'permalink', 'link_url', 'likes', 'comments', 'shares', 'saves', 'impressions', 'reach', 'link_clicks',
    'video_views',
] %}

with unioned as (
    {{ union_all_columns([
        ref('int_instagram__post_snapshots'),
        ref('int_mastodon__post_snapshots'),
        ref('int_x__post_snapshots'),
        ref('int_bluesky__post_snapshots'),
        ref('int_facebook__post_snapshots'),
        ref('int_youtube__post_snapshots'),
        ref('int_linkedin__post_snapshots'),
        ref('int_tiktok__post_snapshots'),
    ], post_columns) }}
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
