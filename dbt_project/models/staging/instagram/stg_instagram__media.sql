with source as (
    select * from {{ source('raw', 'instagram__media') }}
),

renamed as (
    select
        -- ids
        'instagram:' || {{ json_text('payload', 'id') }} as post_key,
        'instagram:' || _account_id as account_key,
        {{ json_text('payload', 'id') }} as media_id,
        -- timestamps
        _logical_date as snapshot_date,
        {{ parse_utc(json_text('payload', 'timestamp')) }} as published_at_utc,
        -- attributes
        {{ json_text('payload', 'media_type') }} as media_type,
        {{ json_text('payload', 'media_product_type') }} as media_product_type,
        case
            when {{ json_text('payload', 'media_product_type') }} = 'STORY' then 'story'
            when {{ json_text('payload', 'media_product_type') }} = 'REELS' then 'short_video'
            when {{ json_text('payload', 'media_type') }} = 'CAROUSEL_ALBUM' then 'carousel'
            when {{ json_text('payload', 'media_type') }} = 'VIDEO' then 'video'
            else 'image'
        end as content_type,
        {{ json_text('payload', 'caption') }} as post_text,
        {{ json_text('payload', 'permalink') }} as permalink,
        -- facts
        {{ json_number('payload', 'like_count') }} as likes,
        {{ json_number('payload', 'comments_count') }} as comments,
        _line_no
    from source
)

select * from renamed
