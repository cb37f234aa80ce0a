{#- One row per rival post: its public counts at its latest read (a post is re-read each night of the lookback
    window, then settles), with the owned account that read it. -#}
{%- set models = {'instagram': 'stg_instagram__rival_media', 'mastodon': 'stg_mastodon__rival_statuses',
                  'bluesky': 'stg_bluesky__rival_posts', 'x': 'stg_x__rival_tweets',
                  'youtube': 'stg_youtube__rival_videos'} %}
with reads as (
    {% for platform, model in models.items() %}
    select
        rival_post_key,
        rival_key,
        '{{ platform }}' as platform,
        reading_account_key,
        snapshot_date,
        published_at_utc,
        likes,
        comments,
        shares
    from {{ ref(model) }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {% endfor %}
),

latest as (
    {{ deduplicate('reads', 'rival_post_key', 'snapshot_date desc') }}
)

select
    rival_post_key,
    rival_key,
    platform,
    reading_account_key,
    snapshot_date as counters_as_of,
    published_at_utc,
    likes,
    comments,
    shares
from latest
