with source as (
    select * from {{ source_if_exists('raw', 'tiktok__user') }}
),

renamed as (
    select
        -- ids
        'tiktok:' || {{ json_text('payload', 'open_id') }} as account_key,
        {{ json_text('payload', 'open_id') }} as open_id,
        -- timestamps
        _logical_date as snapshot_date,
        -- attributes
        {{ json_text('payload', 'display_name') }} as display_name,
        -- facts
        {{ json_number('payload', 'follower_count') }} as followers,
        {{ json_number('payload', 'likes_count') }} as likes_received,
        {{ json_number('payload', 'video_count') }} as video_count,
        _line_no
    from source
)

select * from renamed
