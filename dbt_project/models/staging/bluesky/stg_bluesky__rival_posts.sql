{#- One row per rival post and night it was read (its own posts, no replies or reposts): its public counts. -#}
with source as (
    select * from {{ source_if_exists('raw', 'bluesky__rival_posts') }}
),

renamed as (
    select
        -- ids
        'bluesky:' || {{ json_text('payload', 'post.uri') }} as rival_post_key,
        'bluesky:' || _parent_id as rival_key,
        'bluesky:' || _account_id as reading_account_key,
        -- timestamps
        _logical_date as snapshot_date,
        {{ parse_utc(json_text('payload', 'post.record.createdAt')) }} as published_at_utc,
        -- facts: likes, direct replies, and reposts with quotes (as the brand's own shares)
        {{ json_number('payload', 'post.likeCount') }} as likes,
        {{ json_number('payload', 'post.replyCount') }} as comments,
        {{ sum_reported([json_number('payload', 'post.repostCount'), json_number('payload', 'post.quoteCount')]) }}
            as shares,
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
