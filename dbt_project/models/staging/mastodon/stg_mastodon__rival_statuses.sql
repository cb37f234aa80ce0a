{#- One row per rival status and night it was read (no replies, no boosts): its public counts. -#}
with source as (
    select * from {{ source_if_exists('raw', 'mastodon__rival_statuses') }}
),

renamed as (
    select
        -- ids
        'mastodon:' || {{ json_text('payload', 'id') }} as rival_post_key,
        'mastodon:' || _parent_id as rival_key,
        'mastodon:' || _account_id as reading_account_key,
        -- timestamps
        _logical_date as snapshot_date,
        {{ parse_utc(json_text('payload', 'created_at')) }} as published_at_utc,
        -- facts: favourites, replies and reblogs
        {{ json_number('payload', 'favourites_count') }} as likes,
        {{ json_number('payload', 'replies_count') }} as comments,
        {{ json_number('payload', 'reblogs_count') }} as shares,
        _line_no
    from source
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
