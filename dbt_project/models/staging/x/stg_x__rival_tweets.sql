{#- One row per rival post and night it was read (no retweets, no replies): its public metrics. -#}
with source as (
    select * from {{ source_if_exists('raw', 'x__rival_tweets') }}
),

renamed as (
    select
        -- ids
        'x:' || {{ json_text('payload', 'id') }} as rival_post_key,
        'x:' || _parent_id as rival_key,
        'x:' || _account_id as reading_account_key,
        -- timestamps
        _logical_date as snapshot_date,
        {{ parse_utc(json_text('payload', 'created_at')) }} as published_at_utc,
        -- facts: likes, direct replies, and retweets with quotes (as the brand's own shares)
        {{ json_number('payload', 'public_metrics.like_count') }} as likes,
        {{ json_number('payload', 'public_metrics.reply_count') }} as comments,
        {{ sum_reported([
            json_number('payload', 'public_metrics.retweet_count'),
            json_number('payload', 'public_metrics.quote_count'),
        ]) }} as shares,
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
