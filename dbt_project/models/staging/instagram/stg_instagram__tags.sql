with source as (
    select * from {{ source_if_exists('raw', 'instagram__tags') }}
),

renamed as (
    select
        -- ids
        'instagram:' || {{ json_text('payload', 'id') }} as media_key,
        'instagram:' || _account_id as account_key,
        {{ json_text('payload', 'id') }} as media_id,
        {{ json_text('payload', 'username') }} as author_username,
        -- timestamps
        _logical_date as snapshot_date,
        {{ parse_utc(json_text('payload', 'timestamp')) }} as created_at_utc,
        -- attributes
        {{ json_text('payload', 'media_type') }} as media_type,
        {{ json_text('payload', 'caption') }} as caption,
        {{ json_text('payload', 'permalink') }} as permalink,
        -- facts: the tags edge gives no follower count and no shares
        {{ json_number('payload', 'like_count') }} as likes,
        {{ json_number('payload', 'comments_count') }} as comments,
        _line_no
    from source
)

select * from renamed
