{#- One row per rival video and night it was read: its public statistics (videos.list). YouTube shows likes and
    comments, not shares (NULL). -#}
with source as (
    select * from {{ source_if_exists('raw', 'youtube__rival_videos') }}
),

renamed as (
    select
        -- ids
        'youtube:' || {{ json_text('payload', 'id') }} as rival_post_key,
        'youtube:' || _parent_id as rival_key,
        'youtube:' || _account_id as reading_account_key,
        -- timestamps
        _logical_date as snapshot_date,
        {{ parse_utc(json_text('payload', 'snippet.publishedAt')) }} as published_at_utc,
        -- facts
        {{ json_number('payload', 'statistics.likeCount') }} as likes,
        {{ json_number('payload', 'statistics.commentCount') }} as comments,
        cast(null as bigint) as shares,
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
