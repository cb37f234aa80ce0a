{#- One row per rival media and night it was read: its public like and comment counts as Business Discovery shows
    them. A media on two pages of one night (a post published between two calls shifts the pages) is kept once.
    like_count is absent when its owner hides likes: NULL, never 0. -#}
with source as (
    select * from {{ source_if_exists('raw', 'instagram__business_discovery') }}
),

media as (
    select
        _account_id,
        _logical_date,
        _line_no,
        {{ json_text('payload', 'business_discovery.id') }} as rival_id,
        {{ unnest_json_array('payload', 'business_discovery.media.data') }} as item
    from source
),

renamed as (
    select
        -- ids
        'instagram:' || {{ json_text('item', 'id') }} as rival_post_key,
        'instagram:' || rival_id as rival_key,
        'instagram:' || _account_id as reading_account_key,
        -- timestamps
        _logical_date as snapshot_date,
        {{ parse_utc(json_text('item', 'timestamp')) }} as published_at_utc,
        -- facts: Business Discovery shows likes and comments; shares are not public on Instagram
        {{ json_number('item', 'like_count') }} as likes,
        {{ json_number('item', 'comments_count') }} as comments,
        cast(null as bigint) as shares,
        _line_no
    from media
    where {{ json_text('item', 'id') }} is not null
),

deduplicated as (
    {{ deduplicate('renamed', 'rival_post_key, snapshot_date', '_line_no') }}
)

select
    rival_post_key,
    rival_key,
    reading_account_key,
    snapshot_date,
    published_at_utc,
    likes,
    comments,
    shares
from deduplicated
